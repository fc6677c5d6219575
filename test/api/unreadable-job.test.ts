import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { db } from "@/lib/db";
import { SAMPLE_JOB_INPUTS, SAMPLE_JOB_SETTINGS } from "@/lib/jobs/sample-job-snapshot";
import { createUserWithWorkspace } from "../support/factories";
import { serveApi } from "./helpers";

// A job row whose stored snapshot was edited by hand: the API names the unreadable field, and shows no stack.
const INPUTS = SAMPLE_JOB_INPUTS;
const SETTINGS = SAMPLE_JOB_SETTINGS;

let api: Awaited<ReturnType<typeof serveApi>>;
let token: string;
beforeAll(async () => {
  api = await serveApi();
  const a = await createUserWithWorkspace("unreadable-job");
  token = (await createApiToken({ workspaceId: a.workspace.id, actor: { userId: a.user.id }, name: "r", role: "reader" })).token;
  const endpoint = await db.endpoint.create({ data: { workspaceId: a.workspace.id, name: "scorer" } });
  const job = (name: string, inputs: object, settings: object) =>
    db.job.create({
      data: {
        workspaceId: a.workspace.id,
        name,
        endpointId: endpoint.id,
        endpointName: endpoint.name,
        deploymentName: "blue",
        deploymentVersion: 1,
        inputs,
        settings,
        outputPath: "datastores/workspaceblobstore/paths/out/",
        outputFileName: "predictions.csv",
      },
    });
  await job("readable", INPUTS, SETTINGS);
  await job("bad-inputs", { ...INPUTS, data: { ...INPUTS.data, path: 42 } }, SETTINGS);
  await job("bad-settings", INPUTS, { ...SETTINGS, deployment: { ...SETTINGS.deployment, scoringScript: null } });
});
afterAll(async () => api?.close());

describe("GET /api/v1/jobs/{job} of a job whose stored snapshot does not parse", () => {
  it("reads a sound row as usual", async () => {
    const res = await api.call("GET", "/api/v1/jobs/readable", token);
    expect(res.status).toBe(200);
    expect(res.json.inputs.data.path).toBe("datastores/workspaceblobstore/paths/in/");
  });

  it.each([
    ["bad-inputs", "inputs.data.path"],
    ["bad-settings", "settings.deployment.scoringScript"],
  ])("answers %s with a 500 naming the field %s, and no stack trace", async (name, field) => {
    const res = await api.call("GET", `/api/v1/jobs/${name}`, token);
    expect(res.status).toBe(500);
    expect(res.json.error).toMatchObject({ code: "INTERNAL", details: { field } });
    expect(res.json.error.message).toContain(`${field}:`);
    expect(res.json.error.message).toContain("restore that field");
    expect(res.text).not.toMatch(/\bat .*\(|\.ts:\d+|node_modules|ZodError/);
  });
});
