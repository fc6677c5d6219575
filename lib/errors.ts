export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "RATE_LIMITED"
  | "INTERNAL";

const statusByCode: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/** Field-level messages, keyed by the input field they concern. */
export type FieldErrors = Record<string, string[]>;

/** An expected failure: its message is safe to show to the caller. */
export class AppError extends Error {
  constructor(
    public readonly code: AppErrorCode,
    message: string,
    public readonly details?: { fieldErrors?: FieldErrors; [key: string]: unknown },
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return statusByCode[this.code];
  }
}

export function httpStatusOf(code: AppErrorCode): number {
  return statusByCode[code];
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found.`);

export function fieldError(field: string, message: string, code: AppErrorCode = "BAD_REQUEST") {
  return new AppError(code, message, { fieldErrors: { [field]: [message] } });
}

/** Prisma's unique-constraint violation (P2002), without importing Prisma here. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}
