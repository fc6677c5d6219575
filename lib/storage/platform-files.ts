import "server-only";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "@/lib/errors";
import { type AzureTarget, blobExists, downloadBlob, ensureContainer, readBlobText, uploadBlob } from "./index";
import { assertSafeName } from "./names";

/**
 * The platform's own files (deployment code, model files) live in one container per workspace in the
 * platform's storage account, outside every datastore: no tenant API (datastore files, listings, job
 * inputs or outputs) names it. Files are stored by content (`blobs/sha256/<hex>`), and a set of files
 * by a manifest stored by its own hash (`manifests/sha256/<hex>.json`), so a set's reference
 * `sha256:<hex>` pins every byte; the reader checks each hash. See docs/decisions/0007.
 */
export const FILE_SET_PREFIX = "sha256:";

/** The platform container of a workspace; distinct from its workspaceblobstore (`ws-...`). */
export function platformFilesContainer(workspaceId: string): string {
  return `bpsys-${workspaceId.toLowerCase().replace(/[^a-z0-9]/g, "")}`.slice(0, 63);
}

export function platformFilesTarget(workspaceId: string): AzureTarget {
  return { auth: "platform", containerName: platformFilesContainer(workspaceId) };
}

export interface FileSetEntry {
  path: string;
  sha256: string;
  size: number;
}

export interface FileSetManifest {
  version: 1;
  files: FileSetEntry[];
}

export function isFileSetRef(ref: string | null | undefined): boolean {
  return !!ref && /^sha256:[0-9a-f]{64}$/.test(ref);
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

const blobPath = (hex: string) => `blobs/sha256/${hex}`;
const manifestPath = (hex: string) => `manifests/sha256/${hex}.json`;

/** A platform file failed its hash check: the stored copy was changed or damaged. */
export class PlatformFileIntegrityError extends AppError {
  constructor(what: string, expected: string, actual: string) {
    super(
      "INTERNAL",
      `${what} does not match its recorded sha256 (expected ${expected.slice(0, 12)}…, got ${actual.slice(0, 12)}…): the stored copy was changed or damaged, so it was not used. Deploy the files again to repair it.`,
    );
    this.name = "PlatformFileIntegrityError";
  }
}

const ensured = new Set<string>();
async function ensurePlatformContainer(target: AzureTarget) {
  const key = `${process.env.AZURE_STORAGE_CONNECTION_STRING ?? ""}|${target.containerName}`;
  if (ensured.has(key)) return;
  await ensureContainer(target);
  ensured.add(key);
}

/** The canonical manifest of `files`: paths checked and sorted, so equal sets have equal references. */
export function manifestOf(files: FileSetEntry[], field = "files"): FileSetManifest {
  const seen = new Set<string>();
  for (const f of files) {
    assertSafeName(f.path, field);
    if (seen.has(f.path))
      throw new AppError("BAD_REQUEST", `${field}: '${f.path}' is given twice.`, {
        fieldErrors: { [field]: [`'${f.path}' is given twice.`] },
      });
    seen.add(f.path);
  }
  return {
    version: 1,
    files: [...files]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
  };
}

/**
 * Stores a set of files in the workspace's platform container and returns its reference
 * (`sha256:<hex of the manifest>`). Files already stored (same content) are not uploaded again.
 */
export async function putFileSet(opts: {
  workspaceId: string;
  files: { path: string; data: Buffer | string }[];
  field?: string;
}): Promise<{ ref: string; manifest: FileSetManifest }> {
  const target = platformFilesTarget(opts.workspaceId);
  const bufs = opts.files.map((f) => ({ path: f.path, data: typeof f.data === "string" ? Buffer.from(f.data, "utf8") : f.data }));
  const manifest = manifestOf(
    bufs.map((f) => ({ path: f.path, sha256: sha256Hex(f.data), size: f.data.length })),
    opts.field,
  );
  await ensurePlatformContainer(target);
  for (const f of bufs) {
    const hex = sha256Hex(f.data);
    if (!(await blobExists(target, blobPath(hex)))) await uploadBlob(target, blobPath(hex), f.data);
  }
  const text = JSON.stringify(manifest);
  const hex = sha256Hex(text);
  if (!(await blobExists(target, manifestPath(hex))))
    await uploadBlob(target, manifestPath(hex), text, { contentType: "application/json" });
  return { ref: `${FILE_SET_PREFIX}${hex}`, manifest };
}

/** Reads a set's manifest, checking it against its reference and every path in it. */
export async function readFileSetManifest(opts: { workspaceId: string; ref: string }): Promise<FileSetManifest> {
  if (!isFileSetRef(opts.ref)) throw new AppError("INTERNAL", `'${opts.ref}' is not a platform file set reference (sha256:<64 hex>).`);
  const hex = opts.ref.slice(FILE_SET_PREFIX.length);
  let text: string;
  try {
    text = await readBlobText(platformFilesTarget(opts.workspaceId), manifestPath(hex));
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404)
      throw new AppError("NOT_FOUND", `The platform's copy of file set ${opts.ref.slice(0, 19)}… is missing. Deploy the files again.`);
    throw e;
  }
  const actual = sha256Hex(text);
  if (actual !== hex) throw new PlatformFileIntegrityError(`The manifest of file set ${opts.ref.slice(0, 19)}…`, hex, actual);
  const parsed = JSON.parse(text) as FileSetManifest;
  manifestOf(parsed.files, "manifest");
  return parsed;
}

/** Downloads one file of a set to `dest`, hashing it on the way; a mismatch deletes `dest` and throws. */
export async function downloadVerifiedFile(opts: { workspaceId: string; entry: FileSetEntry; dest: string; what: string }): Promise<void> {
  const hash = createHash("sha256");
  const tap = new Transform({
    transform(chunk, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  await pipeline(
    await downloadBlob(platformFilesTarget(opts.workspaceId), blobPath(opts.entry.sha256)),
    tap,
    createWriteStream(opts.dest, { mode: 0o644 }),
  );
  const actual = hash.digest("hex");
  if (actual !== opts.entry.sha256) {
    await rm(opts.dest, { force: true });
    throw new PlatformFileIntegrityError(opts.what, opts.entry.sha256, actual);
  }
}

/** Where a stored file's content lives in the platform container (for tests and the migration). */
export function platformBlobPath(sha256: string): string {
  return blobPath(sha256);
}
