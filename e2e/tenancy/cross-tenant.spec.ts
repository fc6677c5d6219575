import { expect, test } from "../support/test";
import { createToken, seedResources, signUp } from "../support/fixtures";

test("a member of one workspace gets 404 for every page of another workspace", async ({ page, browser }) => {
  const { slug: slugA } = await signUp(page, "tenant-a");
  const seeded = await seedResources(slugA);
  await page.goto(`/w/${slugA}/datastores/${seeded.datastore}`);
  await expect(page.getByRole("heading", { name: seeded.datastore })).toBeVisible();

  const other = await (await browser.newContext()).newPage();
  await signUp(other, "tenant-b");
  for (const path of [
    "endpoints",
    "jobs",
    "models",
    "datastores",
    `datastores/${seeded.datastore}`,
    "datastores/workspaceblobstore",
    "settings",
    "settings/members",
    "settings/tokens",
    "settings/audit",
  ]) {
    const res = await other.goto(`/w/${slugA}/${path}`);
    expect(res?.status(), path).toBe(404);
    await expect(other.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
});

test("an API token of one workspace gets 404 for another workspace's resources", async ({ page, browser, request }) => {
  const { slug: slugA } = await signUp(page, "api-a");
  const seeded = await seedResources(slugA);
  const tokenA = await createToken(page, slugA, "a", "reader");

  const other = await (await browser.newContext()).newPage();
  const { slug: slugB } = await signUp(other, "api-b");
  const tokenB = await createToken(other, slugB, "b", "owner");

  const paths = [
    `/api/v1/endpoints/${seeded.endpoint}`,
    `/api/v1/models/${seeded.model}`,
    `/api/v1/jobs/${seeded.job}`,
    `/api/v1/datastores/${seeded.datastore}`,
  ];
  for (const path of paths) {
    const own = await request.get(path, { headers: { authorization: `Bearer ${tokenA}` } });
    expect(own.status(), `${path} with its own workspace's token`).toBe(200);
    const foreign = await request.get(path, { headers: { authorization: `Bearer ${tokenB}` } });
    expect(foreign.status(), `${path} with another workspace's token`).toBe(404);
    expect((await foreign.json()).error.code).toBe("NOT_FOUND");
  }
  for (const list of ["/api/v1/endpoints", "/api/v1/models", "/api/v1/jobs"]) {
    const body = await (await request.get(list, { headers: { authorization: `Bearer ${tokenB}` } })).json();
    expect(body.count, list).toBe(0);
  }
  const forbidden = await request.get("/api/v1/audit-events", { headers: { authorization: `Bearer ${tokenA}` } });
  expect(forbidden.status(), "a reader token reading the owners' audit log").toBe(403);
  expect((await forbidden.json()).error.message).toContain("reader");

  const stores = await (await request.get("/api/v1/datastores", { headers: { authorization: `Bearer ${tokenB}` } })).json();
  expect(stores.data.map((d: { name: string }) => d.name)).toEqual(["workspaceblobstore"]);
});
