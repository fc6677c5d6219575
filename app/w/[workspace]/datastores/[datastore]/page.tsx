import type { Metadata } from "next";
import { Card, CardHeader, EmptyState, PageHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { formatDateTime } from "@/components/ui/format";
import { getPageContext, orNotFound } from "@/lib/auth/page-context";
import { getDatastoreOrThrow, getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { listFolder } from "@/lib/storage";
import { DEFAULT_DATASTORE_NAME, PLATFORM_PREFIX } from "@/lib/datastores/default-datastore";
import { AUTH_LABELS } from "@/lib/datastores/labels";
import { findEndpoints } from "@/lib/endpoints/find-endpoints";
import { FileBrowser } from "./_components/file-browser";
import { InvokeHere } from "./_components/invoke-here";
import { Uploader } from "./_components/uploader";

export const metadata: Metadata = { title: "Datastore" };

export default async function DatastorePage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; datastore: string }>;
  searchParams: Promise<{ prefix?: string }>;
}) {
  const { workspace: slug, datastore: name } = await params;
  const { prefix: rawPrefix = "" } = await searchParams;
  const prefix = rawPrefix && !rawPrefix.endsWith("/") ? `${rawPrefix}/` : rawPrefix;
  const ctx = await getPageContext(slug);
  const ds = await orNotFound(getDatastoreOrThrow({ workspaceId: ctx.workspace.id, name }));
  let listing: Awaited<ReturnType<typeof listFolder>> | null = null;
  let listError: string | null = null;
  try {
    listing = await listFolder(await getStorageTargetOrThrow({ workspaceId: ctx.workspace.id, name }), prefix, { pageSize: 200 });
  } catch {
    listError =
      ds.kind === "filesystem"
        ? "The datastore's folder could not be listed on this server."
        : "The container could not be listed. Check that it exists and that the stored credentials allow listing.";
  }
  const base = `/w/${slug}/datastores/${name}`;
  const endpoints =
    prefix && ctx.can("job:invoke") ? (await findEndpoints({ workspaceId: ctx.workspace.id, perPage: 200 })).data.map((e) => e.name) : [];
  return (
    <>
      <PageHeader title={ds.name} description={ds.description ?? undefined} />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="h-fit lg:col-span-1">
          <CardHeader title="Details" />
          <dl className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {[
              ...(ds.kind === "filesystem"
                ? [
                    ["Kind", "Folder on this server"],
                    ["Folder", ds.containerName],
                  ]
                : [
                    ["Kind", "Azure Blob container"],
                    ["Container", ds.containerName],
                    ["Storage account", ds.accountName ?? "the platform's account"],
                    ["Credentials", AUTH_LABELS[ds.auth]],
                  ]),
              ["Path syntax", `datastores/${ds.name}/paths/<path>`],
              ["Created", formatDateTime(ds.createdAt)],
            ].map(([k, v]) => (
              <div key={k} className="flex justify-between gap-4 px-5 py-3">
                <dt className="text-zinc-500">{k}</dt>
                <dd className="text-right font-medium [overflow-wrap:anywhere]">{v}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader
            title="Browse"
            description={
              prefix ? (
                <span className="flex flex-wrap items-center gap-2">
                  <code className="text-xs">
                    datastores/{name}/paths/{prefix}
                  </code>
                  <CopyButton value={`datastores/${name}/paths/${prefix}`} label="Copy input path" />
                </span>
              ) : (
                "Top level"
              )
            }
            actions={ctx.can("data:write") ? <Uploader key={prefix} slug={slug} datastore={name} prefix={prefix} /> : null}
          />
          {prefix ? <InvokeHere slug={slug} endpoints={endpoints} inputPath={`datastores/${name}/paths/${prefix}`} /> : null}
          {listError ? (
            <p className="p-5 text-sm text-red-700 dark:text-red-400" role="alert">
              {listError}
            </p>
          ) : listing && (listing.folders.length || listing.files.length || prefix) ? (
            <>
              <FileBrowser
                slug={slug}
                datastore={name}
                prefix={prefix}
                folders={listing.folders}
                files={listing.files.map((f) => ({ path: f.path, size: f.size, lastModified: f.lastModified.toISOString() }))}
                locked={
                  name === DEFAULT_DATASTORE_NAME && !prefix
                    ? {
                        path: PLATFORM_PREFIX,
                        note: "Copies of deployment code and model files from before they moved to the platform's own storage; nothing reads them, jobs over this store leave them out.",
                      }
                    : null
                }
                canDelete={ctx.can("data:delete")}
              />
              {!listing.folders.length && !listing.files.length ? (
                <EmptyState title="This folder is empty">Upload input files here to invoke endpoints over them.</EmptyState>
              ) : null}
              {listing.continuationToken ? (
                <p className="border-t border-zinc-100 px-5 py-3 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
                  Showing the first 200 entries of this folder. Open a sub-folder, or list it with the CLI or the API for the rest.
                </p>
              ) : null}
            </>
          ) : (
            <EmptyState title="This folder is empty">Upload input files here to invoke endpoints over them.</EmptyState>
          )}
        </Card>
      </div>
    </>
  );
}
