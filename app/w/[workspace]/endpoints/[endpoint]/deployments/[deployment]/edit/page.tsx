import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { getPageContext, orNotFound, requirePermission } from "@/lib/auth/page-context";
import { getDeploymentOrThrow } from "@/lib/deployments/manage-deployment";
import { SETTINGS_HELP } from "@/lib/deployments/settings";
import { listModelVersionRefs } from "@/lib/models/find-models";
import { DeploymentForm } from "../../new/deployment-form";

export const metadata: Metadata = { title: "Edit deployment" };

export default async function EditDeploymentPage({
  params,
}: {
  params: Promise<{ workspace: string; endpoint: string; deployment: string }>;
}) {
  const { workspace: slug, endpoint, deployment: name } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "deployment:manage");
  const d = await orNotFound(getDeploymentOrThrow({ workspaceId: ctx.workspace.id, endpointName: endpoint, name }));
  const models = await listModelVersionRefs({ workspaceId: ctx.workspace.id });
  return (
    <>
      <PageHeader
        title={`Edit ${name} (v${d.version})`}
        description="Saving a change of code, model or settings makes a new version. Running jobs keep the version they started with."
      />
      <Card className="max-w-3xl p-5">
        <DeploymentForm slug={slug} endpoint={endpoint} models={models} help={SETTINGS_HELP} initial={d} />
      </Card>
    </>
  );
}
