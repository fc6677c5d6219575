import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { deflateSync } from "node:zlib";
import { unzipSync } from "fflate";
import { type APIRequestContext, expect, type Page, test } from "../support/test";
import { auth } from "../support/api";
import { expectAccessible } from "../support/axe";
import { seedToken, signUp, sql } from "../support/fixtures";

// A tiny valid 3x2 grayscale PNG, made here so the test needs no data set.
function png(): Buffer {
  const crc = (buf: Buffer) => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(3, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8;
  const raw = Buffer.from([0, 10, 120, 250, 0, 250, 120, 10]);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function put(request: APIRequestContext, token: string, files: Record<string, string | Buffer>) {
  for (const [path, data] of Object.entries(files))
    expect((await request.put(`/api/v1/datastores/workspaceblobstore/files/${path}`, { headers: auth(token), data })).status()).toBe(201);
}

async function downloaded(page: Page, click: () => Promise<void>) {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  return { name: download.suggestedFilename(), bytes: await readFile((await download.path())!) };
}

const folder = (page: Page) => page.getByRole("list", { name: "Folder contents" });
/** The row of one file or folder: its actions are named by their verb and described by the item's name. */
const row = (page: Page, name: string) =>
  folder(page)
    .getByRole("listitem")
    .filter({ has: page.getByRole("link", { name, exact: true }) });

test("open previews text, CSV and images, and downloads everything else", async ({ page, request }) => {
  const { slug } = await signUp(page, "browse");
  const token = await seedToken(slug, "owner");
  const blob = randomBytes(64);
  await put(request, token, {
    "look/photo.png": png(),
    "look/claims.csv": 'id,amount,note\n1,10,"a, quoted"\n2,20,plain\n',
    "look/readme.txt": "Read me first.\nSecond line.",
    "look/model.bin": blob,
  });
  await page.goto(`/w/${slug}/datastores/workspaceblobstore?prefix=look/`);
  await expectAccessible(page, "data browser folder");

  await folder(page).getByRole("link", { name: "photo.png", exact: true }).click();
  await expect(page.getByRole("heading", { name: "photo.png" })).toBeVisible();
  const img = page.getByRole("img", { name: "Preview of photo.png" });
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(3);
  await expectAccessible(page, "image preview");

  await page.getByRole("link", { name: "Back to look/" }).click();
  await folder(page).getByRole("link", { name: "claims.csv", exact: true }).click();
  const table = page.getByRole("region", { name: "CSV preview" }).getByRole("table");
  await expect(table.getByRole("columnheader")).toHaveText(["id", "amount", "note"]);
  await expect(table.getByRole("row").nth(1)).toHaveText(/1\s*10\s*a, quoted/);
  await expectAccessible(page, "CSV preview");

  await page.getByRole("link", { name: "Back to look/" }).click();
  await folder(page).getByRole("link", { name: "readme.txt", exact: true }).click();
  await expect(page.getByRole("region", { name: "File contents" })).toHaveText("Read me first.\nSecond line.");
  const viaPage = await downloaded(page, () => page.getByRole("link", { name: "Download", exact: true }).click());
  expect(viaPage).toMatchObject({ name: "readme.txt" });
  expect(viaPage.bytes.toString()).toBe("Read me first.\nSecond line.");
  await expectAccessible(page, "text preview");

  // No preview for a binary file: its name downloads it, byte for byte.
  await page.getByRole("link", { name: "Back to look/" }).click();
  const bin = await downloaded(page, () => folder(page).getByRole("link", { name: "model.bin", exact: true }).click());
  expect(bin.name).toBe("model.bin");
  expect(bin.bytes.equals(blob)).toBe(true);
  const viaRow = await downloaded(page, () => row(page, "claims.csv").getByRole("link", { name: "Download" }).click());
  expect(viaRow.bytes.toString()).toContain('"a, quoted"');
  await expect(row(page, "claims.csv").getByRole("link", { name: "Download" })).toHaveAccessibleDescription("claims.csv");
});

test("delete asks first in the page, says what goes, and removes a file and a whole folder", async ({ page, request }) => {
  const { slug } = await signUp(page, "deleter");
  const token = await seedToken(slug, "owner");
  await put(request, token, { "keep.txt": "k", "gone.txt": "g", "old/a.txt": "a", "old/deep/b.txt": "b", "stay/c.txt": "c" });
  await page.goto(`/w/${slug}/datastores/workspaceblobstore`);

  const trigger = row(page, "gone.txt").getByRole("button", { name: "Delete" });
  await trigger.click();
  const dialog = page.getByRole("dialog", { name: "Delete file gone.txt?" });
  await expect(dialog).toContainText("gone.txt is deleted from workspaceblobstore. This cannot be undone.");
  await expect(dialog.getByRole("button", { name: "Keep file" })).toBeFocused();
  await expectAccessible(page, "delete confirmation");
  await dialog.getByRole("button", { name: "Keep file" }).click();
  await expect(dialog).toBeHidden();
  await expect(trigger).toBeFocused();
  await expect(folder(page).getByText("gone.txt")).toBeVisible();

  await trigger.click();
  await dialog.getByRole("button", { name: "Delete file" }).click();
  await expect(page.getByText("Deleted 1 file")).toBeVisible();
  await expect(folder(page).getByText("gone.txt")).toHaveCount(0);
  expect((await request.get("/api/v1/datastores/workspaceblobstore/files/gone.txt", { headers: auth(token) })).status()).toBe(404);

  await row(page, "old/").getByRole("button", { name: "Delete" }).click();
  const folderDialog = page.getByRole("dialog", { name: "Delete folder old/?" });
  await expect(folderDialog).toContainText("old/ and every file in it are deleted from workspaceblobstore.");
  await folderDialog.getByRole("button", { name: "Delete folder" }).click();
  await expect(page.getByText("Deleted 2 files")).toBeVisible();
  await expect(folder(page).getByRole("link", { name: "old/", exact: true })).toHaveCount(0);
  await expect(folder(page).getByRole("link", { name: "stay/", exact: true })).toBeVisible();
  await expect(folder(page).getByText("keep.txt")).toBeVisible();

  // The audit log names what was deleted.
  const audit = await sql<{ metadata: { selected: string[]; files: number } }>(
    `SELECT a.metadata FROM "AuditEvent" a JOIN "Workspace" w ON w.id = a."workspaceId" WHERE w.slug = $1 AND a.action = 'datastore.files_deleted' ORDER BY a."createdAt"`,
    [slug],
  );
  expect(audit.map((a) => a.metadata)).toEqual([
    { datastore: "workspaceblobstore", selected: ["gone.txt"], files: 1 },
    { datastore: "workspaceblobstore", selected: ["old/"], files: 2 },
  ]);
});

test("select several: download them as one zip, then delete them together", async ({ page, request }) => {
  const { slug } = await signUp(page, "multi");
  const token = await seedToken(slug, "owner");
  await put(request, token, { "set/one.txt": "1", "set/two.txt": "2", "set/sub/three.txt": "3", "set/other.txt": "o" });
  await page.goto(`/w/${slug}/datastores/workspaceblobstore?prefix=set/`);

  await folder(page).getByRole("checkbox", { name: "Select one.txt" }).check();
  await folder(page).getByRole("checkbox", { name: "Select sub/" }).check();
  await expect(page.getByRole("group", { name: "Selected items" })).toContainText("2 selected");
  await expectAccessible(page, "data browser with a selection");
  const zip = await downloaded(page, () => page.getByRole("button", { name: "Download selected" }).click());
  const entries = unzipSync(new Uint8Array(zip.bytes));
  expect(Object.keys(entries).sort()).toEqual(["one.txt", "sub/three.txt"]);
  expect(Buffer.from(entries["sub/three.txt"]).toString()).toBe("3");

  await page.getByRole("button", { name: "Delete selected" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete 2 items?" });
  await expect(dialog).toContainText("1 file and 1 folder (with everything in them) are deleted from workspaceblobstore.");
  await dialog.getByRole("button", { name: "Delete 2 items" }).click();
  await expect(page.getByText("Deleted 2 files")).toBeVisible();
  await expect(folder(page).getByRole("checkbox")).toHaveCount(2); // two.txt and other.txt
  await expect(page.getByRole("group", { name: "Selected items" })).toHaveCount(0);

  // Select all, then a folder as a zip from its own row.
  await page.getByLabel("Select all").check();
  await expect(page.getByRole("group", { name: "Selected items" })).toContainText("2 selected");
  await page.goto(`/w/${slug}/datastores/workspaceblobstore`);
  const set = await downloaded(page, () => row(page, "set/").getByRole("link", { name: "Download zip" }).click());
  expect(set.name).toBe("set.zip");
  expect(Object.keys(unzipSync(new Uint8Array(set.bytes))).sort()).toEqual(["set/other.txt", "set/two.txt"]);
});

test("a reader can open and download but not delete, and a stale delete button is refused by the server", async ({ browser, request }) => {
  const ownerPage = await (await browser.newContext()).newPage();
  const { slug } = await signUp(ownerPage, "dataowner");
  const token = await seedToken(slug, "owner");
  await put(request, token, { "shared/report.txt": "numbers" });

  const page = await (await browser.newContext()).newPage();
  const { email } = await signUp(page, "datareader");
  const [{ id: userId }] = await sql<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [email]);
  const [{ id: workspaceId }] = await sql<{ id: string }>(`SELECT id FROM "Workspace" WHERE slug = $1`, [slug]);
  await sql(`INSERT INTO "Membership" (id, "workspaceId", "userId", role) VALUES ($1, $2, $3, 'reader')`, [
    `m${randomBytes(8).toString("hex")}`,
    workspaceId,
    userId,
  ]);
  await page.goto(`/w/${slug}/datastores/workspaceblobstore?prefix=shared/`);
  await expect(row(page, "report.txt").getByRole("link", { name: "Download" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Delete/ })).toHaveCount(0);
  await folder(page).getByRole("link", { name: "report.txt", exact: true }).click();
  await expect(page.getByRole("region", { name: "File contents" })).toHaveText("numbers");
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);

  // A contributor's page, open while the role drops to reader: the server still says no, and nothing goes.
  await sql(`UPDATE "Membership" SET role = 'contributor' WHERE "workspaceId" = $1 AND "userId" = $2`, [workspaceId, userId]);
  await page.goto(`/w/${slug}/datastores/workspaceblobstore?prefix=shared/`);
  await sql(`UPDATE "Membership" SET role = 'reader' WHERE "workspaceId" = $1 AND "userId" = $2`, [workspaceId, userId]);
  await row(page, "report.txt").getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete file" }).click();
  await expect(page.getByText(/Your role \(reader\) does not allow this/)).toBeVisible();
  expect((await request.get("/api/v1/datastores/workspaceblobstore/files/shared/report.txt", { headers: auth(token) })).status()).toBe(200);
});

test("uploading says where the files go, and follows the folder being browsed", async ({ page, request }) => {
  const { slug } = await signUp(page, "intofolder");
  const token = await seedToken(slug, "owner");
  await put(request, token, { "existing/x.txt": "x" });
  await page.goto(`/w/${slug}/datastores/workspaceblobstore`);
  await expect(page.getByText("Files go into the top level of workspaceblobstore")).toBeVisible();
  await page.getByLabel("Upload into folder").fill("batches/2026-12");
  await expect(page.getByText("Files go into batches/2026-12/ of workspaceblobstore")).toBeVisible();
  await page.getByLabel("Upload files").setInputFiles([{ name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("a") }]);
  await expect(page.getByText("Uploaded 1 file into batches/2026-12/")).toBeVisible();
  await expect(folder(page).getByRole("link", { name: "batches/", exact: true })).toBeVisible();
  // Opening a folder makes it the upload target: the field never names a folder other than the one it will use.
  await folder(page).getByRole("link", { name: "existing/", exact: true }).click();
  await expect(page.getByLabel("Upload into folder")).toHaveValue("existing/");
  await expect(page.getByText("Files go into existing/ of workspaceblobstore")).toBeVisible();
});
