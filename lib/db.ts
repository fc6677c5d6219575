import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";

function createClient(url: string) {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: 10 }),
    // Interactive transactions wait up to 15 s for a connection and may run 30 s. Prisma's defaults
    // (2 s and 5 s) answered users with a 500 (P2028 "Unable to start a transaction in the given
    // time") on sign-up and invoke when the machine was busy (browser tests on 4 workers, load 21):
    // a slow answer is better than a failed one, and the work is the same either way.
    transactionOptions: { maxWait: 15_000, timeout: 30_000 },
    // Secret columns never leave the database unless a query asks for them by name.
    omit: {
      user: { passwordHash: true },
      datastore: { credentialCiphertext: true },
      webhook: { secretCiphertext: true },
      apiToken: { tokenHash: true },
      invitation: { tokenHash: true },
      job: { secretsCiphertext: true },
    },
  });
}

export type Db = ReturnType<typeof createClient>;

const globalForDb = globalThis as unknown as { batchpointDb?: Db };

function client(): Db {
  globalForDb.batchpointDb ??= createClient(getEnv().DATABASE_URL);
  return globalForDb.batchpointDb;
}

/**
 * The one Prisma client of this process, cached on globalThis so dev reloads reuse it. Created on
 * first use, so importing a module (as `next build` does) needs no database configuration.
 */
export const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const c = client();
    const value = Reflect.get(c, prop, c);
    return typeof value === "function" ? value.bind(c) : value;
  },
});

export type { Prisma } from "@/lib/generated/prisma/client";
export { Role, JobStatus, MiniBatchStatus, DatastoreAuth } from "@/lib/generated/prisma/enums";
