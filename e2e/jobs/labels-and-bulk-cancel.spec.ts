import { expect, test } from "../support/test";
import { auth, seedEndpoint } from "../support/api";
import { expectAccessible } from "../support/axe";
import { createToken, signUp } from "../support/fixtures";

// Scores nothing for ten minutes: its jobs stay running until they are canceled.
const SLOW = `import time

def init():
    pass

def run(mini_batch):
    time.sleep(600)
    return []
`;

test.setTimeout(300_000);

test("display names and tags set at invoke (form and REST) are shown and searchable, and bulk cancel stops the selected jobs only", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "bulk");
  const token = await createToken(page, slug, "bulk-token", "owner");
  expect(
    (await request.put("/api/v1/datastores/workspaceblobstore/files/bulk/in/a.txt", { headers: auth(token), data: "a" })).status(),
  ).toBe(201);
  await seedEndpoint(request, token, "slow-ep", "blue", {
    code: { files: { "score.py": SLOW } },
    settings: { retrySettings: { maxRetries: 0, timeout: 900 } },
  });
  const input = { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/bulk/in/" };

  // Over REST: a display name and tags; bad tags are refused with the field named, and nothing starts.
  const bad = await request.post("/api/v1/endpoints/slow-ep/jobs", { headers: auth(token), data: { input, tags: { "bad key": "x" } } });
  expect(bad.status()).toBe(400);
  expect(await bad.text()).toContain("Tag names use letters");
  const invoke = async (data: Record<string, unknown>) => {
    const r = await request.post("/api/v1/endpoints/slow-ep/jobs", { headers: auth(token), data: { input, ...data } });
    expect(r.status(), await r.text()).toBeLessThan(300);
    return (await r.json()) as { name: string };
  };
  const a = await invoke({ displayName: "Nightly fraud scoring", tags: { team: "risk", run: "nightly" } });
  expect(await (await request.get(`/api/v1/jobs/${a.name}`, { headers: auth(token) })).json()).toMatchObject({
    displayName: "Nightly fraud scoring",
    tags: { team: "risk", run: "nightly" },
  });
  const b = await invoke({ tags: { team: "growth" } });

  // From the form.
  await page.goto(`/w/${slug}/endpoints/slow-ep/invoke`);
  await page.getByLabel("Input path").fill("azureml://datastores/workspaceblobstore/paths/bulk/in/");
  await page.getByLabel("Display name (optional)").fill("Ad-hoc backfill");
  await page.getByLabel("Tags (optional)").fill("team=risk, ticket=BP-7");
  await page.getByRole("button", { name: "Start job" }).click();
  await page.waitForURL(/\/jobs\/batchjob-/);
  const c = page.url().split("/jobs/")[1];

  await page.goto(`/w/${slug}/jobs`);
  const table = page.getByRole("table", { name: "Jobs" });
  const rowOf = (name: string) => table.getByRole("row", { name: new RegExp(name) });
  await expect(rowOf(a.name)).toContainText("Nightly fraud scoring");
  await expect(rowOf(a.name).getByRole("list", { name: `Tags of ${a.name}` })).toContainText("team=risk");
  await expect(rowOf(c)).toContainText("Ad-hoc backfill");
  await expect(rowOf(c)).toContainText("ticket=BP-7");

  // Search finds display names; a tag=value search, or a click on a tag, finds the jobs carrying it.
  await page.getByLabel("Search jobs by name").fill("fraud");
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(rowOf(a.name)).toBeVisible();
  await page.getByLabel("Search jobs by name").fill("team=risk");
  await expect(table.getByRole("row")).toHaveCount(3);
  await expect(rowOf(b.name)).toHaveCount(0);
  await page.getByLabel("Search jobs by name").fill("");
  await expect(table.getByRole("row")).toHaveCount(4);
  await rowOf(b.name).getByRole("link", { name: "team=growth" }).click();
  await expect(page).toHaveURL(/tag=team%3Dgrowth/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(page.getByText("Tagged team=growth")).toBeVisible();

  // Bulk cancel: select two of the three running jobs, confirm in the dialog, and only those end canceled.
  await page.goto(`/w/${slug}/jobs`);
  for (const name of [a.name, b.name, c]) await expect(rowOf(name).getByRole("checkbox", { name: `Select ${name}` })).toBeVisible();
  await rowOf(a.name)
    .getByRole("checkbox", { name: `Select ${a.name}` })
    .check();
  await rowOf(c)
    .getByRole("checkbox", { name: `Select ${c}` })
    .check();
  await expect(page.getByText("2 selected", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Cancel 2 selected" }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel 2 jobs?" });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, "bulk cancel dialog");
  await dialog.getByRole("button", { name: "Cancel 2 jobs" }).click();
  await expect(page.getByText("Canceling 2 jobs")).toBeVisible();
  await expect(rowOf(a.name)).toContainText("canceled");
  await expect(rowOf(c)).toContainText("canceled");
  await expect(rowOf(a.name).getByRole("checkbox")).toHaveCount(0);
  await expect(rowOf(b.name)).not.toContainText("canceled");
  await expect(rowOf(b.name).getByRole("checkbox", { name: `Select ${b.name}` })).toBeVisible();

  // The audit log names each cancel by job.
  await page.goto(`/w/${slug}/settings/audit?action=job.cancel_requested`);
  await expect(page.getByRole("table", { name: "Audit log" }).getByRole("row")).toHaveCount(3);
  await expect(page.getByRole("link", { name: `Nightly fraud scoring (${a.name})` })).toBeVisible();

  // Leave nothing sleeping on the machine.
  expect((await request.post(`/api/v1/jobs/${b.name}/cancel`, { headers: auth(token) })).status()).toBeLessThan(300);
});
