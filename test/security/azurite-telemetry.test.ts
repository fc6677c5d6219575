import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type EmbeddedAzurite, startAzurite } from "../../scripts/embedded/azurite";
import { tempDir } from "../scoring/helpers";

// Azurite collects usage telemetry for Microsoft unless told not to: it writes an instance id
// (AzuriteConfig) into its data folder at start and sends events over HTTPS (offline, it retries and
// spools them every few seconds). The embedded storage of a self-hosted product reports nothing.
const tmp = tempDir("azurite-telemetry");
let azurite: EmbeddedAzurite;

beforeAll(async () => {
  azurite = await startAzurite({ dataDir: path.join(tmp.dir, "azurite") });
});

afterAll(async () => {
  await azurite?.stop();
  tmp.cleanup();
});

it("the embedded Azurite serves blobs and keeps no telemetry identity in its data folder", async () => {
  const account = /AccountName=([^;]+)/.exec(azurite.connectionString)![1];
  const res = await fetch(`http://127.0.0.1:${azurite.port}/${account}?comp=list`);
  expect(res.status).toBeGreaterThan(0); // it answers (403 without a signature)
  const data = path.join(tmp.dir, "azurite");
  expect(readdirSync(data)).not.toContain("AzuriteConfig");
  expect(existsSync(path.join(data, "AzuriteConfig"))).toBe(false);
});
