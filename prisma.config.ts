import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// The JS schema engine: the CLI then needs no native binary download (none can be fetched on
// our machines). `generate` and `migrate diff` work with it; migrations are applied by
// scripts/migrate.ts (see docs/decisions/0002-migrations.md).
// The schema reads DATABASE_URL; generating the client needs no database, but the CLI refuses
// an unset variable (and then tries to download an engine). A placeholder keeps it offline.
process.env.DATABASE_URL ??= "postgres://localhost/unused";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
