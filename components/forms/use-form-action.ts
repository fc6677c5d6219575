"use client";

import { useAction } from "next-safe-action/hooks";
import { useMemo } from "react";

type AnyResult = {
  validationErrors?: unknown;
  serverError?: { message: string; fieldErrors?: Record<string, string[]> };
};

/** Reads a form into a plain object (checkboxes as booleans). */
export function formToObject(form: HTMLFormElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const el of Array.from(form.elements) as HTMLInputElement[]) {
    if (!el.name || el.disabled) continue;
    out[el.name] = el.type === "checkbox" ? el.checked : el.value;
  }
  return out;
}

function flattenValidation(v: unknown, prefix = ""): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!v || typeof v !== "object") return out;
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (k === "_errors") {
      if (Array.isArray(val) && val.length) out[prefix || "form"] = val as string[];
    } else {
      Object.assign(out, flattenValidation(val, prefix ? `${prefix}.${k}` : k));
    }
  }
  return out;
}

/**
 * Field errors from either zod validation or the server (AppError details), and the one
 * message to show at the top of the form. `err(field)` also finds errors reported under the
 * action's wrapper key (e.g. "deployment.settings.miniBatchSize" for the field "settings.miniBatchSize").
 */
export function useFormErrors(result: AnyResult, wrapperKey?: string) {
  return useMemo(() => {
    const fieldErrors = { ...flattenValidation(result.validationErrors), ...(result.serverError?.fieldErrors ?? {}) };
    // Field errors show beside their fields; the banner is for failures that belong to no field.
    const message = Object.keys(fieldErrors).length ? undefined : result.serverError?.message;
    const err = (field: string): string[] | undefined =>
      fieldErrors[field] ?? (wrapperKey ? fieldErrors[`${wrapperKey}.${field}`] : undefined);
    return { fieldErrors, message, err };
  }, [result, wrapperKey]);
}

export { useAction };
