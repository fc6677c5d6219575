import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import type { ApiClient } from "./client";
import { UsageError } from "./errors";
import { UploadProgressDisplay } from "./progress";

export interface LocalFile {
  /** path relative to the uploaded folder, with '/' separators */
  rel: string;
  abs: string;
  size: number;
}

/** Every file under a folder (or the one file given), sorted; hidden files and folders are skipped. */
export async function listLocalFiles(root: string): Promise<LocalFile[]> {
  let s;
  try {
    s = await stat(root);
  } catch {
    throw new UsageError(`'${root}' does not exist.`);
  }
  if (s.isFile()) return [{ rel: path.basename(root), abs: path.resolve(root), size: s.size }];
  const out: LocalFile[] = [];
  async function walk(dir: string, prefix: string) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || entry.name === "__pycache__") continue;
      const abs = path.join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(abs, rel);
      else if (entry.isFile()) out.push({ rel, abs, size: (await stat(abs)).size });
    }
  }
  await walk(path.resolve(root), "");
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

export function encodePath(p: string): string {
  return p.split("/").filter(Boolean).map(encodeURIComponent).join("/");
}

/** `folder/` for a datastore prefix: no leading slash, one trailing slash (empty stays empty). */
export function normalizePrefix(p: string): string {
  const trimmed = p.replace(/^\/+/, "").replace(/\/+$/, "");
  return trimmed ? `${trimmed}/` : "";
}

/**
 * Uploads files to `datastore` under `prefix`, streaming each one (PUT /datastores/{ds}/files/{path}),
 * `concurrency` at a time. Shows progress; returns the datastore paths written.
 */
export async function uploadFiles(
  client: ApiClient,
  files: LocalFile[],
  opts: { datastore: string; prefix: string; concurrency?: number; quiet?: boolean; log?: (line: string) => void },
) {
  const total = files.reduce((n, f) => n + f.size, 0);
  const display = opts.quiet ? null : new UploadProgressDisplay(files.length, total, opts.log);
  const prefix = normalizePrefix(opts.prefix);
  const queue = [...files];
  const written: string[] = [];
  async function worker() {
    for (let f = queue.shift(); f; f = queue.shift()) {
      const target = prefix + f.rel;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          display?.bytesSent(chunk.length);
          cb(null, chunk);
        },
      });
      const body = Readable.toWeb(createReadStream(f.abs).pipe(counter)) as unknown as ReadableStream;
      await client.request("PUT", `/datastores/${encodeURIComponent(opts.datastore)}/files/${encodePath(target)}`, {
        body,
        headers: { "content-type": "application/octet-stream", "content-length": String(f.size) },
      });
      written.push(target);
      display?.fileDone(f.rel, f.size);
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, files.length)) }, worker));
  } finally {
    display?.stop();
  }
  return { paths: written, bytes: total };
}
