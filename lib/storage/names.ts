import path from "node:path";
import { AppError } from "@/lib/errors";

/**
 * One rule for every name that becomes a blob name or a local path: datastore paths, uploaded
 * files, names listed from a container we do not control, job inputs and outputs, model and code
 * files. Blob storage itself accepts almost anything (Azurite turns `\` into `/`, and the SDK's URL
 * normalisation resolves `..`), so a name that passes here can neither leave its container nor,
 * joined under a local root, leave that root.
 */
export const MAX_NAME_LENGTH = 1024; // Azure's limit for a blob name
export const MAX_SEGMENT_LENGTH = 255; // a file name on every common filesystem

// C0 controls (NUL, CR, LF, TAB, ...), DEL and C1 controls, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function describeControl(name: string): string {
  const ch = name.match(CONTROL)![0];
  const named: Record<string, string> = { "\0": "NUL", "\r": "CR", "\n": "LF", "\t": "TAB" };
  return named[ch] ?? `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Why `name` may not be used as a file's name (a blob name or a relative path), or null if it may.
 * Refused: empty, longer than 1,024 characters, control characters (NUL, CR, LF, ...), backslashes,
 * absolute paths (`/x`, `C:x`), empty segments (`a//b`, `a/`), `.` or `..` segments, segments over 255.
 */
export function nameProblem(name: string): string | null {
  if (typeof name !== "string" || name.length === 0) return "is empty";
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (CONTROL.test(name)) return `contains a control character (${describeControl(name)})`;
  if (name.includes("\\")) return "contains a backslash: use '/' between folders";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "is an absolute path: give a path relative to the datastore's root";
  for (const seg of name.split("/")) {
    if (seg === "") return name.endsWith("/") ? "ends with '/': give a file's path, not a folder's" : "has an empty folder name ('//')";
    if (seg === "." || seg === "..") return `has a '${seg}' segment`;
    if (seg.length > MAX_SEGMENT_LENGTH) return `has a folder or file name longer than ${MAX_SEGMENT_LENGTH} characters`;
  }
  return null;
}

/** Why `prefix` may not be used as a folder (empty = the root; a trailing '/' allowed), or null. */
export function prefixProblem(prefix: string): string | null {
  if (prefix === "") return null;
  return nameProblem(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
}

export function isSafeName(name: string): boolean {
  return nameProblem(name) === null;
}

/** Thrown for a refused name; `field` names the input it came from so adapters can answer 400. */
export class UnsafeNameError extends AppError {
  constructor(
    readonly field: string,
    readonly value: string,
    readonly problem: string,
  ) {
    const message = `${field} '${printable(value)}' ${problem}.`;
    super("BAD_REQUEST", message, { fieldErrors: { [field]: [message] } });
    this.name = "UnsafeNameError";
  }
}

/** A name as it may be shown in an error message or a log: control characters escaped, length capped. */
export function printable(name: string): string {
  const shown = JSON.stringify(String(name).slice(0, 200)).slice(1, -1);
  return name.length > 200 ? `${shown}…` : shown;
}

/** Returns `name` if it is a safe file name (see nameProblem), else throws UnsafeNameError. */
export function assertSafeName(name: string, field = "path"): string {
  const problem = nameProblem(name);
  if (problem) throw new UnsafeNameError(field, name, problem);
  return name;
}

/** Returns `prefix` if it is a safe folder prefix (see prefixProblem), else throws UnsafeNameError. */
export function assertSafePrefix(prefix: string, field = "path"): string {
  const problem = prefixProblem(prefix);
  if (problem) throw new UnsafeNameError(field, prefix, problem);
  return prefix;
}

/**
 * The absolute local path of `rel` under `root`, after checking `rel` by the rule above and that the
 * resolved path stays inside `root`. Call it before every write of a file whose name came from outside.
 */
export function resolveUnder(root: string, rel: string, field = "path"): string {
  assertSafeName(rel, field);
  const base = path.resolve(root);
  const full = path.resolve(base, rel);
  if (full === base || !full.startsWith(base + path.sep)) throw new UnsafeNameError(field, rel, `leaves its folder ${base}`);
  return full;
}
