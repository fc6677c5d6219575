import type { z } from "zod";
import type { FieldErrors } from "@/lib/errors";

/** Edit distance (insert, delete, substitute: 1 each) between two short strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

// mini_batch_size, mini-batch-size and miniBatchSize are one name to a person.
const normalize = (s: string) => s.toLowerCase().replace(/[_-]/g, "");

/** The known name closest to `name`, if it is close enough to be a likely typo or another spelling. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const n = normalize(name);
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(n, normalize(k));
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(n.length / 3)) ? best.name : undefined;
}

/** The message for a field the body may not have, with the nearest known field when there is one. */
export function unknownFieldMessage(path: string, known: readonly string[]): string {
  const dot = path.lastIndexOf(".");
  const parent = dot >= 0 ? path.slice(0, dot + 1) : "";
  const guess = nearestName(path.slice(dot + 1), known);
  if (guess) return `Unknown field '${path}'; did you mean '${parent}${guess}'?`;
  return known.length ? `Unknown field '${path}'; the fields here are ${known.join(", ")}.` : `Unknown field '${path}'.`;
}

/**
 * The one mapping of a ZodError to `{ "dotted.path": [messages] }`, shared by every REST route and
 * server action. Unknown keys (strict objects) get the nearest known name.
 */
export function zodFieldErrors(e: z.ZodError, root = "body"): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of e.issues) {
    const at = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = at ? `${at}.${key}` : key;
        (out[path] ??= []).push(unknownFieldMessage(path, []));
      }
      continue;
    }
    if (issue.code === "invalid_union" && issue.errors.length) {
      // The option the value was meant for: the one with the fewest complaints, so the message names the real problem.
      const best = issue.errors.reduce((x, y) => (y.length < x.length ? y : x));
      if (best.length) {
        const nested = zodFieldErrors({ issues: best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })) } as z.ZodError, root);
        for (const [k, v] of Object.entries(nested)) (out[k] ??= []).push(...v);
        continue;
      }
    }
    (out[at || root] ??= []).push(issue.message);
  }
  return out;
}
