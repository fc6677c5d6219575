import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { getPageContext, orNotFound, requirePermission } from "@/lib/auth/page-context";
import { SETTINGS_HELP } from "@/lib/deployments/settings";
import { getEndpointOrThrow } from "@/lib/endpoints/find-endpoints";
import { listModelVersionRefs } from "@/lib/models/find-models";
import { DeploymentForm } from "./deployment-form";

export const metadata: Metadata = { title: "New deployment" };

export default async function NewDeploymentPage({ params }: { params: Promise<{ workspace: string; endpoint: string }> }) {
  const { workspace: slug, endpoint: name } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "deployment:manage");
  const endpoint = await orNotFound(getEndpointOrThrow({ workspaceId: ctx.workspace.id, name }));
  const models = await listModelVersionRefs({ workspaceId: ctx.workspace.id });
  return (
    <>
      <PageHeader
        title={`New deployment of ${name}`}
        description="Scoring code with init() and run(mini_batch), an optional model, and how to run it. Azure ML batch scoring scripts run unchanged."
      />
      <Card className="max-w-3xl p-5">
        <DeploymentForm slug={slug} endpoint={name} models={models} help={SETTINGS_HELP} firstDeployment={!endpoint.defaultDeploymentId} />
      </Card>
    </>
  );
}
