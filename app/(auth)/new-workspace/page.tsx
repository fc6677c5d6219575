import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { NewWorkspaceForm } from "./new-workspace-form";

export const metadata: Metadata = { title: "New workspace" };
export const dynamic = "force-dynamic";

export default async function NewWorkspacePage() {
  await requireUser("/new-workspace");
  return (
    <Card className="p-6">
      <h1 className="text-xl font-semibold">Create a workspace</h1>
      <p className="mt-1 text-sm text-zinc-500">A workspace holds a team&apos;s endpoints, models, data and jobs. You will be its owner.</p>
      <div className="mt-6">
        <NewWorkspaceForm />
      </div>
    </Card>
  );
}
