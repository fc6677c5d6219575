import { InvalidArgumentError } from "commander";
import { ApiClient } from "./client";
import { resolveCredentials } from "./config";

/** The API client for the stored login (or BATCHPOINT_URL / BATCHPOINT_TOKEN). */
export async function apiClient(): Promise<ApiClient> {
  return new ApiClient(await resolveCredentials());
}

/** Seconds between polls of a job while waiting; BATCHPOINT_POLL_INTERVAL (seconds) changes it. */
export function pollIntervalMs(): number {
  const s = Number(process.env.BATCHPOINT_POLL_INTERVAL);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 2000;
}

export function note(message: string) {
  console.error(`note: ${message}`);
}

/** Repeatable option collector for commander (`--set a=1 --set b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Commander argument parser for a whole number >= min (a usage error otherwise). */
export function intArg(min = 1) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[-+]?\d+$/.test(value.trim()) || n < min) throw new InvalidArgumentError(`Use a whole number of at least ${min}.`);
    return n;
  };
}
