import { SANDBOX_LIMIT_RANGES, type SandboxLimitName } from "@/lib/scoring/sandbox-settings";

/** The saved deployment, when editing. */
export interface DeploymentInitial {
  name: string;
  description: string | null;
  runtime: string;
  interpreter: string | null;
  model: string | null;
  scoringScript: string;
  settings: {
    miniBatchSize: number;
    instanceCount: number;
    maxConcurrencyPerInstance: number;
    retrySettings: { maxRetries: number; timeout: number };
    errorThreshold: number;
    outputAction: string;
    outputFileName: string;
    loggingLevel: string;
    environmentVariables: Record<string, string>;
    sandboxSettings?: Partial<Record<SandboxLimitName, number>> & { allowNetwork?: boolean };
    supportsExplanations?: boolean;
  };
  environment?: { condaFile: string | null; requirementsFile: string | null } | null;
}

export const LIMITS = Object.entries(SANDBOX_LIMIT_RANGES) as [SandboxLimitName, (typeof SANDBOX_LIMIT_RANGES)[SandboxLimitName]][];
export const ENV_FILES = [
  ["condaFile", "Conda file", /\.ya?ml$/],
  ["requirementsFile", "Requirements file", /\.txt$/],
] as const;

export const NUMBERS = [
  ["miniBatchSize", "Mini-batch size", 10],
  ["instanceCount", "Instance count", 1],
  ["maxConcurrencyPerInstance", "Max concurrency per instance", 1],
  ["retrySettings.maxRetries", "Max retries", 3],
  ["retrySettings.timeout", "Timeout (seconds)", 30],
  ["errorThreshold", "Error threshold", -1],
] as const;

// Every field the server can report on: the control's id, its label, and a sentence for zod's generic messages.
export const FIELDS: Record<string, { id: string; label: string; override?: string }> = {
  name: { id: "name", label: "Name", override: "Enter a name: 3-32 letters, digits and dashes, starting with a letter." },
  description: { id: "description", label: "Description" },
  runtime: { id: "runtime", label: "Runtime" },
  interpreter: { id: "interpreter", label: "Interpreter" },
  "code.files": { id: "code", label: "Scoring code files", override: "Upload your scoring code: at least the scoring script." },
  scoringScript: {
    id: "scoringScript",
    label: "Scoring script",
    override: "Choose the scoring script: upload your code files, then pick the one with init() and run().",
  },
  model: { id: "model", label: "Model" },
  ...Object.fromEntries(
    NUMBERS.map(([key, label]) => [
      `settings.${key}`,
      { id: key, label, override: `Enter a whole number for the ${label.toLowerCase()}.` },
    ]),
  ),
  "settings.outputAction": { id: "outputAction", label: "Output action" },
  "settings.outputFileName": { id: "outputFileName", label: "Output file name" },
  "settings.loggingLevel": { id: "loggingLevel", label: "Logging level" },
  "settings.environmentVariables": { id: "environmentVariables", label: "Environment variables" },
  ...Object.fromEntries(LIMITS.map(([key, r]) => [`settings.sandboxSettings.${key}`, { id: `sandboxSettings.${key}`, label: r.label }])),
  "settings.sandboxSettings.allowNetwork": { id: "sandboxSettings.allowNetwork", label: "Allow outbound network" },
  "environment.condaFile": { id: "environment.condaFile", label: "Conda file" },
  "environment.requirementsFile": { id: "environment.requirementsFile", label: "Requirements file" },
  environment: { id: "environment.condaFile", label: "Environment file" },
};

/** The form's field for an error key such as "deployment.settings.retrySettings.timeout" or "code.files.a.py". */
export function fieldFor(key: string) {
  const k = key.replace(/^(deployment|update)\./, "");
  if (FIELDS[k]) return { key: k, ...FIELDS[k] };
  if (k.startsWith("code.files")) return { key: "code.files", ...FIELDS["code.files"] };
  if (k.startsWith("settings.environmentVariables"))
    return { key: "settings.environmentVariables", ...FIELDS["settings.environmentVariables"] };
  return undefined;
}
