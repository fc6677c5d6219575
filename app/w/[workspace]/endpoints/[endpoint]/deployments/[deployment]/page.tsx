import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { EnvironmentBuild } from "@/components/deployments/environment-build";
import { ButtonLink } from "@/components/ui/button";
import { Badge, Card, CardHeader, PageHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { RelativeTime } from "@/components/ui/relative-time";
import { JobStatusBadge } from "@/components/ui/status-badge";
import { getPageContext, orNotFound } from "@/lib/auth/page-context";
import {
  findDeploymentVersions,
  getDeploymentEnvironmentBuild,
  getDeploymentOrThrow,
  readDeploymentVersionCode,
} from "@/lib/deployments/manage-deployment";
import { parseSearchParams } from "@/lib/search-params";
import { CodeView } from "./_components/code-view";
import { RestoreVersionButton } from "./_components/restore-version-button";
import { VersionDiff } from "./_components/version-diff";

export const metadata: Metadata = { title: "Deployment" };

const querySchema = z.object({
  file: z.string().max(512).optional(),
  from: z.coerce.number().int().min(1).optional(),
  to: z.coerce.number().int().min(1).optional(),
});

export default async function DeploymentPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; endpoint: string; deployment: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { workspace: slug, endpoint, deployment: name } = await params;
  const ctx = await getPageContext(slug);
  const query = parseSearchParams(querySchema, await searchParams);
  const ref = { workspaceId: ctx.workspace.id, endpointName: endpoint, name };
  const [d, versions, build] = await orNotFound(
    Promise.all([getDeploymentOrThrow(ref), findDeploymentVersions(ref), getDeploymentEnvironmentBuild(ref)]),
  );
  const code = await readDeploymentVersionCode({ ...ref, version: d.version });
  const paths = Object.keys(code.files).sort(
    (a, b) => Number(b === code.scoringScript) - Number(a === code.scoringScript) || a.localeCompare(b),
  );
  const file = query.file && query.file in code.files ? query.file : paths[0];
  const base = `/w/${slug}/endpoints/${endpoint}/deployments/${name}`;

  const known = new Set(versions.map((v) => v.version));
  const to = query.to && known.has(query.to) ? query.to : d.version;
  const from = query.from && known.has(query.from) && query.from !== to ? query.from : versions.find((v) => v.version < to)?.version;
  let diff = null;
  if (from) {
    const [fa, fb] = await Promise.all([
      readDeploymentVersionCode({ ...ref, version: from }),
      from === to ? code : readDeploymentVersionCode({ ...ref, version: to }),
    ]);
    const va = versions.find((v) => v.version === from)!;
    const vb = versions.find((v) => v.version === to)!;
    diff = (
      <VersionDiff
        from={{
          version: from,
          scoringScript: va.scoringScript,
          model: va.model,
          interpreter: va.interpreter,
          settings: va.settings,
          files: fa.files,
        }}
        to={{
          version: to,
          scoringScript: vb.scoringScript,
          model: vb.model,
          interpreter: vb.interpreter,
          settings: vb.settings,
          files: to === d.version ? code.files : fb.files,
        }}
      />
    );
  }
  const s = d.settings;
  const env = Object.entries(s.environmentVariables);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        <Link href={`/w/${slug}/endpoints`} className="hover:underline">
          Endpoints
        </Link>{" "}
        /{" "}
        <Link href={`/w/${slug}/endpoints/${endpoint}`} className="hover:underline">
          {endpoint}
        </Link>{" "}
        / <span aria-current="page">{name}</span>
      </nav>
      <PageHeader
        title={`${name} (v${d.version})`}
        description={d.description ?? `A ${d.runtime} deployment of ${endpoint}.`}
        actions={
          ctx.can("deployment:manage") ? (
            <ButtonLink variant="secondary" href={`${base}/edit`}>
              Edit
            </ButtonLink>
          ) : null
        }
      />
      {d.isDefault ? (
        <p className="-mt-3 mb-6">
          <Badge tone="blue">default deployment</Badge>
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3 lg:items-start">
        <Card className="lg:col-span-2">
          <CardHeader title="Code" description={`Version ${d.version}: the scoring script is ${d.scoringScript}.`} />
          <div className="space-y-3 p-5">
            {paths.length > 1 ? (
              <nav aria-label="Code files" className="flex flex-wrap gap-1">
                {paths.map((p) => (
                  <Link
                    key={p}
                    href={`${base}?file=${encodeURIComponent(p)}`}
                    scroll={false}
                    aria-current={p === file ? "page" : undefined}
                    className={cn(
                      "rounded px-2 py-1 font-mono text-xs",
                      p === file
                        ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900"
                        : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
                    )}
                  >
                    {p}
                  </Link>
                ))}
              </nav>
            ) : null}
            {file ? (
              <CodeView path={file} source={code.files[file]} />
            ) : (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No code files are stored for this version.</p>
            )}
            {code.truncated ? <p className="text-xs text-zinc-600 dark:text-zinc-400">Only the first 50 files are shown.</p> : null}
          </div>
        </Card>
        <Card>
          <CardHeader title="Model and settings" />
          <dl className="grid gap-3 p-5 text-sm sm:grid-cols-2 lg:grid-cols-1">
            <Item label="Model" value={d.model ?? "none"} />
            <Item label="Runtime" value={`${d.runtime}${d.interpreter ? ` (${d.interpreter})` : ""}`} />
            <Item label="Mini-batch size" value={String(s.miniBatchSize)} />
            <Item label="Instances × concurrency" value={`${s.instanceCount} × ${s.maxConcurrencyPerInstance}`} />
            <Item label="Retries / timeout" value={`${s.retrySettings.maxRetries} retries, ${s.retrySettings.timeout} s`} />
            <Item label="Error threshold" value={s.errorThreshold < 0 ? "no limit" : String(s.errorThreshold)} />
            <Item label="Output" value={`${s.outputAction}, ${s.outputFileName}`} />
            <Item label="Logging level" value={s.loggingLevel} />
            <Item label="Explanations" value={s.supportsExplanations ? "supported: jobs may ask for explain" : "not supported"} />
            <Item label="Environment variables" value={env.length ? env.map(([k, v]) => `${k}=${v}`).join("\n") : "none"} mono />
          </dl>
          <div className="border-t border-zinc-200 dark:border-zinc-800">
            <h2 className="px-5 pt-4 text-sm font-semibold">Sandbox limits</h2>
            <dl className="grid gap-3 p-5 pt-3 text-sm sm:grid-cols-2 lg:grid-cols-1" aria-label="Sandbox limits">
              {SANDBOX_ITEMS.map(([key, label, unit]) => (
                <Item
                  key={key}
                  label={label}
                  value={`${d.sandbox[key].toLocaleString("en-US")}${unit ? ` ${unit}` : ""}${key in s.sandboxSettings ? "" : " (default)"}`}
                />
              ))}
              <Item
                label="Outbound network"
                value={`${d.sandbox.allowNetwork ? "allowed" : "none"}${"allowNetwork" in s.sandboxSettings ? "" : " (default)"}`}
              />
            </dl>
          </div>
        </Card>
      </div>

      {build ? (
        <div className="mt-6">
          <EnvironmentBuild build={build} description={`Version ${d.version}: a virtual environment built from the deployment's code.`} />
        </div>
      ) : null}

      <Card className="mt-6">
        <CardHeader title="Versions" description="Each change of code, model or settings is a version. Jobs keep the version they ran." />
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Versions">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900/50 dark:text-zinc-400">
              <tr>
                <th scope="col" className="px-4 py-2.5 font-medium">
                  Version
                </th>
                <th scope="col" className="px-4 py-2.5 font-medium">
                  Recorded
                </th>
                <th scope="col" className="px-4 py-2.5 font-medium">
                  Model
                </th>
                <th scope="col" className="px-4 py-2.5 font-medium">
                  Jobs that used it
                </th>
                <th scope="col" className="px-4 py-2.5 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {versions.map((v) => (
                <tr key={v.version}>
                  <td className="whitespace-nowrap px-4 py-3 font-medium">
                    v{v.version} {v.current ? <Badge tone="green">current</Badge> : null}
                  </td>
                  <td className="whitespace-nowrap px-4 py-3">
                    <RelativeTime date={v.createdAt} />
                  </td>
                  <td className="px-4 py-3">{v.model ?? <span className="text-zinc-600 dark:text-zinc-400">none</span>}</td>
                  <td className="px-4 py-3">
                    {v.jobCount ? (
                      <span className="flex flex-wrap items-center gap-2">
                        <span className="tabular-nums">{v.jobCount}</span>
                        {v.jobs.map((j) => (
                          <Link
                            key={j.name}
                            href={`/w/${slug}/jobs/${j.name}`}
                            className="inline-flex items-center gap-1 font-mono text-xs text-brand-700 hover:underline dark:text-brand-300"
                          >
                            <JobStatusBadge status={j.status} /> {j.name}
                          </Link>
                        ))}
                      </span>
                    ) : (
                      <span className="text-zinc-600 dark:text-zinc-400">none</span>
                    )}
                  </td>
                  <td className="whitespace-nowrap px-4 py-3 text-right">
                    <span className="inline-flex items-center gap-3">
                      {v.version !== to ? (
                        <Link
                          href={`${base}?from=${v.version}&to=${to}#diff`}
                          className="text-sm text-brand-700 hover:underline dark:text-brand-300"
                        >
                          Compare v{v.version} with v{to}
                        </Link>
                      ) : null}
                      {!v.current && ctx.can("deployment:manage") ? (
                        <RestoreVersionButton slug={slug} endpoint={endpoint} deployment={name} version={v.version} current={d.version} />
                      ) : null}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      {diff ? (
        <Card className="mt-6">
          <div id="diff" />
          <CardHeader title={`Changes from v${from} to v${to}`} description="What a job on the newer version runs differently." />
          {diff}
        </Card>
      ) : null}
    </>
  );
}

const SANDBOX_ITEMS = [
  ["memoryMiB", "Memory per process", "MiB"],
  ["processes", "Processes and threads", ""],
  ["openFiles", "Open files per process", ""],
  ["fileSizeMiB", "Largest file written", "MiB"],
  ["cpuSeconds", "CPU time per run()", "s"],
] as const;

function Item({ label, value, mono }: { label: string; value: string; mono?: boolean }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className={cn("whitespace-pre-wrap break-all", mono && "font-mono text-xs")}>{value}</dd>
    </div>
  );
}
