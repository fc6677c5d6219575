import { Badge, Card, CardHeader } from "@/components/ui/card";

/** An environment build as the API shows it (lib/scoring/environments/status.ts). */
export interface EnvironmentBuildProps {
  condaFile: string | null;
  requirementsFile: string | null;
  status: "ready" | "failed" | "building" | "not_built" | "off";
  hash: string | null;
  error: string | null;
  notes: string[];
  log: string;
}

const STATUS = {
  ready: { tone: "green", label: "built" },
  failed: { tone: "red", label: "build failed" },
  building: { tone: "blue", label: "building" },
  not_built: { tone: "gray", label: "not built yet" },
  off: { tone: "amber", label: "building is off" },
} as const;

/** The environment built from a deployment's conda or requirements file: its status, pip's error and the whole log. */
export function EnvironmentBuild({ build, description }: { build: EnvironmentBuildProps; description: string }) {
  const files = [build.condaFile, build.requirementsFile].filter(Boolean) as string[];
  const s = STATUS[build.status];
  return (
    <Card>
      <CardHeader title="Python environment" description={description} />
      <div className="space-y-3 p-5 text-sm">
        <p className="flex flex-wrap items-center gap-2">
          <span className="font-mono text-xs">{files.join(", ")}</span>
          <span role="status" aria-label="Environment build status">
            <Badge tone={s.tone}>{s.label}</Badge>
          </span>
        </p>
        {build.status === "not_built" ? (
          <p className="text-zinc-600 dark:text-zinc-400">It is built when the first job needs it; the log appears here then.</p>
        ) : null}
        {build.error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800 dark:bg-red-950/40 dark:text-red-200">
            {build.error}
          </p>
        ) : null}
        {build.notes.length ? (
          <ul className="list-disc space-y-1 pl-5 text-zinc-600 dark:text-zinc-400">
            {build.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
        {build.log ? (
          <details open={build.status === "failed"}>
            <summary className="cursor-pointer text-brand-700 hover:underline dark:text-brand-300">Build log</summary>
            <pre
              aria-label="Environment build log"
              className="mt-2 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md bg-zinc-950 p-3 font-mono text-xs text-zinc-100"
            >
              {build.log}
            </pre>
          </details>
        ) : null}
      </div>
    </Card>
  );
}
