/** Exit codes of every command: 0 success, 1 failure (API error, failed job), 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

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

/** A job that ended failed or canceled while the command waited for it; exits 1. */
export class JobEndedError extends Error {}

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
  if (e instanceof JobEndedError) return { lines: [`error: ${e.message}`], code: EXIT.failed };
  return { lines: [`error: ${e instanceof Error ? e.message : String(e)}`], code: EXIT.failed };
}
