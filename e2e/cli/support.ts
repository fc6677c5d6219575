import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { E2E_ADMIN_TOKEN } from "../../playwright.config";

export const BIN = path.resolve("cli/dist/batchpoint.mjs");
export const BASE_URL = `http://localhost:${Number(process.env.E2E_PORT || 3100)}`;

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Bundles the binary from the current source, so a stale cli/dist is never what is tested. */
export function buildCli() {
  execFileSync(process.execPath, [path.resolve("cli/build.mjs")], { stdio: "inherit" });
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: \`npm run build:cli\` did not write it.`);
}

/** The environment a user's shell would have: the server and token, plain progress lines, a private HOME. */
export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, "config"),
    BATCHPOINT_POLL_INTERVAL: "0.3",
    ...extra,
  };
  env.BATCHPOINT_URL = BASE_URL;
  env.BATCHPOINT_TOKEN = E2E_ADMIN_TOKEN;
  return env;
}

/** Runs the built `batchpoint` binary the way a user does, without a terminal. */
export function cli(home: string, args: string[], opts: { cwd?: string; timeout?: number } = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: cliEnv(home), cwd: opts.cwd ?? home, timeout: opts.timeout ?? 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

export async function writeFiles(dir: string, files: Record<string, string | Buffer>) {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

/** True when /usr/bin/python3 can import every module named. */
export function pythonHas(...modules: string[]): boolean {
  try {
    execFileSync("/usr/bin/python3", ["-c", modules.map((m) => `import ${m}`).join("; ")], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
