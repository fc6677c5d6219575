const PATTERNS: [RegExp, string][] = [
  [/(AccountKey|SharedAccessSignature|sig|password|secret|token)=([^;&\s"']+)/gi, "$1=[redacted]"],
  [/(postgres(?:ql)?:\/\/[^:/\s]+:)([^@\s]+)@/gi, "$1[redacted]@"],
  [/\b(bp|inv|whsec)_[A-Za-z0-9_-]{16,}/g, "$1_[redacted]"],
  [/signkey-[a-z]+-[0-9a-f]{16,}/gi, "signkey-[redacted]"],
];

/** Removes credentials (storage keys, SAS signatures, database passwords, our tokens) from text. */
export function redact(text: string): string {
  return PATTERNS.reduce((t, [re, rep]) => t.replace(re, rep), text);
}

/**
 * Logs an unexpected error with its context: name, code, message and stack only, redacted. Never
 * the whole object: SDK errors carry requests whose URLs and headers can hold credentials.
 */
export function logError(context: string, e: unknown) {
  if (e instanceof Error) {
    const code = (e as { code?: unknown; statusCode?: unknown }).code ?? (e as { statusCode?: unknown }).statusCode;
    console.error(
      redact(
        `${context}: ${e.name}${code ? ` (${String(code)})` : ""}: ${e.message}\n${e.stack?.split("\n").slice(1, 8).join("\n") ?? ""}`,
      ),
    );
  } else {
    console.error(redact(`${context}: ${String(e)}`));
  }
}
