/**
 * Batchpoint's REST objects in the shape `az ml` prints them: snake_case keys, `status` in Azure's
 * casing, `defaults.deployment_name`, a deployment's `settings`, a job's `outputs.score`. `--query` and
 * `-o` work over these, so the JMESPath of an Azure script (`status`, `[].name`, `defaults`) finds the
 * same things here.
 */

type Rec = Record<string, unknown>;

function isRecord(v: unknown): v is Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const AZURE_STATUS: Record<string, string> = {
  not_started: "NotStarted",
  queued: "Queued",
  preparing: "Preparing",
  running: "Running",
  finalizing: "Finalizing",
  completed: "Completed",
  completed_with_errors: "CompletedWithErrors",
  failed: "Failed",
  canceled: "Canceled",
  cancelled: "Canceled",
  canceling: "CancelRequested",
};

/** `completed` → `Completed`, `completed_with_errors` → `CompletedWithErrors`; unknown states PascalCased. */
export function azureStatus(status: unknown): string | null {
  if (typeof status !== "string" || !status) return null;
  return AZURE_STATUS[status] ?? status.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

function creationContext(o: Rec) {
  return { created_at: o.createdAt ?? null, last_modified_at: o.updatedAt ?? o.createdAt ?? null };
}

/** `az ml batch-endpoint show`. */
export function azEndpoint(e: Rec) {
  const defaults = isRecord(e.defaults) ? e.defaults : {};
  const deployments = Array.isArray(e.deployments) ? (e.deployments as Rec[]) : [];
  return {
    name: e.name,
    description: e.description ?? null,
    tags: e.tags ?? {},
    defaults: { deployment_name: defaults.deploymentName ?? e.defaultDeployment ?? null },
    scoring_uri: e.invokeUrl ?? null,
    provisioning_state: "Succeeded",
    deployments: deployments.map((d) => ({ name: d.name, version: d.version ?? null, is_default: Boolean(d.isDefault) })),
    creation_context: creationContext(e),
  };
}

/** A row of `az ml batch-endpoint list`. */
export function azEndpointRow(e: Rec) {
  return {
    name: e.name,
    description: e.description ?? null,
    tags: e.tags ?? {},
    defaults: { deployment_name: e.defaultDeployment ?? (isRecord(e.defaults) ? e.defaults.deploymentName : null) ?? null },
    deployment_count: e.deploymentCount ?? null,
    job_count: e.jobCount ?? null,
    provisioning_state: "Succeeded",
    creation_context: creationContext(e),
  };
}

function modelId(m: unknown): string | null {
  if (!m) return null;
  if (typeof m === "string") return m.startsWith("azureml:") ? m : `azureml:${m}`;
  if (isRecord(m) && m.version) return `azureml:${String(m.name ?? (isRecord(m.model) ? m.model.name : "?"))}:${String(m.version)}`;
  return null;
}

function sandboxSnake(v: unknown) {
  if (!isRecord(v)) return {};
  const names: Record<string, string> = {
    allowNetwork: "allow_network",
    memoryMiB: "memory_mib",
    processes: "processes",
    openFiles: "open_files",
    fileSizeMiB: "file_size_mib",
    cpuSeconds: "cpu_seconds",
  };
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [names[k] ?? k, x]));
}

function environmentSnake(v: unknown) {
  if (!isRecord(v)) return null;
  return { conda_file: v.condaFile ?? null, requirements_file: v.requirementsFile ?? null };
}

/** `az ml batch-deployment show`: Azure's settings block with its snake_case names. */
export function azDeployment(d: Rec, endpointName?: string) {
  const s = isRecord(d.settings) ? d.settings : {};
  const retry = isRecord(s.retrySettings) ? s.retrySettings : {};
  return {
    name: d.name,
    endpoint_name: d.endpointName ?? endpointName ?? null,
    description: d.description ?? null,
    type: "model",
    model: modelId(d.model),
    code_configuration: { scoring_script: d.scoringScript ?? null },
    resources: { instance_count: s.instanceCount ?? null },
    settings: {
      max_concurrency_per_instance: s.maxConcurrencyPerInstance ?? null,
      mini_batch_size: s.miniBatchSize ?? null,
      output_action: s.outputAction ?? null,
      output_file_name: s.outputFileName ?? null,
      retry_settings: { max_retries: retry.maxRetries ?? null, timeout: retry.timeout ?? null },
      error_threshold: s.errorThreshold ?? null,
      logging_level: s.loggingLevel ?? null,
      environment_variables: s.environmentVariables ?? {},
      // Batchpoint's own: the scoring sandbox's limits as the deployment sets them (the rest are defaults).
      sandbox_settings: sandboxSnake(s.sandboxSettings),
    },
    environment: environmentSnake(d.environment),
    provisioning_state: "Succeeded",
    // Batchpoint's own: every change is a new version; the runtime and interpreter that run the script.
    version: d.version ?? null,
    is_default: d.isDefault ?? null,
    runtime: d.runtime ?? null,
    interpreter: d.interpreter ?? null,
    creation_context: creationContext(d),
  };
}

