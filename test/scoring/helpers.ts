import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ScoringDeployment } from "@/lib/scoring/types";

/** Debian's python3, which has pandas, numpy and PIL from apt (the pyenv python3 on PATH does not). */
export const PYTHON = "/usr/bin/python3";

let seq = 0;

/** A temp dir removed by the returned cleanup. */
export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `bp-scoring-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes files (path -> content) under dir and returns dir. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

/** A deployment of the code in codeDir with Azure's defaults, a fresh id each call. */
export function deployment(codeDir: string, over: Partial<ScoringDeployment> = {}): ScoringDeployment {
  seq += 1;
  return {
    id: `dep${process.pid}x${seq}`,
    version: 1,
    runtime: "python",
    interpreter: PYTHON,
    codeDir,
    scoringScript: "score.py",
    modelDir: null,
    instanceCount: 1,
    maxConcurrencyPerInstance: 1,
    timeoutSeconds: 30,
    loggingLevel: "info",
    environmentVariables: {},
    ...over,
  };
}

/** Real PNG files: solid grayscale squares with the given pixel values, written by PIL. */
export function writePngs(dir: string, values: Record<string, number>): string[] {
  mkdirSync(dir, { recursive: true });
  const code = [
    "import json, sys",
    "from PIL import Image",
    "for name, value in json.loads(sys.argv[2]).items():",
    "    Image.new('L', (8, 8), color=value).save(f'{sys.argv[1]}/{name}')",
  ].join("\n");
  execFileSync(PYTHON, ["-c", code, dir, JSON.stringify(values)]);
  return Object.keys(values).map((n) => path.join(dir, n));
}

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Host pids of processes one of whose arguments is exactly `arg` (seen in the host's /proc). */
export function processesWithArg(arg: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (args.includes(arg)) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/** A real wheel of a tiny package, written with zipfile (no build tools, no network). */
export function writeWheel(dir: string, name: string, version: string, value: string) {
  mkdirSync(dir, { recursive: true });
  const code = `
import base64, hashlib, sys, zipfile
d, name, version, value = sys.argv[1:5]
dist = f"{name}-{version}.dist-info"
files = {
    f"{name}/__init__.py": f"VALUE = {value!r}\\n",
    f"{dist}/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n",
    f"{dist}/WHEEL": "Wheel-Version: 1.0\\nGenerator: batchpoint-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
record = []
with zipfile.ZipFile(f"{d}/{name}-{version}-py3-none-any.whl", "w") as z:
    for path, text in files.items():
        data = text.encode()
        z.writestr(path, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}/RECORD,,")
    z.writestr(f"{dist}/RECORD", "\\n".join(record) + "\\n")
`;
  execFileSync(PYTHON, ["-c", code, dir, name, version, value]);
}
