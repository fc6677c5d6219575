import type { Metadata } from "next";
import { Card, CardHeader, PageHeader } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { getPageContext, orNotFound } from "@/lib/auth/page-context";
import { getModelOrThrow, listModelVersionFiles } from "@/lib/models/find-models";

export const metadata: Metadata = { title: "Model" };

function size(n: number) {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

export default async function ModelPage({ params }: { params: Promise<{ workspace: string; model: string }> }) {
  const { workspace: slug, model: name } = await params;
  const ctx = await getPageContext(slug);
  const model = await orNotFound(getModelOrThrow({ workspaceId: ctx.workspace.id, name }));
  const files = await Promise.all(
    model.versions.map((v) => listModelVersionFiles({ workspaceId: ctx.workspace.id, name, version: v.version })),
  );
  return (
    <>
      <PageHeader
        title={model.name}
        description={
          model.description ?? `${model.versions.length} version(s). Reference a version in a deployment as ${model.name}:<version>.`
        }
      />
      <div className="space-y-6">
        {model.versions.map((v, i) => (
          <Card key={v.id}>
            <CardHeader
              title={`Version ${v.version}`}
              description={`${v.fileCount} file(s), ${size(Number(v.sizeBytes))}, registered ${formatDateTime(v.createdAt)}${v.description ? ` · ${v.description}` : ""}`}
            />
            <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" aria-label={`Files of version ${v.version}`}>
              {files[i].map((f) => (
                <li key={f.path} className="flex justify-between px-5 py-2.5">
                  <span className="font-mono text-xs">{f.path}</span>
                  <span className="text-zinc-500">{size(f.size)}</span>
                </li>
              ))}
            </ul>
          </Card>
        ))}
      </div>
    </>
  );
}
