// `npm run db:migrate`: applies pending migrations to DATABASE_URL.
import { applyMigrations } from "./migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set. `npm run dev` migrates the embedded database by itself.");
  process.exit(2);
}
const applied = await applyMigrations(url, console.log);
console.log(applied.length ? `${applied.length} migration(s) applied.` : "The database is up to date.");