/** The dashboard page of a job: `<server>/w/<workspace>/jobs/<job>`. */
export function jobWebUrl(baseUrl: string, workspaceSlug: string, job: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/w/${encodeURIComponent(workspaceSlug)}/jobs/${encodeURIComponent(job)}`;
}

function azInputs(inputs: unknown): Rec {
  if (!isRecord(inputs)) return {};
  const out: Rec = {};
  const data = isRecord(inputs.data) ? inputs.data : undefined;
  if (data) out[String(data.name ?? "input_data")] = { type: data.type ?? null, path: data.path ?? null };
  if (isRecord(inputs.literals)) for (const [k, v] of Object.entries(inputs.literals)) out[k] = v;
  return out;
}

/**
 * `az ml job show` for a batch job: `status` as Azure spells it, the predictions as the named output
 * `score`, the settings the job ran with, and the dashboard page as `services.Studio.endpoint`.
 */
export function azJob(j: Rec, opts: { webUrl?: string } = {}) {
  const s = isRecord(j.settings) ? j.settings : {};
  const output = isRecord(j.output) ? j.output : undefined;
  const progress = isRecord(j.progress) ? j.progress : undefined;
  const files = isRecord(progress?.files) ? progress.files : isRecord(j.files) ? j.files : undefined;
  const miniBatches = isRecord(progress?.miniBatches) ? progress.miniBatches : undefined;
  return {
    name: j.name,
    display_name: j.name,
    type: "batch",
    status: azureStatus(j.status),
    endpoint_name: j.endpoint ?? null,
    deployment_name: j.deployment ?? null,
    deployment_version: j.deploymentVersion ?? null,
    inputs: azInputs(j.inputs),
    outputs: output ? { score: { type: "uri_folder", path: output.path ?? null, file_name: output.fileName ?? null } } : {},
    settings: {
      mini_batch_size: s.miniBatchSize ?? null,
      instance_count: s.instanceCount ?? null,
      max_concurrency_per_instance: s.maxConcurrencyPerInstance ?? null,
      retry_settings: { max_retries: s.maxRetries ?? null, timeout: s.timeoutSeconds ?? null },
      error_threshold: s.errorThreshold ?? null,
      output_action: s.outputAction ?? null,
      output_file_name: output?.fileName ?? null,
      logging_level: s.loggingLevel ?? null,
      environment_variables: s.environmentVariables ?? {},
    },
    progress: files
      ? {
          percent: progress?.percent ?? null,
          files_total: files.total ?? null,
          files_completed: files.completed ?? null,
          files_failed: files.failed ?? null,
          mini_batches_total: miniBatches?.total ?? null,
          mini_batches_completed: miniBatches?.completed ?? null,
          mini_batches_failed: miniBatches?.failed ?? null,
        }
      : null,
    error: j.error ?? null,
    creation_context: { created_at: j.createdAt ?? null, start_time: j.startedAt ?? null, end_time: j.finishedAt ?? null },
    services: opts.webUrl ? { Studio: { endpoint: opts.webUrl } } : {},
  };
}

/** `az ml model show` / a row of `az ml model list`. */
export function azModelVersion(v: Rec) {
  return {
    name: v.name,
    version: v.version === undefined || v.version === null ? null : String(v.version),
    type: "custom_model",
    description: v.description ?? null,
    file_count: v.files ?? v.fileCount ?? null,
    size_bytes: v.sizeBytes ?? null,
    id: v.version !== undefined ? `azureml:${String(v.name)}:${String(v.version)}` : null,
    creation_context: creationContext(v),
  };
}

export function azModelRow(m: Rec) {
  return {
    name: m.name,
    description: m.description ?? null,
    latest_version: m.latestVersion === undefined || m.latestVersion === null ? null : String(m.latestVersion),
    version_count: m.versionCount ?? null,
    creation_context: creationContext(m),
  };
}

/** `az ml data show` / list rows. */
export function azData(v: Rec) {
  return {
    name: v.name,
    version: v.version === undefined || v.version === null ? null : String(v.version),
    latest_version: v.latestVersion === undefined ? undefined : String(v.latestVersion),
    type: v.type ?? null,
    path: v.path ?? null,
    description: v.description ?? null,
    id: v.version !== undefined && v.version !== null ? `azureml:${String(v.name)}:${String(v.version)}` : null,
    creation_context: { created_at: v.createdAt ?? null },
  };
}
