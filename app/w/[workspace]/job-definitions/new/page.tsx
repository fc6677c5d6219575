import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { getPageContext, requirePermission } from "@/lib/auth/page-context";
import { findEndpoints } from "@/lib/endpoints/find-endpoints";
import { dataInputChoices } from "@/lib/jobs/inputs";
import { NewJobDefinitionForm } from "./new-job-definition-form";

export const metadata: Metadata = { title: "New job definition" };

export default async function NewJobDefinitionPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "jobdefinition:manage");
  const endpoints = await findEndpoints({ workspaceId: ctx.workspace.id, perPage: 200 });
  return (
    <>
      <PageHeader title="New job definition" description="What to score, where the results go, and when it runs." />
      <Card className="max-w-2xl p-5">
        <NewJobDefinitionForm slug={slug} endpoints={endpoints.data.map((e) => e.name)} inputTypes={dataInputChoices()} />
      </Card>
    </>
  );
}
