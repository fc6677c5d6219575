import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { getPageContext, requirePermission } from "@/lib/auth/page-context";
import { DatastoreForm } from "./datastore-form";

export const metadata: Metadata = { title: "Register a datastore" };

export default async function NewDatastorePage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "datastore:manage");
  return (
    <>
      <PageHeader
        title="Register a datastore"
        description="An existing Azure Blob container. The credential is checked, stored encrypted, and never shown again."
      />
      <Card className="max-w-xl p-5">
        <DatastoreForm slug={slug} />
      </Card>
    </>
  );
}
