"use client";

import { ChevronRight, File, FileSpreadsheet, Folder, FolderOpen, History } from "lucide-react";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { RelativeTime } from "@/components/ui/relative-time";
import { browseForInputAction, countJobInputAction } from "@/app/w/[workspace]/datastores/actions";
import type { DataInputChoice } from "@/components/forms/input-types";
import { formatBytes } from "@/lib/datastores/file-kinds";

type Listing = {
  folders: string[];
  files: { path: string; size: number; lastModified: string }[];
  more: boolean;
  recent: { folder: string; files: number; lastModified: string }[] | null;
};
type Count =
  | { state: "idle" }
  | { state: "counting" }
  | { state: "ok"; unit: "file" | "row"; count: number | null; capped: boolean; bytes: number; warning?: string }
  | { state: "empty"; message: string };

const PREFIX_RE = /^(?:azureml:\/\/)?datastores\/([^/]+)\/paths\/(.*)$/;
const pathOf = (datastore: string, p: string) => `datastores/${datastore}/paths/${p}`;

/**
 * The invoke form's input: a path field, a picker over the workspace's datastores (the folders that
 * most recently received files first) and a live count of what the job would score. It reads the
 * form's "inputType" and "dataAsset" fields, so the form itself needs no wiring.
 */
export function InputPicker({
  slug,
  datastores,
  inputTypes,
  defaultValue = "",
  errors,
}: {
  slug: string;
  datastores: string[];
  /** The registry's kinds: a file picked while a kind counted in rows is chosen keeps that kind. */
  inputTypes: DataInputChoice[];
  defaultValue?: string;
  errors?: string[];
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState(defaultValue);
  const [type, setType] = useState(inputTypes[0]?.type ?? "uri_folder");
  const [asset, setAsset] = useState("");
  const [open, setOpen] = useState(false);
  const [datastore, setDatastore] = useState(datastores[0] ?? "");
  const [prefix, setPrefix] = useState("");
  const [listing, setListing] = useState<Listing | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [count, setCount] = useState<Count>({ state: "idle" });
  const seq = useRef(0);

  // Follow the form's input type and data asset fields.
  useEffect(() => {
    const form = input.current?.form;
    if (!form) return;
    const read = () => {
      setType((form.elements.namedItem("inputType") as HTMLSelectElement | null)?.value ?? "uri_folder");
      setAsset((form.elements.namedItem("dataAsset") as HTMLSelectElement | null)?.value ?? "");
    };
    read();
    form.addEventListener("change", read);
    return () => form.removeEventListener("change", read);
  }, []);

  // The live count, a moment after the last keystroke; an answer to an older question is dropped.
  const effective = (asset || value).trim();
  useEffect(() => {
    if (!effective) {
      setCount({ state: "idle" });
      return;
    }
    const mine = ++seq.current;
    setCount({ state: "counting" });
    const timer = setTimeout(async () => {
      const res = await countJobInputAction({ workspace: slug, input: { type: type as "uri_folder", path: effective } }).catch(() => null);
      if (mine !== seq.current) return;
      const d = res?.data;
      if (!d) setCount({ state: "empty", message: res?.serverError?.message ?? "The input could not be checked. Try again." });
      else if (d.ok) setCount({ state: "ok", unit: d.unit, count: d.count, capped: d.capped, bytes: d.bytes, warning: d.warning });
      else setCount({ state: "empty", message: d.message });
    }, 350);
    return () => clearTimeout(timer);
  }, [effective, type, slug]);

  const browse = useCallback(
    async (ds: string, p: string) => {
      setListError(null);
      // No stale listing while the next one loads: a click must land on what is shown.
      setListing(null);
      const res = await browseForInputAction({ workspace: slug, datastore: ds, prefix: p }).catch(() => null);
      if (!res?.data) {
        setListing(null);
        setListError(res?.serverError?.message ?? "The datastore could not be listed.");
        return;
      }
      setDatastore(ds);
      setPrefix(p);
      setListing(res.data);
    },
    [slug],
  );

  function toggle() {
    if (!open) {
      // Open where the current path points, if it names a datastore folder.
      const m = PREFIX_RE.exec(value.trim());
      const ds = m && datastores.includes(m[1]) ? m[1] : datastore;
      const p = m ? m[2].replace(/[^/]*$/, "") : "";
      void browse(ds, p);
    }
    setOpen(!open);
  }

  function choose(path: string, isFile: boolean) {
    const form = input.current?.form;
    const typeField = form?.elements.namedItem("inputType") as HTMLSelectElement | null;
    // A folder is scored as uri_folder; a file as one file, or as rows when a kind counted in rows was chosen.
    if (typeField) {
      const rows = inputTypes.find((t) => t.type === typeField.value)?.unit === "rows";
      const next = isFile ? (rows ? typeField.value : "uri_file") : "uri_folder";
      if (typeField.value !== next) {
        typeField.value = next;
        typeField.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    setValue(pathOf(datastore, path));
    setOpen(false);
    input.current?.focus();
  }

  const crumbs = prefix ? prefix.slice(0, -1).split("/") : [];
  const invalid = !!errors?.length;
  const panelId = `${id}-picker`;
  return (
    <div className="min-w-0 space-y-1.5">
      <label htmlFor="inputPath" className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        Input path
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          ref={input}
          id="inputPath"
          name="inputPath"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="datastores/workspaceblobstore/paths/inputs/"
          aria-invalid={invalid || undefined}
          aria-describedby={`${id}-count ${invalid ? "inputPath-error" : `${id}-hint`}`}
          className={cn(
            "block min-w-0 flex-1 basis-64 rounded-md border bg-white px-3 py-2 font-mono text-sm shadow-sm placeholder:text-zinc-500 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/20 dark:bg-zinc-900",
            invalid ? "border-red-500" : "border-zinc-300 dark:border-zinc-700",
          )}
        />
        <button type="button" className={buttonClass("secondary")} aria-expanded={open} aria-controls={panelId} onClick={toggle}>
          <FolderOpen aria-hidden className="size-4" />
          Browse datastores
        </button>
      </div>
      {errors?.length ? (
        <p id="inputPath-error" className="text-sm text-red-700 dark:text-red-400" role="alert">
          {errors.join(" ")}
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">
          datastores/&lt;name&gt;/paths/&lt;folder&gt;/ or …/&lt;file&gt; (datastores: {datastores.join(", ")}), azureml://datastores/…, an
          https blob URL (public, or with a SAS token), or azureml:&lt;data asset&gt;@latest.
        </p>
      )}
      <p id={`${id}-count`} role="status" aria-label="What the job will score" className="text-sm">
        {count.state === "empty" && errors?.includes(count.message) ? null : <CountText count={count} />}
      </p>
      {open ? (
        <section
          id={panelId}
          aria-label="Choose the input"
          className="mt-2 rounded-md border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-800 dark:bg-zinc-950"
        >
          <div className="flex flex-wrap items-center gap-2">
            <label htmlFor={`${id}-ds`} className="text-sm font-medium">
              Datastore
            </label>
            <select
              id={`${id}-ds`}
              value={datastore}
              onChange={(e) => void browse(e.target.value, "")}
              className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
            >
              {datastores.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </div>
          {listError ? (
            <p className="mt-2 text-sm text-red-700 dark:text-red-400" role="alert">
              {listError}
            </p>
          ) : null}
          {!listing && !listError ? (
            <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400" role="status">
              Loading…
            </p>
          ) : null}
          {listing?.recent?.length ? (
            <div className="mt-3">
              <h3 className="flex items-center gap-1.5 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
                <History aria-hidden className="size-3.5" />
                Recent uploads
              </h3>
              <ul className="mt-1 grid gap-1 sm:grid-cols-2" aria-label="Recent uploads">
                {listing.recent.map((r) => (
                  <li key={r.folder}>
                    <button
                      type="button"
                      className="flex w-full items-center gap-2 rounded px-2 py-1.5 text-left text-sm hover:bg-white dark:hover:bg-zinc-900"
                      onClick={() => choose(r.folder, false)}
                    >
                      <Folder
                        aria-hidden
                        className="size-4 shrink-0 fill-amber-200 text-amber-600 dark:fill-amber-900 dark:text-amber-400"
                      />
                      <span className="min-w-0 flex-1 font-mono text-xs [overflow-wrap:anywhere]">{r.folder || "(top level)"}</span>
                      <span className="whitespace-nowrap text-xs text-zinc-600 dark:text-zinc-400">
                        {r.files} file{r.files === 1 ? "" : "s"} · <RelativeTime date={r.lastModified} />
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {listing ? (
            <div className="mt-3">
              <nav aria-label="Folder path" className="flex flex-wrap items-center gap-1 text-sm">
                <button
                  type="button"
                  className="text-brand-700 hover:underline dark:text-brand-400"
                  onClick={() => void browse(datastore, "")}
                >
                  {datastore}
                </button>
                {crumbs.map((c, i) => (
                  <span key={crumbs.slice(0, i + 1).join("/")} className="flex items-center gap-1">
                    <ChevronRight aria-hidden className="size-3.5 text-zinc-500" />
                    <button
                      type="button"
                      className="text-brand-700 hover:underline dark:text-brand-400"
                      onClick={() => void browse(datastore, `${crumbs.slice(0, i + 1).join("/")}/`)}
                    >
                      {c}
                    </button>
                  </span>
                ))}
                <button type="button" className={buttonClass("primary", "ml-auto px-2.5 py-1")} onClick={() => choose(prefix, false)}>
                  Use this folder
                </button>
              </nav>
              <ul
                className="mt-2 max-h-72 divide-y divide-zinc-200 overflow-auto rounded border border-zinc-200 bg-white text-sm dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900"
                aria-label="Folders and files"
              >
                {listing.folders.map((f) => (
                  <li key={f} className="flex items-center gap-2 px-2 py-1">
                    <button
                      type="button"
                      className="flex min-w-0 flex-1 items-center gap-2 py-0.5 text-left text-brand-700 hover:underline dark:text-brand-400"
                      onClick={() => void browse(datastore, f)}
                      aria-label={`Open ${f.slice(prefix.length)}`}
                    >
                      <Folder
                        aria-hidden
                        className="size-4 shrink-0 fill-amber-200 text-amber-600 dark:fill-amber-900 dark:text-amber-400"
                      />
                      <span className="[overflow-wrap:anywhere]">{f.slice(prefix.length)}</span>
                    </button>
                    <button
                      type="button"
                      className={buttonClass("ghost", "px-2 py-0.5 text-xs")}
                      onClick={() => choose(f, false)}
                      aria-label={`Use ${f.slice(prefix.length)}`}
                    >
                      Use
                    </button>
                  </li>
                ))}
                {listing.files.map((f) => (
                  <li key={f.path} className="flex items-center gap-2 px-2 py-1">
                    {f.path.endsWith(".csv") ? (
                      <FileSpreadsheet aria-hidden className="size-4 shrink-0 text-emerald-700 dark:text-emerald-400" />
                    ) : (
                      <File aria-hidden className="size-4 shrink-0 text-zinc-500" />
                    )}
                    <span className="min-w-0 flex-1 font-mono text-xs [overflow-wrap:anywhere]">{f.path.slice(prefix.length)}</span>
                    <span className="whitespace-nowrap text-xs text-zinc-600 dark:text-zinc-400">{formatBytes(f.size)}</span>
                    <button
                      type="button"
                      className={buttonClass("ghost", "px-2 py-0.5 text-xs")}
                      onClick={() => choose(f.path, true)}
                      aria-label={`Use ${f.path.slice(prefix.length)}`}
                    >
                      Use
                    </button>
                  </li>
                ))}
                {!listing.folders.length && !listing.files.length ? (
                  <li className="px-2 py-2 text-zinc-600 dark:text-zinc-400">This folder is empty.</li>
                ) : null}
              </ul>
              {listing.more ? (
                <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                  Only the first entries are shown; type the rest of the path.
                </p>
              ) : null}
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function CountText({ count }: { count: Count }) {
  if (count.state === "idle")
    return <span className="text-zinc-600 dark:text-zinc-400">Choose an input to see what the job will score.</span>;
  if (count.state === "counting") return <span className="text-zinc-600 dark:text-zinc-400">Counting…</span>;
  if (count.state === "empty") return <span className="font-medium text-red-700 dark:text-red-400">{count.message}</span>;
  const n = count.count;
  if (count.unit === "row") {
    if (n === null)
      return (
        <span className={count.warning ? "text-amber-800 dark:text-amber-300" : "text-zinc-700 dark:text-zinc-300"}>
          {count.warning ?? `A file of ${formatBytes(count.bytes)}: its rows are counted when the job starts.`}
        </span>
      );
    return (
      <span className="text-emerald-800 dark:text-emerald-300">
        The job will score {n.toLocaleString("en")} row{n === 1 ? "" : "s"} ({formatBytes(count.bytes)}).
      </span>
    );
  }
  return (
    <span className="text-emerald-800 dark:text-emerald-300">
      The job will score {count.capped ? "more than " : ""}
      {(n ?? 0).toLocaleString("en")} file{n === 1 ? "" : "s"}
      {count.capped ? "" : ` (${formatBytes(count.bytes)})`}.
    </span>
  );
}
