import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../../playwright.config";
import { pollJob } from "../support/api";
import { seedToken } from "../support/fixtures";

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const owner = auth(E2E_ADMIN_TOKEN);
const SCORE = `
import os
import pandas as pd
def init():
    print("model loaded")
def run(batch):
    return pd.DataFrame([{"file": os.path.basename(p), "length": len(open(p).read())} for p in batch])
`;

const waitFor = (request: APIRequestContext, name: string, statuses?: string[]) => pollJob(request, owner, name, statuses);

test.describe.configure({ mode: "serial" });

test("the whole journey over REST: endpoint, files, deployment, model, invoke, progress, outputs", async ({ request }) => {
  const ep = `api-ep-${Date.now().toString(36)}`;
  expect(
    (
      await request.post("/api/v1/endpoints", { headers: owner, data: { name: ep, description: "API test", tags: { team: "qa" } } })
    ).status(),
  ).toBe(201);

  const dup = await request.post("/api/v1/endpoints", { headers: owner, data: { name: ep } });
  expect(dup.status()).toBe(409);
  expect((await dup.json()).error.details.fieldErrors.name[0]).toContain("already exists");
  const bad = await request.post("/api/v1/endpoints", { headers: owner, data: { name: "9 bad" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.details.fieldErrors.name[0]).toBe(
    "Use 3-32 characters: letters, digits and dashes, starting with a letter.",
  );
  expect((await request.post("/api/v1/endpoints", { headers: owner, data: "{not json" })).status()).toBe(400);

  for (let i = 0; i < 12; i++) {
    const put = await request.put(`/api/v1/datastores/workspaceblobstore/files/${ep}/in/f${String(i).padStart(2, "0")}.txt`, {
      headers: { ...owner, "content-type": "text/plain" },
      data: "x".repeat(i + 1),
    });
    expect(put.status()).toBe(201);
  }
  const listing = await (await request.get(`/api/v1/datastores/workspaceblobstore/files?prefix=${ep}/in/`, { headers: owner })).json();
  expect(listing.files).toHaveLength(12);
  expect(await (await request.get(`/api/v1/datastores/workspaceblobstore/files/${ep}/in/f02.txt`, { headers: owner })).text()).toBe("xxx");
  expect((await request.put(`/api/v1/datastores/workspaceblobstore/files/${ep}/..%2Fx`, { headers: owner, data: "x" })).status()).toBe(400);

  const model = await request.post("/api/v1/models", {
    headers: owner,
    multipart: {
      name: `${ep}-model`,
      files: { name: "weights.bin", mimeType: "application/octet-stream", buffer: Buffer.from([1, 2, 3]) },
    },
  });
  expect(model.status()).toBe(201);
  expect(await model.json()).toMatchObject({ version: "1", files: 1, sizeBytes: 3 });
  expect((await request.get(`/api/v1/models/${ep}-model/versions/1`, { headers: owner })).status()).toBe(200);

  const dep = await request.post(`/api/v1/endpoints/${ep}/deployments`, {
    headers: owner,
    data: {
      name: "blue",
      model: `${ep}-model:1`,
      runtime: "python",
      interpreter: "/usr/bin/python3",
      code: { files: { "score.py": SCORE } },
      scoringScript: "score.py",
      settings: { miniBatchSize: 5, environmentVariables: { API_KEY: "hunter2", MODE: "fast" } },
    },
  });
  expect(dep.status()).toBe(201);
  const depBody = await dep.json();
  expect(depBody).toMatchObject({
    name: "blue",
    isDefault: true,
    model: `${ep}-model:1`,
    settings: { miniBatchSize: 5, retrySettings: { maxRetries: 3, timeout: 30 } },
  });
  expect(depBody.settings.environmentVariables).toEqual({ API_KEY: "********", MODE: "fast" });
  const badDep = await request.post(`/api/v1/endpoints/${ep}/deployments`, {
    headers: owner,
    data: { name: "green", code: { files: { "score.py": "" } }, scoringScript: "main.py", settings: { miniBatchSize: 0 } },
  });
  expect(badDep.status()).toBe(400);
  const fe = (await badDep.json()).error.details.fieldErrors;
  expect(fe["settings.miniBatchSize"]).toEqual(["Use at least 1 file per mini-batch."]);
  expect(fe.scoringScript[0]).toContain("'main.py' is not among the uploaded code files");

  const invokeBody = {
    input: { type: "uri_folder", path: `azureml://datastores/workspaceblobstore/paths/${ep}/in/` },
    idempotencyKey: `${ep}-run-1`,
  };
  const invoked = await request.post(`/api/v1/endpoints/${ep}/jobs`, { headers: owner, data: invokeBody });
  expect(invoked.status()).toBe(202);
  const { name, links } = await invoked.json();
  expect(links.self).toContain(`/api/v1/jobs/${name}`);
  const again = await request.post(`/api/v1/endpoints/${ep}/jobs`, { headers: owner, data: invokeBody });
  expect(await again.json()).toMatchObject({ name, created: false });

  const job = await waitFor(request, name);
  expect(job).toMatchObject({
    status: "completed",
    progress: { percent: 100, files: { total: 12, completed: 12, failed: 0 }, miniBatches: { total: 3 } },
  });
  expect(job.settings.environmentVariables.API_KEY).toBe("********");

  const csv = (await (await request.get(`/api/v1/jobs/${name}/output`, { headers: owner })).text()).trim().split("\n");
  expect(csv[0]).toBe("file,length");
  expect(csv.slice(1)).toEqual(Array.from({ length: 12 }, (_, i) => `f${String(i).padStart(2, "0")}.txt,${i + 1}`));
  expect(await (await request.get(`/api/v1/jobs/${name}/errors`, { headers: owner })).text()).toBe("");
  expect(await (await request.get(`/api/v1/jobs/${name}/summary`, { headers: owner })).json()).toMatchObject({ status: "completed" });
  const mbs = await (await request.get(`/api/v1/jobs/${name}/mini-batches?status=completed`, { headers: owner })).json();
  expect(mbs.count).toBe(3);
  // init() prints once per worker: into the log of whichever mini-batch started that worker.
  expect(await (await request.get(`/api/v1/jobs/${name}/logs`, { headers: owner })).text()).toContain("model loaded");
  expect(await (await request.get(`/api/v1/jobs/${name}/logs?miniBatch=0`, { headers: owner })).text()).toMatch(
    /^=== mini-batch 0 \(completed, attempt 1\)/,
  );

  const listed = await (await request.get(`/api/v1/jobs?endpoint=${ep}&status=completed`, { headers: owner })).json();
  expect(listed.data.map((j: { name: string }) => j.name)).toEqual([name]);

  const out = `datastores/workspaceblobstore/paths/${ep}/out/`;
  expect(
    (
      await request.post(`/api/v1/endpoints/${ep}/jobs`, {
        headers: owner,
        data: { ...invokeBody, idempotencyKey: undefined, output: { path: out } },
      })
    ).status(),
  ).toBe(202);
  await new Promise((r) => setTimeout(r, 100));
  let conflict;
  for (let i = 0; i < 100; i++) {
    conflict = await request.post(`/api/v1/endpoints/${ep}/jobs`, {
      headers: owner,
      data: { ...invokeBody, idempotencyKey: undefined, output: { path: out } },
    });
    if (conflict.status() === 409) break;
    await waitFor(request, (await conflict.json()).name);
  }
  expect(conflict!.status()).toBe(409);
  // The folder is claimed by the first job that wrote there (one output location, one job).
  expect((await conflict!.json()).error.message).toMatch(
    new RegExp(
      `^The output folder ${out.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} belongs to job batchjob-\\d{8}-[0-9a-f]{8}\\. Choose another output path, or pass overwrite: true to take it over\\.$`,
    ),
  );

  const patched = await request.patch(`/api/v1/endpoints/${ep}`, {
    headers: owner,
    data: { description: "changed", defaults: { deploymentName: "nope" } },
  });
  expect(patched.status()).toBe(404);
  expect((await request.delete(`/api/v1/endpoints/${ep}`, { headers: owner })).status()).toBe(204);
  expect((await request.get(`/api/v1/jobs/${name}`, { headers: owner })).status()).toBe(200); // jobs outlive their endpoint
});

test("roles bound what a token may do, and another workspace's token gets 404", async ({ request }) => {
  const ep = `roles-${Date.now().toString(36)}`;
  await request.post("/api/v1/endpoints", { headers: owner, data: { name: ep } });
  await request.put(`/api/v1/datastores/workspaceblobstore/files/${ep}/in/a.txt`, { headers: owner, data: "a" });
  await request.post(`/api/v1/endpoints/${ep}/deployments`, {
    headers: owner,
    data: {
      name: "blue",
      interpreter: "/usr/bin/python3",
      code: { files: { "s.py": "def init(): pass\ndef run(b): return b\n" } },
      scoringScript: "s.py",
    },
  });

  const scientist = auth(await seedToken("default", "scientist"));
  const reader = auth(await seedToken("default", "reader"));
  const foreign = auth(await seedToken(`other-${Date.now().toString(36)}`, "owner"));

  const denied = await request.post(`/api/v1/endpoints/${ep}/deployments`, { headers: scientist, data: { name: "green" } });
  expect(denied.status()).toBe(403);
  expect((await denied.json()).error.message).toContain("scientist");
  const invoked = await request.post(`/api/v1/endpoints/${ep}/jobs`, {
    headers: scientist,
    data: { input: { type: "uri_folder", path: `datastores/workspaceblobstore/paths/${ep}/in/` } },
  });
  expect(invoked.status()).toBe(202);
  const { name } = await invoked.json();
  expect((await request.post(`/api/v1/endpoints/${ep}/jobs`, { headers: reader, data: {} })).status()).toBe(403);
  expect((await request.get(`/api/v1/jobs/${name}`, { headers: reader })).status()).toBe(200);
  expect((await request.post(`/api/v1/jobs/${name}/cancel`, { headers: reader })).status()).toBe(403);

  for (const path of [
    `/api/v1/endpoints/${ep}`,
    `/api/v1/endpoints/${ep}/deployments`,
    `/api/v1/endpoints/${ep}/deployments/blue`,
    `/api/v1/jobs/${name}`,
    `/api/v1/jobs/${name}/output`,
    `/api/v1/jobs/${name}/mini-batches`,
    `/api/v1/jobs/${name}/logs`,
    `/api/v1/datastores/workspaceblobstore/files/${ep}/in/a.txt`,
  ]) {
    expect((await request.get(path, { headers: foreign })).status(), path).toBe(404);
  }
  expect((await request.post(`/api/v1/jobs/${name}/cancel`, { headers: foreign })).status()).toBe(404);
  expect(
    (
      await request.post(`/api/v1/endpoints/${ep}/jobs`, {
        headers: foreign,
        data: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/x/" } },
      })
    ).status(),
  ).toBe(404);
  await waitFor(request, name);
});

test("a running job can be canceled over the API and keeps what finished", async ({ request }) => {
  const ep = `cancel-${Date.now().toString(36)}`;
  await request.post("/api/v1/endpoints", { headers: owner, data: { name: ep } });
  for (let i = 0; i < 20; i++)
    await request.put(`/api/v1/datastores/workspaceblobstore/files/${ep}/in/${String(i).padStart(2, "0")}.txt`, {
      headers: owner,
      data: `${i}`,
    });
  await request.post(`/api/v1/endpoints/${ep}/deployments`, {
    headers: owner,
    data: {
      name: "slow",
      interpreter: "/usr/bin/python3",
      code: { files: { "s.py": "import time\ndef init(): pass\ndef run(b):\n    time.sleep(0.5)\n    return b\n" } },
      scoringScript: "s.py",
      settings: { miniBatchSize: 1 },
    },
  });
  const { name } = await (
    await request.post(`/api/v1/endpoints/${ep}/jobs`, {
      headers: owner,
      data: { input: { type: "uri_folder", path: `datastores/workspaceblobstore/paths/${ep}/in/` } },
    })
  ).json();
  await waitFor(request, name, ["running"]);
  const canceled = await request.post(`/api/v1/jobs/${name}/cancel`, { headers: owner });
  expect(canceled.status()).toBe(202);
  const job = await waitFor(request, name, ["canceled"]);
  expect(job.progress.files.completed).toBeLessThan(20);
  expect((await request.post(`/api/v1/jobs/${name}/cancel`, { headers: owner })).status()).toBe(409);
  expect((await request.get(`/api/v1/jobs/${name}/output`, { headers: owner })).status()).toBe(200);
});

test("the OpenAPI document describes the API", async ({ request }) => {
  const doc = await (await request.get("/api/v1/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");
  expect(doc.paths["/endpoints/{endpoint}/jobs"].post.requestBody).toBeDefined();
});
