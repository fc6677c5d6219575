import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import type { JobInputs } from "@/lib/jobs/invoke-job";
import type { presentJob } from "@/lib/jobs/present-job";
import type { loadJobForPage } from "../../_lib/load-job";

type Job = Awaited<ReturnType<typeof loadJobForPage>>["job"];
type JobView = ReturnType<typeof presentJob>;

/** The settings the job ran with: the deployment's, with the job's overrides; secrets show as names only. */
export function JobSettingsCard({
  job,
  view,
  inputs,
  units,
}: {
  job: Job;
  view: JobView;
  inputs: JobInputs;
  units: (n: number) => string;
}) {
  return view.settings.miniBatchSize ? (
    <Card>
      <CardHeader title="Settings" description="As this job ran: the deployment's settings with this job's overrides." />
      <dl className="grid gap-x-6 gap-y-3 p-5 text-sm sm:grid-cols-2 lg:grid-cols-3">
        <Setting
          label="Input"
          value={
            inputs.data?.path ??
            (inputs.sources
              ? `${inputs.sources.length} input item${inputs.sources.length === 1 ? "" : "s"} from storage account ${inputs.storageAccount ?? "—"} (credentials hidden)`
              : "none: run() is called once with an empty mini-batch")
          }
          mono={!!inputs.data}
        />
        {job.explain ? <Setting label="Explanations" value="requested (explain: true)" /> : null}
        {inputs.environmentVariables ? (
          <Setting label="Job variables (values hidden)" value={Object.keys(inputs.environmentVariables).join(", ")} mono />
        ) : null}
        <Setting label="Output file" value={job.outputFileName} mono />
        {inputs.data ? <Setting label="Mini-batch size" value={units(view.settings.miniBatchSize)} /> : null}
        <Setting label="Instances × concurrency" value={`${view.settings.instanceCount} × ${view.settings.maxConcurrencyPerInstance}`} />
        <Setting label="Retries / timeout" value={`${view.settings.maxRetries} retries, ${view.settings.timeoutSeconds} s per run()`} />
        <Setting
          label="Error threshold"
          value={view.settings.errorThreshold < 0 ? "no limit" : `${units(view.settings.errorThreshold).replace(/ /, " failed ")}`}
        />
        {view.rowOptions ? <RowOptionSettings options={view.rowOptions} /> : null}
        {Object.keys(view.settings.environmentVariables).length ? (
          <Setting
            label="Environment"
            value={Object.entries(view.settings.environmentVariables)
              .map(([k, v]) => `${k}=${v}`)
              .join("  ")}
            mono
          />
        ) : null}
      </dl>
    </Card>
  ) : null;
}

/** The job's tabular options as the invoke body named them. */
function RowOptionSettings({ options: o }: { options: NonNullable<ReturnType<typeof presentJob>["rowOptions"]> }) {
  const remap = Object.entries(o.columnNamesRemapping);
  return (
    <>
      <Setting
        label="Passthrough columns"
        value={"passthroughColumnsSet" in o ? "all input columns" : "passthroughColumns" in o ? o.passthroughColumns.join(", ") : "none"}
      />
      {o.csvSettings ? (
        <Setting
          label="CSV settings"
          value={`delimiter ${o.csvSettings.delimiter}, quote ${o.csvSettings.quotechar}, ${o.csvSettings.encoding}`}
        />
      ) : null}
      <Setting
        label="Renamed columns"
        value={remap.length ? remap.map(([k, v]) => (v === null ? `${k} dropped` : `${k} → ${v}`)).join(", ") : "none"}
      />
      <Setting label="Prediction status column" value={o.includePredictionStatus ? "prediction_status" : "no"} />
    </>
  );
}

function Setting({ label, value, mono }: { label: string; value: string; mono?: boolean }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className={cn(mono ? "break-all font-mono text-xs" : "break-words")}>{value}</dd>
    </div>
  );
}
