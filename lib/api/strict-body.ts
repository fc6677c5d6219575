import type { z } from "zod";
import { AppError, type FieldErrors } from "@/lib/errors";
import { unknownFieldMessage } from "./field-errors";
import { jsonBody } from "./respond";

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Wrappers whose inner schema describes the same value. */
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional", "success"]);

/**
 * The fields of `value` that `schema` does not know, as dotted paths with a message each. zod's plain
 * objects drop unknown keys silently; a REST body must not (a typo would be ignored and the default
 * used). `overrides` names a schema to check a field against when its own schema takes anything
 * (e.g. a job template stored as a free-form record but meant to be an invoke body).
 */
export function unknownFields(schema: z.ZodType, value: unknown, overrides: Record<string, z.ZodType> = {}, path = ""): FieldErrors {
  const errors: FieldErrors = {};
  const walk = (s: unknown, v: unknown, at: string): void => {
    if (overrides[at] && s !== overrides[at]) return walk(overrides[at], v, at);
    const def = defOf(s);
    if (WRAPPERS.has(def.type)) return walk(def.innerType, v, at);
    switch (def.type) {
      case "pipe":
        return walk(def.in, v, at);
      case "lazy":
        return walk((def.getter as () => unknown)(), v, at);
      case "object": {
        if (!isRecord(v)) return;
        const shape = def.shape as Record<string, unknown>;
        const catchall = def.catchall ? defOf(def.catchall).type : undefined;
        const known = Object.keys(shape);
        for (const [key, child] of Object.entries(v)) {
          const p = at ? `${at}.${key}` : key;
          if (key in shape) walk(shape[key], child, p);
          else if (!catchall || catchall === "never") errors[p] = [unknownFieldMessage(p, known)];
        }
        return;
      }
      case "record":
        if (isRecord(v)) for (const [key, child] of Object.entries(v)) walk(def.valueType, child, at ? `${at}.${key}` : key);
        return;
      case "array":
        if (Array.isArray(v)) v.forEach((child, i) => walk(def.element, child, at ? `${at}.${i}` : String(i)));
        return;
      case "union": {
        // The option the value is meant for: one that parses it (fewest unknown fields), else the closest.
        const options = def.options as z.ZodType[];
        const tries = options.map((o) => ({ ok: o.safeParse(v).success, unknown: unknownFields(o, v, overrides, at) }));
        const pool = tries.some((t) => t.ok) ? tries.filter((t) => t.ok) : tries;
        const best = pool.reduce((a, b) => (Object.keys(b.unknown).length < Object.keys(a.unknown).length ? b : a));
        Object.assign(errors, best.unknown);
        return;
      }
      case "intersection":
        // Known to either side is known; report only what both sides reject.
        {
          const left = unknownFields(def.left as z.ZodType, v, overrides, at);
          const right = unknownFields(def.right as z.ZodType, v, overrides, at);
          for (const k of Object.keys(left)) if (right[k]) errors[k] = left[k];
        }
        return;
      default:
        return;
    }
  };
  walk(schema, value, path);
  return errors;
}

/** Throws a 400 naming every unknown field (and the nearest known one) of a request body; returns the body. */
export function rejectUnknownFields<T>(schema: z.ZodType, body: T, overrides?: Record<string, z.ZodType>): T {
  const errors = unknownFields(schema, body, overrides);
  const paths = Object.keys(errors);
  if (!paths.length) return body;
  const message = paths.length === 1 ? errors[paths[0]][0] : `Unknown fields: ${paths.join(", ")}; see details.fieldErrors.`;
  throw new AppError("BAD_REQUEST", message, { fieldErrors: errors });
}

/** The request's JSON body, refused with a 400 when it has a field `schema` does not know. */
export async function strictJsonBody<T = unknown>(request: Request, schema: z.ZodType, overrides?: Record<string, z.ZodType>): Promise<T> {
  return rejectUnknownFields(schema, (await jsonBody(request)) as T, overrides);
}
