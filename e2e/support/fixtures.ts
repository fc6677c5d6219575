import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import pg from "pg";
import { SAMPLE_JOB_SNAPSHOT_SQL } from "../../lib/jobs/sample-job-snapshot";
import { E2E_PG_PORT } from "../../playwright.config";

export const PASSWORD = "e2e password 123";

export function uniqueEmail(label: string) {
  return `${label}-${randomBytes(4).toString("hex")}@e2e.test`;
}

/** Signs up through the UI; returns the new user's email and the slug of their personal workspace. */
export async function signUp(page: Page, label = "user", opts: { email?: string } = {}) {
  const email = opts.email ?? uniqueEmail(label);
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(`${label} Tester`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/w\/[^/]+\/endpoints/);
  const slug = new URL(page.url()).pathname.split("/")[2];
  return { email, slug };
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Creates an API token through the settings page and returns its value (shown once). */
export async function createToken(page: Page, slug: string, name: string, role: string) {
  await page.goto(`/w/${slug}/settings/tokens`);
  await page.getByLabel("Token name").fill(name);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByLabel("New API token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^bp_/);
  return token;
}

/** Direct SQL on the test server's embedded database, for seeding rows the UI cannot create yet. */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []) {
  // The embedded PostgreSQL requires the password the server generated into its data dir.
  const { EMBEDDED_PG_PASSWORD } = JSON.parse(readFileSync(path.join(process.env.E2E_DATA_DIR!, "secrets.json"), "utf8"));
  const client = new pg.Client({ connectionString: `postgres://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${E2E_PG_PORT}/postgres` });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Seeds one endpoint, model, job and extra datastore into a workspace; returns their names. */
export async function seedResources(slug: string) {
  const [ws] = await sql<{ id: string }>(`SELECT id FROM "Workspace" WHERE slug = $1`, [slug]);
  const id = (p: string) => `${p}${randomBytes(8).toString("hex")}`;
  const names = { endpoint: id("ep-"), model: id("model-"), job: id("job-"), datastore: id("ds_") };
  const endpointId = id("e");
  await sql(`INSERT INTO "Endpoint" (id, "workspaceId", name, "updatedAt") VALUES ($1, $2, $3, now())`, [
    endpointId,
    ws.id,
    names.endpoint,
  ]);
  await sql(`INSERT INTO "Model" (id, "workspaceId", name) VALUES ($1, $2, $3)`, [id("m"), ws.id, names.model]);
  await sql(
    `INSERT INTO "Job" (id, "workspaceId", name, "endpointId", "endpointName", "deploymentName", "deploymentVersion", inputs, settings, "outputPath", "outputFileName")
     VALUES ($1, $2, $3, $4, $5, 'blue', 1, ${SEEDED_JOB_SNAPSHOT_SQL}, 'datastores/workspaceblobstore/paths/out/', 'predictions.csv')`,
    [id("j"), ws.id, names.job, endpointId, names.endpoint],
  );
  await sql(
    `INSERT INTO "Datastore" (id, "workspaceId", name, auth, "containerName", "updatedAt") VALUES ($1, $2, $3, 'platform', $4, now())`,
    [id("d"), ws.id, names.datastore, `ws-${ws.id}`],
  );
  return names;
}

/** Seeds a workspace (when `slug` is new) and an API token with `role` in it; returns the token. */
export async function seedToken(slug: string, role: "owner" | "contributor" | "scientist" | "reader") {
  const { createHash } = await import("node:crypto");
  const token = `bp_seed_${randomBytes(16).toString("hex")}`;
  let [ws] = await sql<{ id: string }>(`SELECT id FROM "Workspace" WHERE slug = $1`, [slug]);
  if (!ws) {
    ws = { id: `w${randomBytes(10).toString("hex")}` };
    await sql(`INSERT INTO "Workspace" (id, slug, name, "updatedAt") VALUES ($1, $2, $3, now())`, [ws.id, slug, slug]);
  }
  await sql(`INSERT INTO "ApiToken" (id, "workspaceId", name, role, "tokenHash", prefix) VALUES ($1, $2, $3, $4, $5, $6)`, [
    `t${randomBytes(10).toString("hex")}`,
    ws.id,
    `seeded ${role}`,
    role,
    createHash("sha256").update(token).digest("hex"),
    token.slice(0, 10),
  ]);
  return token;
}

/** SQL literals for the `inputs, settings` columns of a seeded job, as invokeJob stores them (lib/jobs/sample-job-snapshot.ts). */
export const SEEDED_JOB_SNAPSHOT_SQL = SAMPLE_JOB_SNAPSHOT_SQL;
