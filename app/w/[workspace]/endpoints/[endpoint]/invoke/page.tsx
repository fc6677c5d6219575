import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { getPageContext, orNotFound, requirePermission } from "@/lib/auth/page-context";
import { findDataAssets } from "@/lib/data-assets/data-assets";
import { findDatastores } from "@/lib/datastores/datastores";
import { findDeployments } from "@/lib/deployments/manage-deployment";
import { getEndpointOrThrow } from "@/lib/endpoints/find-endpoints";
import { dataInputChoices } from "@/lib/jobs/inputs";
import { InvokeForm } from "./invoke-form";

export const metadata: Metadata = { title: "Invoke" };

export default async function InvokePage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; endpoint: string }>;
  searchParams: Promise<{ input?: string }>;
}) {
  const { workspace: slug, endpoint: name } = await params;
  const { input } = await searchParams;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "job:invoke");
  await orNotFound(getEndpointOrThrow({ workspaceId: ctx.workspace.id, name }));
  const [deployments, datastores, dataAssets] = await Promise.all([
    findDeployments({ workspaceId: ctx.workspace.id, endpointName: name }),
    findDatastores({ workspaceId: ctx.workspace.id }),
    findDataAssets({ workspaceId: ctx.workspace.id, perPage: 200 }),
  ]);
  return (
    <>
      <PageHeader
        title={`Invoke ${name}`}
        description="Run the deployment's scoring script over a folder of files, one file, or one file split into mini-batches of rows. The job is validated before it starts."
      />
      <Card className="max-w-3xl p-5">
        <InvokeForm
          slug={slug}
          endpoint={name}
          deployments={deployments.map((d) => ({
            name: d.name,
            isDefault: d.isDefault,
            miniBatchSize: d.settings.miniBatchSize,
            instanceCount: d.settings.instanceCount,
            maxRetries: d.settings.retrySettings.maxRetries,
            timeout: d.settings.retrySettings.timeout,
            errorThreshold: d.settings.errorThreshold,
            outputFileName: d.settings.outputFileName,
            supportsExplanations: d.settings.supportsExplanations,
          }))}
          datastores={datastores.map((d) => d.name)}
          defaultInput={input}
          dataAssets={dataAssets.data.map((a) => ({ name: a.name, type: a.type }))}
          inputTypes={dataInputChoices()}
        />
      </Card>
    </>
  );
}
