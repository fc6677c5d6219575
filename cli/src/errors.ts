/**
 * Exit codes of every command: 0 success, 1 failure (API error, failed or canceled job), 2 usage error,
 * 3 a followed job completed with errors (some inputs failed, within its error_threshold).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, completedWithErrors: 3 } as const;

/** A mistake in how the command was called; exits 2. */
export class UsageError extends Error {}

/** A non-2xx answer of the REST API, with its `{ error: { code, message, details } }` body. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: { fieldErrors?: Record<string, string[]>; [key: string]: unknown },
  ) {
    super(message);
  }
}

/** A job that ended failed or canceled (exit 1), or completed with errors (exit 3), while the command followed it. */
export class JobEndedError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** The lines printed to stderr for an error, and its exit code. */
export function describeError(e: unknown): { lines: string[]; code: number } {
  if (e instanceof UsageError) return { lines: [`error: ${e.message}`], code: EXIT.usage };
  if (e instanceof ApiError) {
    const lines = [`error: ${e.message}`];
    for (const [field, messages] of Object.entries(e.details?.fieldErrors ?? {})) {
      for (const m of messages) if (m !== e.message) lines.push(`  ${field}: ${m}`);
    }
    return { lines, code: EXIT.failed };
  }
  if (e instanceof JobEndedError) return { lines: [`error: ${e.message}`], code: e.exitCode };
  return { lines: [`error: ${e instanceof Error ? e.message : String(e)}`], code: EXIT.failed };
}
