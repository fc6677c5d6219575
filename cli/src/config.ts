import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { UsageError } from "./errors";

/** The environment variables the CLI reads (process.env, or a test's own). */
export type Env = Record<string, string | undefined>;

export interface Credentials {
  url: string;
  token: string;
}

/** `$XDG_CONFIG_HOME/batchpoint/config.json`, or `~/.config/batchpoint/config.json`. */
export function configPath(env: Env = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() || path.join(homedir(), ".config");
  return path.join(base, "batchpoint", "config.json");
}

export async function readConfig(env: Env = process.env): Promise<Partial<Credentials>> {
  try {
    return JSON.parse(await readFile(configPath(env), "utf8")) as Partial<Credentials>;
  } catch {
    return {};
  }
}

/** Stores the credentials readable by the user only (the token is a secret). */
export async function writeConfig(creds: Credentials, env: Env = process.env): Promise<string> {
  const file = configPath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(creds, null, 2) + "\n", { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

export function normalizeUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new UsageError(`'${url}' is not a URL; use e.g. --url http://localhost:3000.`);
  }
  if (!/^https?:$/.test(u.protocol)) throw new UsageError(`'${url}' is not an http(s) URL.`);
  return u.toString().replace(/\/+$/, "");
}

/** The server and token to use: BATCHPOINT_URL / BATCHPOINT_TOKEN override the stored login. */
export async function resolveCredentials(env: Env = process.env): Promise<Credentials> {
  const stored = await readConfig(env);
  const url = env.BATCHPOINT_URL?.trim() || stored.url;
  const token = env.BATCHPOINT_TOKEN?.trim() || stored.token;
  if (!url || !token) {
    throw new UsageError("not logged in: run `batchpoint login --url URL --token TOKEN`, or set BATCHPOINT_URL and BATCHPOINT_TOKEN.");
  }
  return { url: normalizeUrl(url), token };
}
