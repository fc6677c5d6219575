import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { getPageContext, requirePermission } from "@/lib/auth/page-context";
import { ModelForm } from "./model-form";

export const metadata: Metadata = { title: "Register a model" };

export default async function NewModelPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "model:manage");
  return (
    <>
      <PageHeader
        title="Register a model"
        description="Upload the model's files. A name that exists gets a new version; versions never change."
      />
      <Card className="max-w-xl p-5">
        <ModelForm slug={slug} />
      </Card>
    </>
  );
}
