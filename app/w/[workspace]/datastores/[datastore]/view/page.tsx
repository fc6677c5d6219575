import { parse } from "csv-parse/sync";
import { ArrowLeft, Download } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader, EmptyState, PageHeader } from "@/components/ui/card";
import { getPageContext, orNotFound } from "@/lib/auth/page-context";
import { getDatastoreOrThrow } from "@/lib/datastores/datastores";
import { formatBytes } from "@/lib/datastores/file-kinds";
import { previewDatastoreFile } from "@/lib/datastores/files";
import { DeleteFileButton } from "./delete-file-button";

export const metadata: Metadata = { title: "File" };

const CSV_ROWS = 50;

/** The preview's CSV rows: the last line is dropped when the preview was cut inside it. */
function csvRows(text: string, truncated: boolean): string[][] | null {
  const whole = truncated ? text.slice(0, text.lastIndexOf("\n") + 1) : text;
  try {
    return (
      parse(whole, { bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to: CSV_ROWS + 1 }) as string[][]
    ).slice(0, CSV_ROWS + 1);
  } catch {
    return null;
  }
}

export default async function FilePage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; datastore: string }>;
  searchParams: Promise<{ path?: string }>;
}) {
  const { workspace: slug, datastore: name } = await params;
  const { path = "" } = await searchParams;
  const ctx = await getPageContext(slug);
  await orNotFound(getDatastoreOrThrow({ workspaceId: ctx.workspace.id, name }));
  const file = await orNotFound(previewDatastoreFile({ workspaceId: ctx.workspace.id, datastore: name, path }));
  const base = `/w/${slug}/datastores/${name}`;
  const folder = file.path.includes("/") ? file.path.slice(0, file.path.lastIndexOf("/") + 1) : "";
  const folderHref = folder ? `${base}?prefix=${encodeURIComponent(folder)}` : base;
  const fileName = file.path.split("/").pop()!;
  const href = `${base}/files/${file.path.split("/").map(encodeURIComponent).join("/")}`;
  const rows = file.kind === "csv" && file.text !== null ? csvRows(file.text, file.truncated) : null;
  return (
    <>
      <PageHeader
        title={fileName}
        description={
          <span className="font-mono text-xs [overflow-wrap:anywhere]">
            datastores/{name}/paths/{file.path}
          </span>
        }
        actions={
          <div className="flex flex-wrap gap-2">
            <Link className={buttonClass("secondary")} href={folderHref}>
              <ArrowLeft aria-hidden className="size-4" />
              Back to {folder || "top level"}
            </Link>
            <a className={buttonClass("primary")} href={href} download>
              <Download aria-hidden className="size-4" />
              Download
            </a>
            {ctx.can("data:delete") ? <DeleteFileButton slug={slug} datastore={name} path={file.path} folderHref={folderHref} /> : null}
          </div>
        }
      />
      <Card>
        <CardHeader
          title="Preview"
          description={`${formatBytes(file.size)}${file.truncated ? ` · the first ${formatBytes(file.text?.length ?? 0)} shown` : ""}${rows && rows.length > CSV_ROWS ? ` · the first ${CSV_ROWS} rows shown` : ""}`}
        />
        {file.kind === "image" ? (
          <div className="p-5">
            {/* biome-ignore lint/performance/noImgElement: a user's file, served by our own route, not a static asset */}
            <img
              src={`${href}?inline=1`}
              alt={`Preview of ${fileName}`}
              className="max-h-[70vh] max-w-full rounded border border-zinc-200 dark:border-zinc-800"
            />
          </div>
        ) : rows && rows.length ? (
          <section className="overflow-auto" tabIndex={0} aria-label="CSV preview">
            <table className="min-w-full text-left text-sm">
              <caption className="sr-only">The first rows of {fileName}</caption>
              <thead className="bg-zinc-50 text-xs font-semibold text-zinc-700 dark:bg-zinc-900 dark:text-zinc-300">
                <tr>
                  {rows[0].map((h, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns have no identity but their place
                    <th key={i} scope="col" className="whitespace-nowrap px-4 py-2">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {rows.slice(1, CSV_ROWS + 1).map((r, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows of a preview have no identity but their place
                  <tr key={i}>
                    {r.map((c, j) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: cells have no identity but their place
                      <td key={j} className="whitespace-nowrap px-4 py-1.5 font-mono text-xs">
                        {c}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : file.text !== null ? (
          <pre
            tabIndex={0}
            role="region"
            aria-label="File contents"
            className="max-h-[70vh] overflow-auto whitespace-pre-wrap p-5 font-mono text-xs [overflow-wrap:anywhere]"
          >
            {file.text}
          </pre>
        ) : (
          <EmptyState title="No preview for this kind of file">
            Text, CSV and image files open here. Download this one to open it on your computer.
          </EmptyState>
        )}
      </Card>
    </>
  );
}
