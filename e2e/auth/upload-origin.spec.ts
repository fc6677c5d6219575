import { expect, test } from "../support/test";
import { signUp } from "../support/fixtures";

// The server listens on 127.0.0.1 and its public URL says localhost: a browser at either address
// must be able to upload (the same-origin check compares the Origin with the host it addressed).
const PORT = Number(process.env.E2E_PORT || 3100);
test.use({ baseURL: `http://127.0.0.1:${PORT}` });

test("uploading a file at http://127.0.0.1:PORT succeeds", async ({ page }) => {
  const { slug } = await signUp(page, "loopback");
  expect(new URL(page.url()).host).toBe(`127.0.0.1:${PORT}`);
  await page.goto(`/w/${slug}/datastores/workspaceblobstore`);
  await expect(page.getByText("This folder is empty")).toBeVisible();
  await page
    .getByLabel("Upload files")
    .setInputFiles([{ name: "from-loopback.csv", mimeType: "text/csv", buffer: Buffer.from("x,y\n1,2\n") }]);
  await expect(page.getByText("Uploaded 1 file")).toBeVisible();
  await expect(page.getByText("Cross-site requests are refused.")).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Folder contents" }).getByText("from-loopback.csv")).toBeVisible();
});

test("a write from another site with the user's cookie is still refused", async ({ page }) => {
  const { slug } = await signUp(page, "csrf");
  const res = await page.request.put(`/w/${slug}/datastores/workspaceblobstore/files/evil.csv`, {
    headers: { origin: "http://evil.example", "content-type": "text/csv" },
    data: "x\n1\n",
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toBe("Cross-site requests are refused.");
  await page.goto(`/w/${slug}/datastores/workspaceblobstore`);
  await expect(page.getByText("This folder is empty")).toBeVisible();
});
