import "server-only";
import { copyFile, link, lstat, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import type { JobEnv } from "./env";
import { SANDBOX_PATHS } from "./sandbox";
import type { MiniBatchInput } from "./types";

/**
 * A worker's exchange directory: `in/` (mounted read-only at /batchpoint/batch/in) holds the
 * current mini-batch's inputs under `data/` and its payload; `out/` (mounted read-write at
 * /batchpoint/batch/out) is BATCH_OUTPUT_DIR. A worker serves one mini-batch at a time, so the
 * two are emptied before each one. Inputs are hard-linked in (same file system), not copied.
 */
export class Exchange {
  readonly in: string;
  readonly out: string;

  private constructor(
    readonly dir: string,
    /** The workspace's filesystem datastores, mounted read-only at SANDBOX_PATHS.datastores: files there are not staged. */
    readonly datastoresDir: string | null = null,
  ) {
    this.in = path.join(dir, "in");
    this.out = path.join(dir, "out");
  }

  static create(root: string, datastoresDir: string | null = null): Exchange {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const dir = mkdtempSync(path.join(root, "w-"));
    const ex = new Exchange(dir, datastoresDir ? path.resolve(datastoresDir) : null);
    mkdirSync(path.join(ex.in, "data"), { recursive: true });
    mkdirSync(ex.out, { recursive: true });
    return ex;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The job's variables as a script in the sandbox sees them (an input folder read in place: its mounted path). */
  static jobEnv(job: JobEnv, datastoresDir: string | null = null): Record<string, string | null> {
    const inPlace = job.BATCH_INPUT_DIR && datastoresDir ? inDatastores(datastoresDir, job.BATCH_INPUT_DIR) : null;
    return {
      BATCH_INPUT_DIR: inPlace ?? (job.BATCH_INPUT_DIR ? `${SANDBOX_PATHS.input}/data` : null),
      BATCH_OUTPUT_DIR: job.BATCH_OUTPUT_DIR ? SANDBOX_PATHS.output : null,
      // Azure's custom-output examples write here; the same folder as BATCH_OUTPUT_DIR.
      AZUREML_BI_OUTPUT_PATH: job.BATCH_OUTPUT_DIR ? SANDBOX_PATHS.output : null,
      JOBS_PAYLOAD_FILE: job.JOBS_PAYLOAD_FILE ? `${SANDBOX_PATHS.input}/payload.json` : null,
      BATCH_EXPLAIN: job.BATCH_EXPLAIN ?? null,
    };
  }

  /**
   * What this process put in in/ since it was last emptied: files under data/, payload.json. Nothing
   * else writes there (the sandbox mounts it read-only), so nothing else needs removing.
   */
  private staged = { data: false, payload: false };

  /**
   * Empties in/ and out/ but keeps the two directories: they are the sandbox's mount points. in/ is
   * emptied of what was staged; out/ is read, and emptied of whatever the script left there.
   */
  private async reset(): Promise<void> {
    for (const name of await readdir(this.out)) await rm(path.join(this.out, name), { recursive: true, force: true });
    if (this.staged.data) {
      await rm(path.join(this.in, "data"), { recursive: true, force: true });
      await mkdir(path.join(this.in, "data"), { recursive: true });
      this.staged.data = false;
    }
    if (this.staged.payload) {
      await rm(path.join(this.in, "payload.json"), { force: true });
      this.staged.payload = false;
    }
  }

  /**
   * Puts one mini-batch's files in place and returns the input with paths as the sandbox sees
   * them. A file under `inputDir` keeps its relative path; any other file goes by its name. An
   * item that is not a file on this machine is passed through as a plain string.
   */
  async stage(input: MiniBatchInput, job: { inputDir?: string; payloadFile?: string }): Promise<MiniBatchInput> {
    await this.reset();
    const used = new Set<string>();
    const checked = input.kind === "files" && input.regularFiles === true;
    const place = async (file: string): Promise<string | null> => {
      // A file of a filesystem datastore (a real path, see lib/storage/filesystem.ts) is read where it is.
      const inPlace = this.datastoresDir ? inDatastores(this.datastoresDir, file) : null;
      if (inPlace) return checked || (await lstat(file).catch(() => null))?.isFile() ? inPlace : null;
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) return null;
      let rel = job.inputDir && isUnder(job.inputDir, file) ? path.relative(job.inputDir, file) : path.basename(file);
      for (let n = 1; used.has(rel); n++) rel = path.join(path.dirname(rel), `${n}-${path.basename(rel)}`);
      used.add(rel);
      const dest = path.join(this.in, "data", rel);
      this.staged.data = true;
      await mkdir(path.dirname(dest), { recursive: true });
      await linkOrCopy(file, dest);
      return `${SANDBOX_PATHS.input}/data/${rel.split(path.sep).join("/")}`;
    };
    if (job.payloadFile && (await stat(job.payloadFile).catch(() => null))?.isFile()) {
      this.staged.payload = true;
      await linkOrCopy(job.payloadFile, path.join(this.in, "payload.json"));
    }
    if (input.kind === "tabular" || input.kind === "jsonl") return { ...input, file: (await place(input.file)) ?? input.file };
    if (input.kind === "named") {
      const items: Record<string, string>[] = [];
      for (const item of input.items) {
        const staged: Record<string, string> = {};
        for (const [name, f] of Object.entries(item)) staged[name] = (await place(f)) ?? f;
        items.push(staged);
      }
      return { kind: "named", items };
    }
    const files: string[] = [];
    for (const f of input.files) files.push((await place(f)) ?? f);
    return { kind: "files", files };
  }

  /**
   * Moves what the script wrote to BATCH_OUTPUT_DIR into `outputDir` (renames on the same file
   * system). Only regular files and folders: a symlink or device is skipped and reported, so a
   * script cannot smuggle out a link to a file of the server's.
   */
  async collect(outputDir: string | undefined): Promise<string[]> {
    const notes: string[] = [];
    const walk = async (from: string, to: string, rel: string) => {
      for (const name of await readdir(from)) {
        const src = path.join(from, name);
        const r = rel ? `${rel}/${name}` : name;
        const st = await lstat(src);
        if (st.isDirectory()) {
          await walk(src, path.join(to, name), r);
        } else if (st.isFile()) {
          if (!outputDir) continue;
          await mkdir(to, { recursive: true });
          await moveFile(src, path.join(to, name));
        } else {
          notes.push(
            `[batchpoint] output '${r}' was not kept: only regular files are (it is a ${st.isSymbolicLink() ? "symbolic link" : "special file"}).`,
          );
        }
      }
    };
    await walk(this.out, outputDir ?? this.out, "");
    await this.reset();
    return notes;
  }
}

/** `p` as the sandbox sees it when it lies in the mounted datastores folder, else null. */
function inDatastores(datastoresDir: string, p: string): string | null {
  if (p !== datastoresDir && !isUnder(datastoresDir, p)) return null;
  const rel = path.relative(datastoresDir, path.resolve(p)).split(path.sep).join("/");
  return rel ? `${SANDBOX_PATHS.datastores}/${rel}` : SANDBOX_PATHS.datastores;
}

function isUnder(root: string, file: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

async function linkOrCopy(src: string, dest: string): Promise<void> {
  try {
    await link(src, dest);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EXDEV" && code !== "EPERM" && code !== "EMLINK") throw e;
    await copyFile(src, dest); // another file system than the work dir: the one case that copies
  }
}

async function moveFile(src: string, dest: string): Promise<void> {
  try {
    await rename(src, dest);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    await copyFile(src, dest);
    await rm(src, { force: true });
  }
}
