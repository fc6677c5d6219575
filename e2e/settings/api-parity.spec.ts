import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "../support/test";
import { auth } from "../support/api";
import { seedToken, signUp, sql } from "../support/fixtures";
import { BASE_URL, BIN, type Result } from "../cli/support";

// What the dashboard does to webhooks and datastore files, done with the CLI (over the REST API) and seen in the dashboard.

// Each CLI run starts a Node process: on a loaded machine a dozen of them take a while.
test.setTimeout(180_000);

let home: string;
// e2e/support/global-setup.ts bundled the binary before any test: rebuilding it here rewrote cli/dist while other workers ran it.
test.beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), "batchpoint-parity-"));
});

function batchpoint(token: string, args: string[]): Promise<Result> {
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, "config"), BATCHPOINT_URL: BASE_URL, BATCHPOINT_TOKEN: token };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: home, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

test("the CLI sends a test event and redelivers it; the webhook's page shows both, the audit log names the token", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "cli-webhooks");
  const owner = await seedToken(slug, "owner");
  const scientist = await seedToken(slug, "scientist");
  const created = await request.post("/api/v1/webhooks", {
    headers: auth(owner),
    data: { direction: "outbound", name: "ci-notify", url: "https://example.com/hooks" },
  });
  expect(created.status(), await created.text()).toBe(201);
  // No internet here: a closed local port makes every delivery end at once with a stable, visible outcome.
  await sql(`UPDATE "Webhook" SET url = 'http://127.0.0.1:9/hooks' WHERE id = $1`, [(await created.json()).id]);

  const refused = await batchpoint(scientist, ["webhook", "test", "--name", "ci-notify"]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("does not allow webhook:");

  const sent = await batchpoint(owner, ["webhook", "test", "--name", "ci-notify"]);
  expect(sent.code, sent.stderr).toBe(0);
  expect(sent.stdout).toMatch(/Sent webhook\.test \(event evt_test_[0-9a-f]+\) to ci-notify/);
  const eventId = sent.stdout.match(/evt_test_[0-9a-f]+/)![0];

  await page.goto(`/w/${slug}/settings/webhooks`);
  await page.getByRole("link", { name: "ci-notify" }).click();
  const table = page.getByRole("table", { name: "Deliveries" });
  await expect(table.getByRole("row", { name: new RegExp(eventId) })).toContainText("failed");

  const listed = await batchpoint(owner, ["webhook", "deliveries", "--name", "ci-notify", "--json"]);
  expect(listed.code, listed.stderr).toBe(0);
  const deliveryId = (JSON.parse(listed.stdout) as { data: { id: string; eventId: string }[] }).data.find((d) => d.eventId === eventId)!.id;
  const again = await batchpoint(owner, ["webhook", "redeliver", "--name", "ci-notify", "--delivery", deliveryId]);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toContain(`Redelivered webhook.test (event ${eventId}) to ci-notify`);

  await page.reload();
  await expect(table.getByRole("row", { name: /redelivery 1/ })).toContainText("failed");
  await expect(table.getByRole("row", { name: new RegExp(eventId) })).toHaveCount(2);

  const unknown = await batchpoint(owner, ["webhook", "redeliver", "--name", "ci-notify", "--delivery", "no-such-delivery"]);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain("Delivery was not found.");

  await page.goto(`/w/${slug}/settings/audit`);
  const entry = page.getByRole("row", { name: /Sent a test event to the webhook/ });
  await expect(entry).toContainText("seeded owner");
  await expect(page.getByRole("row", { name: /seeded owner/ }).filter({ hasText: /redeliver/i })).toHaveCount(1);
});

test("the CLI deletes a file and a folder; the data browser no longer lists them, and the root is refused", async ({ page, request }) => {
  const { slug } = await signUp(page, "cli-delete");
  const contributor = await seedToken(slug, "contributor");
  for (const f of ["in/a.txt", "in/b.txt", "in/deep/c.txt", "in/deep/d.txt"]) {
    const put = await request.put(`/api/v1/datastores/workspaceblobstore/files/${f}`, {
      headers: { ...auth(contributor), "content-type": "text/plain" },
      data: `content of ${f}`,
    });
    expect(put.status(), await put.text()).toBe(201);
  }
  const listing = page.getByRole("list", { name: "Folder contents" });
  await page.goto(`/w/${slug}/datastores/workspaceblobstore?prefix=in/`);
  await expect(listing.getByRole("link", { name: "a.txt", exact: true })).toBeVisible();
  await expect(listing.getByRole("link", { name: /^deep/ })).toHaveCount(1);

  const root = await batchpoint(contributor, ["data", "delete", "--path", "/"]);
  expect(root.code).toBe(1);
  expect(root.stderr).toContain("error: The folder '/' is the datastore's root.");

  const done = await batchpoint(contributor, ["data", "delete", "--path", "in/a.txt", "--path", "in/deep/"]);
  expect(done.code, done.stderr).toBe(0);
  expect(done.stdout).toContain("Deleted 3 files from workspaceblobstore.");

  await page.reload();
  await expect(listing.getByRole("link", { name: "b.txt", exact: true })).toBeVisible();
  await expect(listing.getByRole("link", { name: "a.txt", exact: true })).toHaveCount(0);
  await expect(listing.getByRole("link", { name: /^deep/ })).toHaveCount(0);
});
