import { execFile } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../executor/src/embedded-postgres";
import { applyMigrations } from "../../prisma/migrate";
import { SIGNUP_CLOSED_MESSAGE, SIGNUP_INVITE_ONLY_MESSAGE } from "@/lib/users/signup-policy";
import { tempDir } from "../scoring/helpers";
import { uniqueEmail } from "../support/factories";

// Whatever BATCHPOINT_SIGNUP says, the first account on a fresh server (no account at all) is
// created as before the setting existed: with its personal workspace, as its owner. The next one is
// the operator's choice. Each mode gets a fresh server: an empty database of its own.
const tmp = tempDir("first-account");
let database: EmbeddedPostgres;

beforeAll(async () => {
  database = await startEmbeddedPostgres({ dataDir: path.join(tmp.dir, "pg") });
  await applyMigrations(database.url, () => {});
});

afterAll(async () => {
  await database?.stop();
  tmp.cleanup();
});

/** Empties every table that holds accounts or what hangs off them: the server is fresh again. */
async function freshServer() {
  const c = new pg.Client({ connectionString: database.url });
  await c.connect();
  try {
    await c.query('TRUNCATE "User" CASCADE');
    expect((await c.query('SELECT count(*)::int AS n FROM "User"')).rows[0].n).toBe(0);
  } finally {
    await c.end();
  }
}

type Outcome = { ok: true; email: string; workspace: string | null; role: string | null } | { ok: false; code: string; message: string };

function signUpTwice(mode: string | undefined, first: string, second: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url };
  if (mode === undefined) delete env.BATCHPOINT_SIGNUP;
  else env.BATCHPOINT_SIGNUP = mode;
  return new Promise<{ pageBefore: unknown; one: Outcome; pageAfter: unknown; two: Outcome; users: number }>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "test/support/sign-up-process.ts", first, second],
      { env, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split("\n").pop()!));
      },
    );
  });
}

describe("the first account on a fresh server", () => {
  for (const mode of [undefined, "open", "invite", "closed"] as const) {
    it(`is created as it always was under BATCHPOINT_SIGNUP=${mode ?? "(unset)"}; the second follows the mode`, async () => {
      await freshServer();
      const first = uniqueEmail("first");
      const second = uniqueEmail("second");
      const r = await signUpTwice(mode, first, second);
      expect(r.pageBefore).toEqual({ form: true });
      expect(r.one).toEqual({ ok: true, email: first, workspace: "First's workspace", role: "owner" });
      if (mode === undefined || mode === "open") {
        expect(r.pageAfter).toEqual({ form: true });
        expect(r.two).toMatchObject({ ok: true, email: second, role: "owner" });
        expect(r.users).toBe(2);
      } else {
        const message = mode === "closed" ? SIGNUP_CLOSED_MESSAGE : SIGNUP_INVITE_ONLY_MESSAGE;
        expect(r.pageAfter).toEqual({ form: false, message });
        expect(r.two).toEqual({ ok: false, code: "FORBIDDEN", message });
        expect(r.users).toBe(1);
      }
    });
  }
});
