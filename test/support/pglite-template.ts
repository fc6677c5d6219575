import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { startEmbeddedPostgres } from "../../executor/src/embedded-postgres";
import { applyMigrations } from "../../prisma/migrate";

/**
 * PGlite data dirs made once and copied, instead of an initdb (and the app's migrations) for every
 * database a test starts: a fresh PGlite data dir costs ~10 s of CPU (initdb in WASM), opening a copy
 * ~2 s. `blank` is a new cluster (what the executor's own database starts as); `app` is the same with
 * prisma/migrations applied (what the app's database is after applyMigrations).
 *
 * The templates are kept under the OS temp dir, keyed by the PGlite version and the migrations' text,
 * so a changed migration (or PGlite) builds new ones. Builders that race each build their own and the
 * first rename wins; a template is complete or absent, never half-written.
 */
export type PgliteTemplate = "blank" | "app";

const root = process.cwd();

function templateKey(): string {
  const h = createHash("sha256");
  h.update(JSON.parse(readFileSync(path.join(root, "node_modules/@electric-sql/pglite/package.json"), "utf8")).version);
  h.update(readFileSync(path.join(root, "prisma/migrate.ts")));
  const migrations = path.join(root, "prisma/migrations");
  for (const name of readdirSync(migrations).sort()) {
    const file = path.join(migrations, name, "migration.sql");
    if (existsSync(file)) h.update(name).update(readFileSync(file));
  }
  return h.digest("hex").slice(0, 16);
}

async function build(kind: PgliteTemplate, into: string): Promise<void> {
  if (kind === "blank") {
    const db = await PGlite.create(into, { extensions: { pg_trgm } });
    await db.query("SELECT 1");
    await db.close();
    return;
  }
  cpSync(await pgliteTemplate("blank"), into, { recursive: true });
  const pg = await startEmbeddedPostgres({ dataDir: into });
  try {
    await applyMigrations(pg.url);
  } finally {
    await pg.stop();
  }
}

/** The path of a template data dir of `kind`, built if it is not there yet. Never write to it: copy it (copyPgliteTemplate). */
export async function pgliteTemplate(kind: PgliteTemplate): Promise<string> {
  const dir = path.join(tmpdir(), `batchpoint-pglite-template-${templateKey()}`);
  const target = path.join(dir, kind);
  if (existsSync(target)) return target;
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(path.join(dir, `${kind}-building-`));
  try {
    await build(kind, path.join(work, "data"));
    try {
      renameSync(path.join(work, "data"), target);
    } catch (e) {
      // Another builder got there first: theirs is as good as ours.
      if (!existsSync(target)) throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

/** Makes `dest` (which must not exist yet) a copy of the template of `kind`. */
export async function copyPgliteTemplate(kind: PgliteTemplate, dest: string): Promise<void> {
  if (existsSync(dest)) throw new Error(`copyPgliteTemplate: ${dest} exists already`);
  cpSync(await pgliteTemplate(kind), dest, { recursive: true });
}
