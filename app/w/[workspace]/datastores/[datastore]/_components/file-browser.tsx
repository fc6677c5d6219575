"use client";

import { Download, File, FileImage, FileSpreadsheet, FileText, Folder, FolderUp, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { toastActionError } from "@/components/forms/toast-error";
import { useAction } from "@/components/forms/use-form-action";
import { buttonClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { formatDateTime } from "@/components/ui/format";
import { deleteDatastoreItemsAction } from "../../actions";
import { formatBytes, previewKind as previewKindOf } from "@/lib/datastores/file-kinds";

export interface BrowserFile {
  path: string;
  size: number;
  lastModified: string;
}

interface Props {
  slug: string;
  datastore: string;
  prefix: string;
  folders: string[];
  files: BrowserFile[];
  /** A folder that is listed but never selected or deleted (the legacy platform folder), with why. */
  locked?: { path: string; note: string } | null;
  canDelete: boolean;
}

const iconClass = "size-4 shrink-0";

function FileIcon({ path }: { path: string }) {
  const kind = previewKindOf(path);
  if (kind === "image") return <FileImage aria-hidden className={cn(iconClass, "text-violet-600 dark:text-violet-400")} />;
  if (kind === "csv") return <FileSpreadsheet aria-hidden className={cn(iconClass, "text-emerald-700 dark:text-emerald-400")} />;
  if (kind === "text") return <FileText aria-hidden className={cn(iconClass, "text-sky-700 dark:text-sky-400")} />;
  return <File aria-hidden className={cn(iconClass, "text-zinc-500")} />;
}

const rowAction =
  "inline-flex items-center gap-1 rounded px-1.5 py-1 text-xs font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800";
const deleteAction =
  "inline-flex items-center gap-1 rounded px-1.5 py-1 text-xs font-medium text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950";

/** One folder of a datastore: open, download and delete files and folders, one at a time or several at once. */
export function FileBrowser({ slug, datastore, prefix, folders, files, locked, canDelete }: Props) {
  const router = useRouter();
  const uid = useId();
  const base = `/w/${slug}/datastores/${datastore}`;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<string[] | null>(null);
  const zipForm = useRef<HTMLFormElement>(null);
  const selectable = useMemo(() => [...folders.filter((f) => f !== locked?.path), ...files.map((f) => f.path)], [folders, files, locked]);
  const chosen = selectable.filter((p) => selected.has(p));
  const { execute, isPending } = useAction(deleteDatastoreItemsAction, {
    onSuccess({ data }) {
      const n = data?.deleted ?? 0;
      toast.success(`Deleted ${n.toLocaleString("en")} file${n === 1 ? "" : "s"}`);
      setSelected(new Set());
      router.refresh();
    },
    onError: toastActionError,
  });
  const name = (p: string) => p.slice(prefix.length);
  const toggle = (p: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(p);
      else next.delete(p);
      return next;
    });
  const fileHref = (p: string) => `${base}/files/${p.split("/").map(encodeURIComponent).join("/")}`;
  const zipHref = (p: string) => `${base}/archive?path=${encodeURIComponent(p)}&base=${encodeURIComponent(prefix)}`;
  const parent = prefix.replace(/[^/]+\/$/, "");

  const confirmText = (() => {
    if (!pending) return null;
    const nFolders = pending.filter((p) => p.endsWith("/")).length;
    if (pending.length === 1) {
      const what = nFolders ? "folder" : "file";
      return {
        title: `Delete ${what} ${name(pending[0])}?`,
        description: nFolders
          ? `${name(pending[0])} and every file in it are deleted from ${datastore}. Jobs that already ran keep their outputs. This cannot be undone.`
          : `${name(pending[0])} is deleted from ${datastore}. This cannot be undone.`,
        confirm: `Delete ${what}`,
        cancel: `Keep ${what}`,
      };
    }
    return {
      title: `Delete ${pending.length} items?`,
      description: `${pending.length - nFolders} file${pending.length - nFolders === 1 ? "" : "s"} and ${nFolders} folder${nFolders === 1 ? "" : "s"} (with everything in them) are deleted from ${datastore}. This cannot be undone.`,
      confirm: `Delete ${pending.length} items`,
      cancel: "Keep them",
    };
  })();

  const allOn = selectable.length > 0 && chosen.length === selectable.length;
  return (
    <div>
      {selectable.length ? (
        <div className="flex min-h-12 flex-wrap items-center gap-3 border-b border-zinc-200 px-5 py-2 text-sm dark:border-zinc-800">
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              className="size-4"
              checked={allOn}
              ref={(el) => {
                if (el) el.indeterminate = chosen.length > 0 && !allOn;
              }}
              onChange={(e) => setSelected(e.target.checked ? new Set(selectable) : new Set())}
            />
            Select all
          </label>
          {chosen.length ? (
            <fieldset className="flex flex-wrap items-center gap-2" aria-label="Selected items">
              <span className="font-medium" role="status">
                {chosen.length} selected
              </span>
              <button type="button" className={buttonClass("secondary", "px-2.5 py-1")} onClick={() => zipForm.current?.requestSubmit()}>
                <Download aria-hidden className={iconClass} />
                Download selected
              </button>
              {canDelete ? (
                <button
                  type="button"
                  className={buttonClass("danger", "px-2.5 py-1")}
                  disabled={isPending}
                  aria-haspopup="dialog"
                  onClick={() => setPending(chosen)}
                >
                  <Trash2 aria-hidden className={iconClass} />
                  Delete selected
                </button>
              ) : null}
            </fieldset>
          ) : null}
          <form ref={zipForm} method="post" action={`${base}/archive`} className="hidden">
            <input type="hidden" name="base" value={prefix} />
            {chosen.map((p) => (
              <input key={p} type="hidden" name="path" value={p} />
            ))}
          </form>
        </div>
      ) : null}
      <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" aria-label="Folder contents">
        {prefix ? (
          <li className="flex items-center gap-3 px-5 py-2.5">
            <span className="size-4" />
            <Link
              className="inline-flex items-center gap-2 text-brand-700 hover:underline dark:text-brand-400"
              href={parent ? `${base}?prefix=${encodeURIComponent(parent)}` : base}
            >
              <FolderUp aria-hidden className={iconClass} />
              ../
            </Link>
          </li>
        ) : null}
        {folders.map((f, i) => {
          const isLocked = f === locked?.path;
          const nameId = `${uid}-d${i}`;
          return (
            <li key={f} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-5 py-2.5">
              {isLocked ? (
                <span className="size-4" />
              ) : (
                <input
                  type="checkbox"
                  className="size-4"
                  aria-label={`Select ${name(f)}`}
                  checked={selected.has(f)}
                  onChange={(e) => toggle(f, e.target.checked)}
                />
              )}
              <Link
                className="inline-flex min-w-0 items-center gap-2 font-medium text-brand-700 hover:underline dark:text-brand-400"
                href={`${base}?prefix=${encodeURIComponent(f)}`}
              >
                <Folder aria-hidden className={cn(iconClass, "fill-amber-200 text-amber-600 dark:fill-amber-900 dark:text-amber-400")} />
                <span id={nameId} className="[overflow-wrap:anywhere]">
                  {name(f)}
                </span>
              </Link>
              {isLocked ? <span className="basis-full pl-7 text-xs text-zinc-600 dark:text-zinc-400">{locked?.note}</span> : null}
              {isLocked ? null : (
                <span className="ml-auto flex items-center gap-1">
                  <a className={rowAction} href={zipHref(f)} download aria-describedby={nameId}>
                    <Download aria-hidden className="size-3.5" />
                    Download zip
                  </a>
                  {canDelete ? (
                    <button
                      type="button"
                      className={deleteAction}
                      aria-describedby={nameId}
                      aria-haspopup="dialog"
                      onClick={() => setPending([f])}
                    >
                      <Trash2 aria-hidden className="size-3.5" />
                      Delete
                    </button>
                  ) : null}
                </span>
              )}
            </li>
          );
        })}
        {files.map((f, i) => {
          const nameId = `${uid}-f${i}`;
          const previewable = previewKindOf(f.path) !== "none";
          return (
            <li key={f.path} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-5 py-2.5">
              <input
                type="checkbox"
                className="size-4"
                aria-label={`Select ${name(f.path)}`}
                checked={selected.has(f.path)}
                onChange={(e) => toggle(f.path, e.target.checked)}
              />
              {previewable ? (
                <Link
                  className="inline-flex min-w-0 items-center gap-2 font-mono text-xs text-brand-700 hover:underline dark:text-brand-400"
                  href={`${base}/view?path=${encodeURIComponent(f.path)}`}
                >
                  <FileIcon path={f.path} />
                  <span id={nameId} className="[overflow-wrap:anywhere]">
                    {name(f.path)}
                  </span>
                </Link>
              ) : (
                <a
                  className="inline-flex min-w-0 items-center gap-2 font-mono text-xs text-brand-700 hover:underline dark:text-brand-400"
                  href={fileHref(f.path)}
                  download
                >
                  <FileIcon path={f.path} />
                  <span id={nameId} className="[overflow-wrap:anywhere]">
                    {name(f.path)}
                  </span>
                </a>
              )}
              <span className="ml-auto flex items-center gap-3">
                <span className="whitespace-nowrap text-xs text-zinc-600 tabular-nums dark:text-zinc-400">{formatBytes(f.size)}</span>
                <span className="hidden whitespace-nowrap text-xs text-zinc-600 md:inline dark:text-zinc-400">
                  {formatDateTime(f.lastModified)}
                </span>
                <a className={rowAction} href={fileHref(f.path)} download aria-describedby={nameId}>
                  <Download aria-hidden className="size-3.5" />
                  Download
                </a>
                {canDelete ? (
                  <button
                    type="button"
                    className={deleteAction}
                    aria-describedby={nameId}
                    aria-haspopup="dialog"
                    onClick={() => setPending([f.path])}
                  >
                    <Trash2 aria-hidden className="size-3.5" />
                    Delete
                  </button>
                ) : null}
              </span>
            </li>
          );
        })}
      </ul>
      <ConfirmDialog
        open={!!pending}
        onClose={() => setPending(null)}
        title={confirmText?.title ?? ""}
        description={confirmText?.description}
        confirmLabel={confirmText?.confirm ?? "Delete"}
        cancelLabel={confirmText?.cancel ?? "Keep"}
        onConfirm={() => pending && execute({ workspace: slug, datastore, paths: pending })}
      />
    </div>
  );
}
