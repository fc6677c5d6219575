import type { Metadata } from "next";
import { Card, CardHeader } from "@/components/ui/card";
import { getPageContext } from "@/lib/auth/page-context";
import { RenameWorkspaceForm } from "./_components/rename-workspace-form";

export const metadata: Metadata = { title: "Settings" };

export default async function GeneralSettingsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  return (
    <Card className="max-w-xl">
      <CardHeader title="Workspace" description={`URL: /w/${ctx.workspace.slug} (stays the same when you rename)`} />
      <div className="p-5">
        {ctx.can("workspace:update") ? (
          <RenameWorkspaceForm slug={slug} name={ctx.workspace.name} />
        ) : (
          <p className="text-sm text-zinc-500">
            Name: <strong className="text-zinc-800 dark:text-zinc-200">{ctx.workspace.name}</strong>. Only owners can rename the workspace.
          </p>
        )}
      </div>
    </Card>
  );
}
