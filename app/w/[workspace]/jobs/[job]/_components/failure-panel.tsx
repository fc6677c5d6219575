import { cn } from "@/components/ui/cn";
import type { getFirstFailedMiniBatch } from "@/lib/jobs/job-details";

export function FailurePanel({
  tone,
  title,
  message,
  failure,
}: {
  tone: "red" | "amber";
  title: string;
  message: string;
  failure: Awaited<ReturnType<typeof getFirstFailedMiniBatch>>;
}) {
  const red = tone === "red";
  return (
    <section
      aria-label={title}
      role={red ? "alert" : undefined}
      className={cn(
        "rounded-lg border px-5 py-4 text-sm",
        red
          ? "border-red-200 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-100"
          : "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-100",
      )}
    >
      <h2 className="text-base font-semibold">{title}</h2>
      <p className="mt-1">{message}</p>
      {failure ? (
        <div className="mt-3 space-y-2">
          <p>
            <span className="font-medium">First failing mini-batch: #{failure.index}</span>
            {failure.attempts ? ` (after ${failure.attempts} attempt${failure.attempts === 1 ? "" : "s"})` : ""}
            {failure.error ? <>: {failure.error}</> : null}
          </p>
          {failure.files.length ? (
            <p className="break-all">
              <span className="font-medium">Files: </span>
              <span className="font-mono text-xs">{failure.files.join(", ")}</span>
            </p>
          ) : null}
          {failure.traceback ? (
            <details open className="group">
              <summary className="cursor-pointer font-medium">Traceback</summary>
              <pre
                tabIndex={0}
                aria-label="Traceback"
                className="mt-2 max-h-80 overflow-auto rounded-md bg-zinc-950 p-3 text-xs leading-relaxed text-zinc-100"
              >
                {failure.traceback}
              </pre>
            </details>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
