import type { Deployment } from "@/lib/generated/prisma/client";
import { sandboxSettingsOf } from "./sandbox";
import type { ScoringDeployment } from "./types";

type DeploymentRow = Partial<Pick<Deployment, "workspaceId" | "sandboxSettings" | "condaFile" | "requirementsFile">> &
  Pick<
    Deployment,
    | "id"
    | "version"
    | "runtime"
    | "interpreter"
    | "scoringScript"
    | "instanceCount"
    | "maxConcurrencyPerInstance"
    | "timeoutSeconds"
    | "loggingLevel"
    | "environmentVariables"
  >;

/** Values of a deployment's environment_variables (JSON) as strings; nested objects are dropped. */
export function environmentVariablesOf(json: unknown): Record<string, string> {
  if (!json || typeof json !== "object" || Array.isArray(json)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = String(v);
  }
  return out;
}

/** What the scoring pool needs from a deployment row, its materialized files and a job's overrides. */
export function scoringDeploymentFrom(
  row: DeploymentRow,
  files: { codeDir: string; modelDir?: string | null },
  overrides: { instanceCount?: number | null; timeoutSeconds?: number | null } = {},
): ScoringDeployment {
  return {
    id: row.id,
    ...(row.workspaceId ? { workspaceId: row.workspaceId } : {}),
    ...(row.sandboxSettings !== undefined ? { sandbox: sandboxSettingsOf(row.sandboxSettings) } : {}),
    ...(row.condaFile || row.requirementsFile
      ? { environment: { condaFile: row.condaFile ?? null, requirementsFile: row.requirementsFile ?? null } }
      : {}),
    version: row.version,
    runtime: row.runtime,
    interpreter: row.interpreter,
    codeDir: files.codeDir,
    scoringScript: row.scoringScript,
    modelDir: files.modelDir ?? null,
    instanceCount: overrides.instanceCount ?? row.instanceCount,
    maxConcurrencyPerInstance: row.maxConcurrencyPerInstance,
    timeoutSeconds: overrides.timeoutSeconds ?? row.timeoutSeconds,
    loggingLevel: row.loggingLevel,
    environmentVariables: environmentVariablesOf(row.environmentVariables),
  };
}
