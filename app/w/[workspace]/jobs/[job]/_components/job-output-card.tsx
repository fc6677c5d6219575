import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import type { previewJobOutput } from "@/lib/jobs/job-details";
import type { presentJob } from "@/lib/jobs/present-job";
import type { findScriptOutputFiles } from "@/lib/jobs/script-outputs";
import type { loadJobForPage } from "../../_lib/load-job";
import { OutputPreview } from "./output-preview";

type Job = Awaited<ReturnType<typeof loadJobForPage>>["job"];
type JobView = ReturnType<typeof presentJob>;

/** The output location, its downloads, a preview of the predictions and the files the script wrote. */
export function JobOutputCard({
  job,
  view,
  final,
  base,
  preview,
  scriptFiles,
}: {
  job: Job;
  view: JobView;
  final: boolean;
  base: string;
  preview: Awaited<ReturnType<typeof previewJobOutput>> | null;
  scriptFiles: Awaited<ReturnType<typeof findScriptOutputFiles>>;
}) {
  return (
    <Card>
      <CardHeader
        title="Output"
        description={<span className="break-all">{view.output.path}</span>}
        actions={
          final ? (
            <div className="flex flex-wrap gap-2">
              {view.settings.outputAction === "append_row" ? (
                <Download
                  href={`${base}/files/predictions`}
                  label={`Download predictions file ${job.outputFileName}`}
                  text={job.outputFileName}
                />
              ) : null}
              <Download href={`${base}/files/errors`} label="Download errors file errors.jsonl" text="errors.jsonl" />
              <Download href={`${base}/files/summary`} label="Download job summary file job-summary.json" text="job-summary.json" />
            </div>
          ) : null
        }
      />
      {!final ? (
        <p className="px-5 py-4 text-sm text-zinc-500">The predictions are merged when the job finishes; the first rows will show here.</p>
      ) : !preview ? (
        <p className="px-5 py-4 text-sm text-zinc-500">
          This deployment writes a summary only (output action summary_only), so there are no predictions to preview.
        </p>
      ) : preview.columns === null ? (
        <p className="px-5 py-4 text-sm text-zinc-500">{preview.reason}</p>
      ) : (
        <>
          <OutputPreview columns={preview.columns} rows={preview.rows} />
          <p className="border-t border-zinc-200 px-5 py-2 text-xs text-zinc-500 dark:border-zinc-800">
            {preview.truncated
              ? `The first ${preview.rows.length} rows; download the file for all of them.`
              : `All ${preview.rows.length} rows.`}
          </p>
        </>
      )}
      {scriptFiles.length > 0 && (
        <div className="border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">
          <h3 className="text-sm font-medium">
            Files the script wrote ({scriptFiles.length}
            {scriptFiles.length === 200 ? "+" : ""})
          </h3>
          <ul aria-label="Files the script wrote" className="mt-1 space-y-0.5 text-sm">
            {scriptFiles.map((f) => (
              <li key={f.path}>
                <a
                  href={`${base}/outputs/${f.path.split("/").map(encodeURIComponent).join("/")}`}
                  download
                  className="font-mono hover:underline"
                >
                  {f.path}
                </a>{" "}
                <span className="text-xs text-zinc-500">
                  mini-batch {f.miniBatch}, {f.size.toLocaleString("en")} bytes
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}

/** The accessible name ends with the visible file name, as a word of its own (axe: label-content-name-mismatch). */
function Download({ href, label, text }: { href: string; label: string; text: string }) {
  return (
    <a href={href} download aria-label={label} className={buttonClass("secondary", "px-2.5 py-1.5 text-xs")}>
      <span aria-hidden>↓</span> {text}
    </a>
  );
}
