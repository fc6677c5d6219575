import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";

/** The four steps from an empty workspace to a first job, each checked off once it is done. */
export function FirstRunGuide({
  slug,
  progress,
  firstEndpoint,
}: {
  slug: string;
  progress: { data: boolean; endpoint: boolean; deployment: boolean; job: boolean };
  firstEndpoint?: string;
}) {
  const ep = firstEndpoint ? `/w/${slug}/endpoints/${firstEndpoint}` : `/w/${slug}/endpoints/new`;
  const steps = [
    {
      done: progress.data,
      title: "Upload data",
      text: "Put a folder of files or a CSV in workspaceblobstore.",
      href: `/w/${slug}/datastores/workspaceblobstore`,
    },
    { done: progress.endpoint, title: "Create an endpoint", text: "A stable name that clients invoke.", href: `/w/${slug}/endpoints/new` },
    {
      done: progress.deployment,
      title: "Add a deployment",
      text: "Your scoring script with init() and run(mini_batch).",
      href: firstEndpoint ? `${ep}/deployments/new` : ep,
    },
    {
      done: progress.job,
      title: "Invoke it",
      text: "Score the uploaded folder and follow the job live.",
      href: firstEndpoint ? `${ep}/invoke` : ep,
    },
  ];
  const next = steps.findIndex((s) => !s.done);
  return (
    <Card className="mb-6">
      <CardHeader title="Get started" description={`${steps.filter((s) => s.done).length} of 4 steps done.`} />
      <ol className="grid gap-3 p-5 sm:grid-cols-2 lg:grid-cols-4" aria-label="First steps">
        {steps.map((s, i) => (
          <li
            key={s.title}
            className={cn("rounded-md border p-3 text-sm", i === next ? "border-brand-500" : "border-zinc-200 dark:border-zinc-800")}
          >
            <p className="flex items-center gap-2 font-medium">
              <span
                aria-hidden
                className={cn(
                  "inline-flex h-5 w-5 items-center justify-center rounded-full text-xs",
                  s.done ? "bg-emerald-600 text-white" : "bg-zinc-200 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100",
                )}
              >
                {s.done ? "✓" : i + 1}
              </span>
              {i === next ? (
                <Link href={s.href} className="text-brand-700 hover:underline dark:text-brand-300">
                  {s.title}
                </Link>
              ) : (
                s.title
              )}
              <span className="sr-only">{s.done ? "(done)" : "(to do)"}</span>
            </p>
            <p className="mt-1 text-zinc-600 dark:text-zinc-400">{s.text}</p>
          </li>
        ))}
      </ol>
    </Card>
  );
}
