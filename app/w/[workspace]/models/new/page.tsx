import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { getPageContext } from "@/lib/auth/page-context";
import { ModelForm } from "./model-form";
import { Forbidden } from "@/app/w/[workspace]/_components/forbidden";

export const metadata: Metadata = { title: "Register a model" };

export default async function NewModelPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  if (!ctx.can("model:manage")) return <Forbidden ctx={ctx} permission="model:manage" />;
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
