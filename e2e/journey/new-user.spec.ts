import { readFile } from "node:fs/promises";
import { deflateSync } from "node:zlib";
import { expect, test } from "../support/test";
import { signUp } from "../support/fixtures";

const SCORE = `import os
import pandas as pd
from PIL import Image

def init():
    print("model ready")

def run(mini_batch):
    rows = []
    for path in mini_batch:
        img = Image.open(path)
        rows.append({"file": os.path.basename(path), "width": img.width, "mean": round(sum(img.getdata()) / (img.width * img.height), 1)})
    return pd.DataFrame(rows)
`;

// Tiny valid grayscale PNGs, made here so the test needs no data set.
function png(value: number): Buffer {
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
  ihdr.writeUInt32BE(4, 0);
  ihdr.writeUInt32BE(4, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const raw = Buffer.concat(Array.from({ length: 4 }, () => Buffer.from([0, value, value, value, value])));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

test("a new user uploads images, deploys a Python scorer, invokes it and collects the predictions, all in the browser", async ({
  page,
}) => {
  const { slug } = await signUp(page, "journey");

  // Upload a folder of real PNG files into workspaceblobstore.
  await page.getByRole("link", { name: "Datastores" }).click();
  await page.getByRole("link", { name: "workspaceblobstore" }).click();
  await page.getByLabel("Upload into folder").fill("digits/batch-1/");
  await page
    .getByLabel("Upload files")
    .setInputFiles(Array.from({ length: 8 }, (_, i) => ({ name: `img_${i}.png`, mimeType: "image/png", buffer: png(i * 10) })));
  await expect(page.getByText("Uploaded 8 files")).toBeVisible();

  await expect(page.getByRole("list", { name: "Folder contents" })).toContainText("digits/");

  // An endpoint and a deployment with the form.
  await page.getByRole("link", { name: "Endpoints" }).click();
  await page.getByRole("link", { name: "New endpoint" }).first().click();
  // Type only once the form has hydrated: text typed earlier is reset by hydration.
  await page.waitForURL(/\/endpoints\/new$/);
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Name").fill("digits");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await page.getByRole("link", { name: "digits" }).click();
  await page.getByRole("link", { name: "Add deployment" }).click();
  await page.getByLabel("Name", { exact: true }).fill("pil-v1");
  await page.getByLabel("Interpreter").fill("/usr/bin/python3");
  await page.getByLabel("Scoring code files").setInputFiles({ name: "score.py", mimeType: "text/x-python", buffer: Buffer.from(SCORE) });
  await page.getByLabel("Mini-batch size").fill("3");
  await page.getByRole("button", { name: "Create deployment" }).click();
  await expect(page.getByRole("row", { name: /pil-v1/ })).toContainText("default");

  // Pick the uploaded folder in the data browser, invoke over it, and land on the job page, which follows the job live.
  await page.getByRole("link", { name: "Datastores" }).click();
  await page.getByRole("link", { name: "workspaceblobstore" }).click();
  // Each folder page has the same invoke bar, so wait for the folder to change before using it:
  // acting during the client-side navigation would invoke over the previous folder.
  await page.getByRole("link", { name: /digits\// }).click();
  await expect(page.getByText("datastores/workspaceblobstore/paths/digits/", { exact: true })).toBeVisible();
  await page.getByRole("link", { name: /batch-1\// }).click();
  await expect(page.getByText("datastores/workspaceblobstore/paths/digits/batch-1/", { exact: true })).toBeVisible();
  await page.getByLabel("Endpoint to invoke").selectOption("digits");
  await page.getByRole("link", { name: "Invoke over this folder" }).click();
  await expect(page.getByLabel("Input path")).toHaveValue("datastores/workspaceblobstore/paths/digits/batch-1/");
  await page.getByRole("button", { name: "Start job" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/jobs/batchjob-`));
  await expect(page.getByRole("status", { name: "Job status" })).toHaveText("completed", { timeout: 60_000 });
  await expect(page.getByRole("progressbar", { name: "Job progress" })).toHaveAttribute("aria-valuenow", "100");

  // Preview and download the predictions: a header once, rows in input order.
  const preview = page.getByRole("table", { name: "Output preview" });
  await expect(preview.getByRole("columnheader")).toHaveText(["file", "width", "mean"]);
  await expect(preview.getByRole("row").nth(1)).toHaveText("img_0.png40.0");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Download predictions/ }).click()]);
  const csv = (await readFile((await download.path())!, "utf8")).trim().split("\n");
  expect(csv).toEqual(["file,width,mean", ...Array.from({ length: 8 }, (_, i) => `img_${i}.png,4,${(i * 10).toFixed(1)}`)]);

  // The endpoints table shows the last job's status.
  await page.getByRole("link", { name: "Endpoints" }).click();
  await expect(page.getByRole("row", { name: /digits/ }).getByRole("link", { name: "Last job: completed" })).toBeVisible();
});
