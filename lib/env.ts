import { z } from "zod";

const optionalString = z.string().trim().min(1).optional();

/** A 32-byte key written as 64 hex characters or as base64. */
export function decodeSecretKey(value: string): Buffer | null {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (b.length === 32) return b;
  }
  return null;
}

export const envSchema = z
  .object({
    DATABASE_URL: z
      .string({ error: "is required: a postgres:// URL (the run command sets one for the embedded database)" })
      .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// or postgresql:// URL"),
    AZURE_STORAGE_CONNECTION_STRING: z
      .string({ error: "is required: an Azure Storage connection string (the run command sets one for the embedded Azurite)" })
      .refine(
        (v) => /AccountName=|BlobEndpoint=|UseDevelopmentStorage=true/i.test(v),
        "must be an Azure Storage connection string (AccountName=...;AccountKey=...;)",
      ),
    BATCHPOINT_SECRET_KEY: z
      .string({ error: "is required: 32 random bytes as 64 hex characters (openssl rand -hex 32)" })
      .refine((v) => decodeSecretKey(v) !== null, "must be 32 bytes as 64 hex characters or base64 (openssl rand -hex 32)"),
    NEXTAUTH_SECRET: z
      .string({ error: "is required: a random string of at least 32 characters (openssl rand -base64 32)" })
      .min(32, "must be at least 32 characters (openssl rand -base64 32)"),
    NEXTAUTH_URL: z.url("must be the public URL of the app, e.g. http://localhost:3000").optional(),
    GITHUB_ID: optionalString,
    GITHUB_SECRET: optionalString,
    OIDC_ISSUER: z.url("must be the issuer URL of your OIDC provider").optional(),
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_NAME: z.string().default("Single sign-on"),
    SMTP_URL: z
      .string()
      .refine((v) => /^smtps?:\/\//.test(v), "must be an smtp:// or smtps:// URL")
      .optional(),
    MAIL_FROM: z.string().default("Batchpoint <batchpoint@localhost>"),
    BATCHPOINT_ADMIN_EMAIL: z.email("must be an email address").optional(),
    BATCHPOINT_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
    BATCHPOINT_SANDBOX: z
      .enum(["on", "off"], {
        error: "must be 'on' (the default: scoring code runs in the bubblewrap sandbox) or 'off' (single-tenant servers only)",
      })
      .optional(),
    BATCHPOINT_BUILD_ENVIRONMENTS: z
      .enum(["0", "1"], {
        error: "must be 1 (build a venv from a deployment's conda/requirements file, the default) or 0 (note and ignore those files)",
      })
      .optional(),
    BATCHPOINT_DEFAULT_DATASTORE: z
      .enum(["azure_blob", "filesystem"], {
        error:
          "must be 'filesystem' (new workspaces' workspaceblobstore is a folder under the data dir, read in place) or 'azure_blob' (a container in AZURE_STORAGE_CONNECTION_STRING's account)",
      })
      .default("azure_blob"),
    BATCHPOINT_LANES: z
      .enum(["on", "off"], {
        error:
          "must be 'on' (the default: a few long-lived scoring lanes per job claim mini-batches) or 'off' (one durable run per mini-batch)",
      })
      .default("on"),
    BATCHPOINT_LANE_STEP_SECONDS: z.coerce
      .number({ error: "must be a number of seconds" })
      .int("must be a whole number of seconds")
      .min(1, "must be at least 1 second")
      .max(3600, "must be at most 3600 seconds (keep it under your Inngest plan's step duration limit)")
      .default(30),
    BATCHPOINT_LANE_STEPS: z.coerce
      .number({ error: "must be a number of steps" })
      .int("must be a whole number of steps")
      .min(3, "must be at least 3 steps")
      .max(990, "must be at most 990 steps (Inngest allows 1,000 steps per run)")
      .default(500),
    BATCHPOINT_LANE_LEASE_SECONDS: z.coerce
      .number({ error: "must be a number of seconds" })
      .int("must be a whole number of seconds")
      .min(2, "must be at least 2 seconds")
      .max(3600, "must be at most 3600 seconds")
      .default(60),
    // bcrypt's cost factor for new password hashes (2^cost rounds). Existing hashes keep the cost they were made with.
    BATCHPOINT_PASSWORD_HASH_COST: z.coerce
      .number({ error: "must be a bcrypt cost factor, a whole number from 4 to 15 (default 11)" })
      .int("must be a whole number from 4 to 15 (default 11)")
      .min(4, "must be at least 4 (bcrypt's minimum); keep the default 11 outside test servers")
      .max(15, "must be at most 15 (each step doubles the time of every sign-in)")
      .default(11),
    BATCHPOINT_SIGNUP: z.enum(["open", "invite", "closed"], { error: "must be open, invite or closed" }).default("open"),
    BATCHPOINT_ADMIN_TOKEN: z
      .string()
      .regex(/^[A-Za-z0-9_\-]{24,200}$/, "must be 24-200 letters, digits, '_' or '-' (e.g. bp_ followed by openssl rand -hex 24)")
      .optional(),
  })
  .superRefine((e, ctx) => {
    if (!!e.GITHUB_ID !== !!e.GITHUB_SECRET)
      ctx.addIssue({ code: "custom", path: ["GITHUB_SECRET"], message: "GITHUB_ID and GITHUB_SECRET must be set together" });
    const oidc = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter(Boolean).length;
    if (oidc !== 0 && oidc !== 3)
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together",
      });
    if (!!e.BATCHPOINT_ADMIN_EMAIL !== !!e.BATCHPOINT_ADMIN_PASSWORD)
      ctx.addIssue({
        code: "custom",
        path: ["BATCHPOINT_ADMIN_PASSWORD"],
        message: "BATCHPOINT_ADMIN_EMAIL and BATCHPOINT_ADMIN_PASSWORD must be set together",
      });
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parses the environment; the error lists one line per bad variable and never echoes a value. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new EnvError(result.error.issues.map((i) => `${i.path.join(".") || "environment"} ${i.message}`));
}

let cached: Env | undefined;

/** The parsed environment, parsed once per process. */
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}
