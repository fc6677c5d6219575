import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { getPageContext } from "@/lib/auth/page-context";
import { findDatastores } from "@/lib/datastores/datastores";
import { DatastoresTable } from "../_components/datastores-table";

export const metadata: Metadata = { title: "Datastores" };

export default async function DatastoresPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  const datastores = await findDatastores({ workspaceId: ctx.workspace.id });
  return (
    <>
      <PageHeader
        title="Datastores"
        description="Named blob containers that jobs read input from and write predictions to. workspaceblobstore is every workspace's default; credentials of others are stored encrypted and never shown again."
        actions={ctx.can("datastore:manage") ? <ButtonLink href={`/w/${slug}/datastores/new`}>Register datastore</ButtonLink> : null}
      />
      <Card>
        <DatastoresTable slug={slug} data={datastores} />
      </Card>
    </>
  );
}
