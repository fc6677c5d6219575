import { expect, test } from "../support/test";
import { auth, seedEndpoint, waitForJob } from "../support/api";
import { expectAccessible } from "../support/axe";
import { createToken, signUp } from "../support/fixtures";

const FAILING = `def init():
    pass

def run(mini_batch):
    raise ValueError("this model refuses every file")
`;

test.setTimeout(600_000);

test("every page of the journey has no serious or critical axe-core violations, at desktop and tablet widths", async ({
  page,
  request,
  browser,
}) => {
  const { slug } = await signUp(page, "a11y");
  const token = await createToken(page, slug, "a11y-token", "owner");
  for (let i = 0; i < 3; i++) {
    expect(
      (
        await request.put(`/api/v1/datastores/workspaceblobstore/files/a11y/in/${i}.txt`, { headers: auth(token), data: `file ${i}` })
      ).status(),
    ).toBe(201);
  }
  await seedEndpoint(request, token, "a11y-ep");
  await seedEndpoint(request, token, "a11y-fails", "blue", {
    code: { files: { "score.py": FAILING } },
    settings: { retrySettings: { maxRetries: 0 } },
  });
  const invoke = async (ep: string) => {
    const r = await request.post(`/api/v1/endpoints/${ep}/jobs`, {
      headers: auth(token),
      data: { input: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/a11y/in/" } },
    });
    expect(r.status(), await r.text()).toBeLessThan(300);
    return (await r.json()).name as string;
  };
  const ok = await invoke("a11y-ep");
  const bad = await invoke("a11y-fails");
  await waitForJob(request, token, ok);
  await waitForJob(request, token, bad);
  const model = await request.post("/api/v1/models", {
    headers: auth(token),
    multipart: { name: "a11y-model", files: { name: "weights.bin", mimeType: "application/octet-stream", buffer: Buffer.from([1, 2, 3]) } },
  });
  expect(model.status()).toBe(201);

  const pages = [
    "endpoints",
    "endpoints/new",
    "endpoints/a11y-ep",
    "endpoints/a11y-ep/invoke",
    "endpoints/a11y-ep/deployments/new",
    "endpoints/a11y-ep/deployments/blue",
    "endpoints/a11y-ep/deployments/blue/edit",
    "jobs",
    `jobs/${ok}`,
    `jobs/${bad}`,
    "models",
    "models/new",
    "models/a11y-model",
    "datastores",
    "datastores/new",
    "datastores/workspaceblobstore",
    "settings",
    "settings/members",
    "settings/tokens",
    "settings/webhooks",
    "settings/audit",
  ];
  // Each page is loaded once and checked at both widths: the layout follows the width through CSS
  // media queries alone (no component reads the viewport size), so resizing the loaded page shows
  // what a fresh load at that width shows, without a second server render and hydration per page.
  const sizes = [
    { width: 1440, height: 900 },
    { width: 820, height: 1180 },
  ];
  for (const path of pages) {
    await page.setViewportSize(sizes[0]);
    await page.goto(`/w/${slug}/${path}`);
    for (const size of sizes) {
      await page.setViewportSize(size);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectAccessible(page, `${path} at ${size.width}px`);
    }
  }

  // The open workspace menu and the log drawer too.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/w/${slug}/endpoints`);
  await page.getByRole("button", { name: /Workspace:/ }).click();
  await expect(page.getByRole("menu")).toBeVisible();
  await expectAccessible(page, "workspace menu");

  await page.goto(`/w/${slug}/jobs/${bad}`);
  await page
    .getByRole("button", { name: /^Logs of mini-batch / })
    .first()
    .click();
  await expect(page.getByRole("dialog", { name: /^Mini-batch \d+ logs$/ })).toBeVisible();
  await expectAccessible(page, "log drawer");

  for (const path of ["/sign-in", "/sign-up"]) {
    const context = await browser.newContext();
    const anon = await context.newPage();
    await anon.goto(path);
    await expectAccessible(anon, path);
    await context.close();
  }
});

test("closing the log drawer returns focus to the button that opened it, and a skip link jumps to the content", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "drawer");
  const token = await createToken(page, slug, "drawer-token", "owner");
  expect(
    (await request.put(`/api/v1/datastores/workspaceblobstore/files/drawer/in/a.txt`, { headers: auth(token), data: "a" })).status(),
  ).toBe(201);
  await seedEndpoint(request, token, "drawer-ep");
  const r = await request.post(`/api/v1/endpoints/drawer-ep/jobs`, {
    headers: auth(token),
    data: { input: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/drawer/in/" } },
  });
  const name = (await r.json()).name as string;
  await waitForJob(request, token, name);

  await page.goto(`/w/${slug}/jobs/${name}`);
  const trigger = page.getByRole("button", { name: /^Logs of mini-batch / }).first();
  await trigger.click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(trigger).toBeFocused();

  await trigger.click();
  await page.getByRole("button", { name: "Close logs" }).click();
  await expect(trigger).toBeFocused();

  // The first Tab of a page reaches "Skip to content"; following it puts focus on the main region.
  await page.goto(`/w/${slug}/endpoints`);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
});
