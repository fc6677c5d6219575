import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { getPageContext, requirePermission } from "@/lib/auth/page-context";
import { NewEndpointForm } from "./new-endpoint-form";

export const metadata: Metadata = { title: "New endpoint" };

export default async function NewEndpointPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "endpoint:manage");
  return (
    <>
      <PageHeader title="New endpoint" description="Clients invoke an endpoint by name; you attach deployments to it afterwards." />
      <Card className="max-w-xl p-5">
        <NewEndpointForm slug={slug} />
      </Card>
    </>
  );
}
