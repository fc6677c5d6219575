import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { getPageContext } from "@/lib/auth/page-context";
import { findModels } from "@/lib/models/find-models";
import { pageParamsSchema } from "@/lib/pagination";
import { parseSearchParams } from "@/lib/search-params";
import { ModelsTable } from "../_components/models-table";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  const query = parseSearchParams(pageParamsSchema, await searchParams);
  const result = await findModels({ workspaceId: ctx.workspace.id, ...query });
  return (
    <>
      <PageHeader
        title="Models"
        description="Registered models: a name, versions, and the files of each version in blob storage. Deployments pin one version."
        actions={ctx.can("model:manage") ? <ButtonLink href={`/w/${slug}/models/new`}>Register model</ButtonLink> : null}
      />
      <Card>
        <ModelsTable
          slug={slug}
          data={result.data}
          pageInfo={result}
          empty={
            <EmptyState title="No models yet">
              Register a model by uploading its files (weights, pickles, config); each upload of the same name makes a new version that
              deployments can use.
            </EmptyState>
          }
        />
      </Card>
    </>
  );
}
