import { z } from "zod";

/**
 * A deployment's sandbox settings as the API, the CLI and the dashboard form take them (no server
 * code here: the form imports this file). Each bound is where a worker still starts (below) or where
 * the limit stops meaning anything (above); unknown fields are errors.
 */
export const SANDBOX_LIMIT_RANGES = {
  memoryMiB: { min: 64, max: 1024 * 1024, label: "Memory per process (MiB)", unit: "MiB of memory per worker process" },
  processes: { min: 8, max: 100_000, label: "Processes and threads", unit: "processes and threads per worker" },
  openFiles: { min: 16, max: 1_048_576, label: "Open files per process", unit: "open files per process" },
  fileSizeMiB: { min: 1, max: 1024 * 1024, label: "Largest file written (MiB)", unit: "MiB, the largest file a script may write" },
  cpuSeconds: { min: 1, max: 7 * 24 * 3600, label: "CPU time per run() (seconds)", unit: "CPU seconds per run()" },
} as const;

export type SandboxLimitName = keyof typeof SANDBOX_LIMIT_RANGES;

/** The limits a deployment gets when it sets none (docs/security.md). */
export const DEFAULT_SANDBOX_SETTINGS = {
  allowNetwork: false,
  memoryMiB: 2048,
  processes: 128,
  openFiles: 1024,
  fileSizeMiB: 1024,
  cpuSeconds: 600,
} as const;

const limit = (name: SandboxLimitName) => {
  const r = SANDBOX_LIMIT_RANGES[name];
  return z
    .number({ error: `Enter a whole number of ${r.unit}.` })
    .int(`Enter a whole number of ${r.unit}.`)
    .min(r.min, `Use at least ${r.min.toLocaleString("en-US")} (${r.unit}).`)
    .max(r.max, `Use at most ${r.max.toLocaleString("en-US")} (${r.unit}).`)
    .optional();
};

/** A deployment's `sandboxSettings`: any field left out takes the default. */
export const sandboxSettingsSchema = z
  .object({
    allowNetwork: z.boolean({ error: "Use true or false (outbound network for this deployment's workers)." }).optional(),
    memoryMiB: limit("memoryMiB"),
    processes: limit("processes"),
    openFiles: limit("openFiles"),
    fileSizeMiB: limit("fileSizeMiB"),
    cpuSeconds: limit("cpuSeconds"),
  })
  .strict();

export type SandboxSettingsInput = z.infer<typeof sandboxSettingsSchema>;

/** The settings with every default filled in: what a worker of this deployment actually gets. */
export function effectiveSandboxSettings(s: SandboxSettingsInput = {}) {
  return {
    allowNetwork: s.allowNetwork ?? DEFAULT_SANDBOX_SETTINGS.allowNetwork,
    memoryMiB: s.memoryMiB ?? DEFAULT_SANDBOX_SETTINGS.memoryMiB,
    processes: s.processes ?? DEFAULT_SANDBOX_SETTINGS.processes,
    openFiles: s.openFiles ?? DEFAULT_SANDBOX_SETTINGS.openFiles,
    fileSizeMiB: s.fileSizeMiB ?? DEFAULT_SANDBOX_SETTINGS.fileSizeMiB,
    cpuSeconds: s.cpuSeconds ?? DEFAULT_SANDBOX_SETTINGS.cpuSeconds,
  };
}
