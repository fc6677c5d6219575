import Link from "next/link";

/** A job whose stored snapshot does not parse: which field, and what to do, instead of "Something went wrong". */
export function UnreadableJob({ slug, name, field, reason }: { slug: string; name: string; field: string; reason: string }) {
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{name}</h1>
      <div
        role="alert"
        className="space-y-2 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200"
      >
        <p className="font-medium">This job&apos;s stored snapshot cannot be read.</p>
        <p>
          The field <code className="font-mono">{field}</code> does not have the shape Batchpoint writes: {reason}.
        </p>
        <p>
          The job&apos;s row was changed outside Batchpoint. Restore that field from a backup; until then the job cannot be shown or re-run.
        </p>
      </div>
      <Link href={`/w/${slug}/jobs`} className="text-sm underline">
        Back to jobs
      </Link>
    </div>
  );
}
