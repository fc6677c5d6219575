import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

// Azurite's well-known development account: public, so never used for the platform's storage.
const DEV_ACCOUNT = "devstoreaccount1";

export interface AzuriteAccount {
  name: string;
  key: string;
}

const newAccount = (name = `bp${randomBytes(6).toString("hex")}`): AzuriteAccount => ({ name, key: randomBytes(64).toString("base64") });

/**
 * The embedded Azurite's account, generated once into `<dataDir>/../azurite-account.json` (mode 0600)
 * and reused. Anyone who knows the public development key could otherwise read every workspace's
 * container. Existing data kept under devstoreaccount1 keeps that account name, with a new key.
 */
export function loadOrCreateAzuriteAccount(dataDir: string): AzuriteAccount {
  const file = path.join(path.dirname(path.resolve(dataDir)), "azurite-account.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as AzuriteAccount;
  const hasData = existsSync(dataDir) && readdirSync(dataDir).length > 0;
  const account = newAccount(hasData ? DEV_ACCOUNT : undefined);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(account, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return account;
}

const connectionStringOf = (a: AzuriteAccount, port: number) =>
  `DefaultEndpointsProtocol=http;AccountName=${a.name};AccountKey=${a.key};BlobEndpoint=http://127.0.0.1:${port}/${a.name};`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface EmbeddedAzurite {
  /** The platform's account: its own storage, never a datastore. */
  connectionString: string;
  /** Connection strings of the `extraAccounts` asked for (tests use one as a tenant's own storage account). */
  extraConnectionStrings: Record<string, string>;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's blob service with its data in `dataDir` and only generated accounts (AZURITE_ACCOUNTS):
 * the platform's, and `extraAccounts` (fresh each start); resolves once it accepts requests.
 */
export async function startAzurite(opts: {
  dataDir: string;
  port?: number;
  extraAccounts?: string[];
  /** Hang guard for the first answer. Default 3 minutes; the integration tests pass their 10-minute hook guard. */
  readyTimeoutMs?: number;
}): Promise<EmbeddedAzurite> {
  const account = loadOrCreateAzuriteAccount(opts.dataDir);
  mkdirSync(opts.dataDir, { recursive: true });
  const extras = (opts.extraAccounts ?? []).map((n) => newAccount(n));
  const accounts = [account, ...extras].map((a) => `${a.name}:${a.key}`).join(";");
  const port = opts.port || (await freePort());
  const bin = path.join(process.cwd(), "node_modules", "azurite", "dist", "src", "blob", "main.js");
  const child = spawn(
    process.execPath,
    [
      bin,
      "--location",
      opts.dataDir,
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(port),
      "--skipApiVersionCheck",
      "--loose",
      "--silent",
      // Azurite reports usage to Microsoft by default: an HTTPS exporter that, offline, retries and
      // spools to disk every few seconds (about 5 ms/s of CPU with nothing else to do). A self-hosted
      // product sends nothing anywhere.
      "--disableTelemetry",
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, AZURITE_ACCOUNTS: accounts } },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  // Ready when it answers (or fails when it exits); the deadline only bounds a hang, long enough for a
  // machine at load 10-20 (a fixed 30 s used to fall through silently and leave callers with refused connections).
  const readyTimeoutMs = opts.readyTimeoutMs ?? 180_000;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Azurite exited early: ${output.slice(-500)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/${account.name}?comp=list`);
      if (res.status > 0) break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`Azurite did not answer on port ${port} within ${readyTimeoutMs / 1000} s: ${output.slice(-500)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    process: child,
    connectionString: connectionStringOf(account, port),
    extraConnectionStrings: Object.fromEntries(extras.map((a) => [a.name, connectionStringOf(a, port)])),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
