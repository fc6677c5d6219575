import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface LocalSecrets {
  BATCHPOINT_SECRET_KEY: string;
  NEXTAUTH_SECRET: string;
  /** Signs the embedded executor's calls to /api/inngest, so the route refuses unsigned callers. */
  INNGEST_SIGNING_KEY: string;
  INNGEST_EVENT_KEY: string;
  /** The embedded PostgreSQL's password (in the app's DATABASE_URL; never in a scoring environment). */
  EMBEDDED_PG_PASSWORD: string;
}

function generate(): LocalSecrets {
  return {
    BATCHPOINT_SECRET_KEY: randomBytes(32).toString("hex"),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    INNGEST_SIGNING_KEY: `signkey-prod-${randomBytes(32).toString("hex")}`,
    INNGEST_EVENT_KEY: randomBytes(24).toString("hex"),
    EMBEDDED_PG_PASSWORD: randomBytes(24).toString("hex"),
  };
}

/**
 * The embedded default's secrets: generated once into `<dataDir>/secrets.json` (mode 0600) and
 * reused, so encrypted datastore credentials and sessions survive restarts. Keys added by newer
 * versions are filled in without changing existing ones.
 */
export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<LocalSecrets>) : {};
  const secrets = { ...generate(), ...existing };
  if (Object.keys(existing).length !== Object.keys(secrets).length) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return secrets;
}
