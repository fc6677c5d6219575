"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { buttonClass } from "@/components/ui/button";

const PARALLEL = 4;

/** Uploads files or a whole folder into the current folder, a few at a time, with a progress bar. */
export function Uploader({ slug, datastore, prefix }: { slug: string; datastore: string; prefix: string }) {
  const router = useRouter();
  const [progress, setProgress] = useState<{ done: number; total: number; bytes: number; failed: string[] } | null>(null);
  const [folder, setFolder] = useState(prefix);
  const folderInput = useRef<HTMLInputElement>(null);

  async function upload(files: File[]) {
    if (!files.length) return;
    const state = { done: 0, total: files.length, bytes: 0, failed: [] as string[] };
    setProgress({ ...state });
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, files.length) }, async () => {
        while (next < files.length) {
          const file = files[next++];
          const rel = file.webkitRelativePath || file.name;
          const target = folder.trim().replace(/^\/+/, "");
          const path = ((target && !target.endsWith("/") ? `${target}/` : target) + rel).split("/").map(encodeURIComponent).join("/");
          const res = await fetch(`/w/${slug}/datastores/${datastore}/files/${path}`, {
            method: "PUT",
            body: file,
            headers: { "content-type": file.type || "application/octet-stream" },
          }).catch(() => null);
          if (!res?.ok)
            state.failed.push(
              `${rel}: ${res ? ((await res.json().catch(() => null))?.error?.message ?? res.statusText) : "network error"}`,
            );
          state.done++;
          state.bytes += file.size;
          setProgress({ ...state, failed: [...state.failed] });
        }
      }),
    );
    if (state.failed.length) toast.error(`${state.failed.length} of ${files.length} files failed to upload`);
    else toast.success(`Uploaded ${files.length} file${files.length === 1 ? "" : "s"} into ${destination || "the top level"}`);
    router.refresh();
  }

  const trimmed = folder.trim().replace(/^\/+/, "");
  const destination = trimmed && !trimmed.endsWith("/") ? `${trimmed}/` : trimmed;
  const pct = progress ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${datastore}-upload-folder`} className="text-sm font-medium">
          Upload into folder
        </label>
        <input
          id={`${datastore}-upload-folder`}
          value={folder}
          onChange={(e) => setFolder(e.target.value)}
          placeholder="(top level)"
          aria-describedby={`${datastore}-upload-dest`}
          className="w-44 rounded-md border border-zinc-300 bg-white px-2 py-1.5 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
        />
        <label className={buttonClass("secondary", "cursor-pointer")}>
          Upload files
          <input
            type="file"
            multiple
            className="sr-only"
            aria-label="Upload files"
            onChange={(e) => upload(Array.from(e.target.files ?? []))}
          />
        </label>
        <label className={buttonClass("secondary", "cursor-pointer")}>
          Upload a folder
          <input
            ref={(el) => {
              folderInput.current = el;
              el?.setAttribute("webkitdirectory", "");
            }}
            type="file"
            multiple
            className="sr-only"
            aria-label="Upload a folder"
            onChange={(e) => upload(Array.from(e.target.files ?? []))}
          />
        </label>
      </div>
      <p id={`${datastore}-upload-dest`} className="text-xs text-zinc-600 dark:text-zinc-400">
        Files go into {destination ? <code className="[overflow-wrap:anywhere]">{destination}</code> : "the top level"} of {datastore}; a
        folder you upload keeps its own name and sub-folders.
      </p>
      {progress ? (
        <div role="status" aria-label="Upload progress" className="space-y-1 text-sm">
          <div
            className="h-2 rounded bg-zinc-200 dark:bg-zinc-800"
            role="progressbar"
            aria-valuenow={pct}
            aria-valuemin={0}
            aria-valuemax={100}
          >
            <div className="h-2 rounded bg-brand-500 motion-safe:transition-all" style={{ width: `${pct}%` }} />
          </div>
          <p className="text-zinc-500">
            {progress.done} of {progress.total} files ({(progress.bytes / 1024).toFixed(1)} KiB)
            {progress.done === progress.total ? " · done" : "…"}
          </p>
          {progress.failed.map((f) => (
            <p key={f} className="text-red-600">
              {f}
            </p>
          ))}
        </div>
      ) : null}
    </div>
  );
}
