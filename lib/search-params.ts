import type { z } from "zod";

/** Parses a page's search params; invalid values fall back to the schema's defaults instead of failing the page. */
export function parseSearchParams<S extends z.ZodObject>(schema: S, raw: Record<string, string | string[] | undefined>): z.infer<S> {
  const flat = Object.fromEntries(
    Object.entries(raw)
      .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])
      .filter(([, v]) => v !== "" && v !== undefined),
  );
  const full = schema.safeParse(flat);
  if (full.success) return full.data;
  // Drop only the offending keys and keep the rest.
  const bad = new Set(full.error.issues.map((i) => String(i.path[0])));
  return schema.parse(Object.fromEntries(Object.entries(flat).filter(([k]) => !bad.has(k))));
}
