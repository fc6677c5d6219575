import { expect, test } from "../support/test";
import { signUp } from "../support/fixtures";

test("a missing resource in one's own workspace answers HTTP 404, and pages that exist answer 200", async ({ page }) => {
  const { slug } = await signUp(page, "status");
  const status = async (path: string) => (await page.request.get(path, { maxRedirects: 0 })).status();
  for (const path of ["endpoints", "jobs", "models", "datastores", "datastores/workspaceblobstore", "settings/members"]) {
    expect(await status(`/w/${slug}/${path}`), path).toBe(200);
  }
  for (const path of [
    "endpoints/nope",
    "endpoints/nope/invoke",
    "jobs/batchjob-20260101-deadbeef",
    "models/nope",
    "datastores/nope",
    "settings/webhooks/nope",
  ]) {
    expect(await status(`/w/${slug}/${path}`), path).toBe(404);
  }
});
