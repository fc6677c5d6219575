import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as clone from "@/app/api/v1/job-definitions/[definition]/clone/route";
import * as jobs from "@/app/api/v1/job-definitions/[definition]/jobs/route";
import * as one from "@/app/api/v1/job-definitions/[definition]/route";
import * as run from "@/app/api/v1/job-definitions/[definition]/run/route";
import * as collection from "@/app/api/v1/job-definitions/route";
import { inngest } from "@/lib/events/client";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { db } from "@/lib/db";
import { jobDefinitionRunEventId, jobDefinitionRunRequested } from "@/lib/events/job-definitions";
import { claimDueJobDefinitions } from "@/lib/job-definitions/run-job-definition";
import { cancelJob } from "@/lib/jobs/job-commands";
import { readBlobText } from "@/lib/storage";
import { addMember } from "../support/factories";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";
import { serveRoutes, until } from "../webhooks/helpers";

const ECHO = `
import os
def init():
    pass
def run(mini_batch):
    return [os.path.basename(p) + "," + open(p).read() for p in mini_batch]
`;
// Holds its mini-batch long enough for an overlapping run to find the job unfinished; the test cancels it.
const SLOW = `
import time
def init():
    pass
def run(mini_batch):
    time.sleep(120)
    return ["late"] * len(mini_batch)
`;

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
let api: Awaited<ReturnType<typeof serveRoutes>>;
let fx: Awaited<ReturnType<typeof deploymentFixture>>;
const tokens: Record<"owner" | "contributor" | "scientist" | "reader" | "otherOwner", string> = {} as never;

beforeAll(async () => {
  functions = await startFunctionsServer();
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/job-definitions$/, params: () => ({}), methods: collection },
    { pattern: /^\/api\/v1\/job-definitions\/([^/]+)$/, params: (m) => ({ definition: m[1] }), methods: one },
    { pattern: /^\/api\/v1\/job-definitions\/([^/]+)\/run$/, params: (m) => ({ definition: m[1] }), methods: run },
    { pattern: /^\/api\/v1\/job-definitions\/([^/]+)\/clone$/, params: (m) => ({ definition: m[1] }), methods: clone },
    { pattern: /^\/api\/v1\/job-definitions\/([^/]+)\/jobs$/, params: (m) => ({ definition: m[1] }), methods: jobs },
  ]);
  fx = await deploymentFixture({
    code: { files: { "score.py": ECHO } },
    scoringScript: "score.py",
    interpreter: PYTHON,
    settings: { miniBatchSize: 2 },
  });
  await uploadTexts(fx.target, "nightly/in/", 4);
  tokens.owner = (await createApiToken({ workspaceId: fx.workspace.id, actor: fx.actor, name: "owner", role: "owner" })).token;
  for (const role of ["contributor", "scientist", "reader"] as const) {
    const user = await addMember(fx.workspace.id, role);
    tokens[role] = (await createApiToken({ workspaceId: fx.workspace.id, actor: { userId: user.id }, name: role, role })).token;
  }
  const other = await deploymentFixture({ code: { files: { "score.py": ECHO } }, scoringScript: "score.py", interpreter: PYTHON });
  tokens.otherOwner = (await createApiToken({ workspaceId: other.workspace.id, actor: other.actor, name: "b", role: "owner" })).token;
});
afterAll(async () => {
  await api?.close();
  await functions?.close();
});

async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${api.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const spec = (output: string) => ({
  input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/nightly/in/" },
  output: { path: output },
});

async function definitionRow(name: string) {
  return db.jobDefinition.findFirstOrThrow({ where: { workspaceId: fx.workspace.id, name } });
}

/** Sends the scheduler's run events through the real executor, as the cron function does. */
async function sendRuns(runs: Awaited<ReturnType<typeof claimDueJobDefinitions>>) {
  if (runs.length)
    await inngest.send(
      runs.map((r) => ({ name: jobDefinitionRunRequested.name, id: jobDefinitionRunEventId(r.definitionId, r.scheduledFor), data: r })),
    );
}

describe("job definitions over REST", () => {
  it("creates a scheduled definition from DataRobot's field form, shows its next run, and refuses bad input naming the field", async () => {
    const created = await call("POST", "/api/v1/job-definitions", tokens.contributor, {
      name: "nightly",
      endpointName: "scorer",
      spec: spec("datastores/workspaceblobstore/paths/nightly/out/{date}-{time}/"),
      schedule: { minute: [30], hour: [2], dayOfMonth: ["*"], month: ["*"], dayOfWeek: ["*"] },
      timezone: "Europe/Berlin",
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: "nightly",
      endpoint: "scorer",
      enabled: true,
      overlapPolicy: "skip",
      schedule: { cron: "30 2 * * *", timezone: "Europe/Berlin" },
      lastRun: null,
    });
    const next = new Date(created.json.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    // 02:30 in Berlin is 01:30 UTC in winter.
    expect(next.toISOString()).toMatch(/T01:30:00\.000Z$/);

    const bad = [
      [{ name: "x1y", endpointName: "scorer", spec: spec("a/"), schedule: "61 * * * *" }, "schedule"],
      [{ name: "x2y", endpointName: "scorer", spec: spec("a/"), schedule: "0 2 * * *", timezone: "Mars/Olympus" }, "timezone"],
      [{ name: "x3y", endpointName: "nope", spec: spec("a/") }, "endpointName"],
      [{ name: "x4y", endpointName: "scorer", spec: { output: { path: "a/" } } }, "spec.input"],
      [{ name: "x5y", endpointName: "scorer", spec: spec("a/"), shedule: "0 2 * * *" }, "body"],
      [{ name: "x6y", endpointName: "scorer", spec: spec("a/"), overlapPolicy: "queue" }, "overlapPolicy"],
    ] as const;
    for (const [body, field] of bad) {
      const res = await call("POST", "/api/v1/job-definitions", tokens.owner, body);
      expect(res.status, JSON.stringify(res.json)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.json.error)).toContain(field === "body" ? "shedule" : field);
    }
    const list = await call("GET", "/api/v1/job-definitions", tokens.reader);
    expect(list.json.data.map((d: { name: string }) => d.name)).toEqual(["nightly"]);
  });

  it("gives each role what it may do, and nothing across workspaces", async () => {
    expect(
      (await call("POST", "/api/v1/job-definitions", tokens.scientist, { name: "mine", endpointName: "scorer", spec: spec("a/") })).status,
    ).toBe(403);
    expect((await call("PATCH", "/api/v1/job-definitions/nightly", tokens.reader, { enabled: false })).status).toBe(403);
    expect((await call("POST", "/api/v1/job-definitions/nightly/run", tokens.reader)).status).toBe(403);
    expect((await call("GET", "/api/v1/job-definitions/nightly", tokens.otherOwner)).status).toBe(404);
    expect((await call("POST", "/api/v1/job-definitions/nightly/run", tokens.otherOwner)).status).toBe(404);
    expect((await call("DELETE", "/api/v1/job-definitions/nightly", tokens.otherOwner)).status).toBe(404);
    expect((await call("GET", "/api/v1/job-definitions", tokens.otherOwner)).json.data).toEqual([]);
    expect((await definitionRow("nightly")).enabled).toBe(true);
  });

  it("runs now for a scientist: the job is linked, named in the output path, and listed under the definition", async () => {
    await call("POST", "/api/v1/job-definitions", tokens.owner, {
      name: "adhoc",
      endpointName: "scorer",
      spec: spec("datastores/workspaceblobstore/paths/adhoc/{job}/"),
    });
    const started = await call("POST", "/api/v1/job-definitions/adhoc/run", tokens.scientist);
    expect(started.status).toBe(202);
    const job = await db.job.findFirstOrThrow({ where: { workspaceId: fx.workspace.id, name: started.json.name } });
    expect(job.outputPath).toBe(`datastores/workspaceblobstore/paths/adhoc/${job.name}/`);
    expect(job.submittedVia).toBe("definition");
    expect((await waitForJob(job.id)).status).toBe("completed");
    expect((await readBlobText(fx.target, `adhoc/${job.name}/predictions.csv`)).trim().split("\n")).toEqual([
      "000.txt,0",
      "001.txt,1",
      "002.txt,2",
      "003.txt,3",
    ]);
    const shown = await call("GET", "/api/v1/job-definitions/adhoc", tokens.reader);
    expect(shown.json).toMatchObject({ lastRun: { job: job.name, status: "completed" }, lastSuccessfulRun: { job: job.name } });
    const listed = await call("GET", "/api/v1/job-definitions/adhoc/jobs", tokens.reader);
    expect(listed.json.data.map((j: { name: string }) => j.name)).toEqual([job.name]);
  });

  it("clones a definition disabled, and disables and enables one (the next run moves)", async () => {
    const copy = await call("POST", "/api/v1/job-definitions/nightly/clone", tokens.contributor, { name: "nightly-copy" });
    expect(copy.status).toBe(201);
    expect(copy.json).toMatchObject({
      name: "nightly-copy",
      enabled: false,
      nextRunAt: null,
      schedule: { cron: "30 2 * * *", timezone: "Europe/Berlin" },
    });
    expect((await call("POST", "/api/v1/job-definitions/nightly/clone", tokens.contributor, { name: "nightly-copy" })).status).toBe(409);
    const off = await call("PATCH", "/api/v1/job-definitions/nightly-copy", tokens.contributor, { enabled: true });
    expect(off.json.nextRunAt).not.toBeNull();
    expect((await call("PATCH", "/api/v1/job-definitions/nightly-copy", tokens.contributor, { enabled: false })).json.nextRunAt).toBeNull();
    expect((await call("PATCH", "/api/v1/job-definitions/nightly-copy", tokens.contributor, { enabeld: true })).status).toBe(400);
    expect((await call("DELETE", "/api/v1/job-definitions/nightly-copy", tokens.contributor)).status).toBe(204);
    expect((await call("GET", "/api/v1/job-definitions/nightly-copy", tokens.contributor)).status).toBe(404);
  });
});

describe("schedules", () => {
  it("runs each scheduled time exactly once, however often the slot is claimed or its event re-sent (replicas, restarts)", async () => {
    const def = await definitionRow("nightly");
    const slot = new Date("2026-11-30T01:30:00.000Z");
    await db.jobDefinition.update({ where: { id: def.id }, data: { nextRunAt: slot } });
    // Two replicas tick at once, then the first tick is replayed after a restart.
    const now = new Date(slot.getTime() + 5_000);
    const [a, b] = await Promise.all([claimDueJobDefinitions(now), claimDueJobDefinitions(now)]);
    const runs = [...a, ...b].filter((r) => r.definitionId === def.id);
    // The executor's own cron tick may have claimed the slot first; either way it is claimed once.
    expect(runs.length).toBeLessThanOrEqual(1);
    const event = { workspaceId: fx.workspace.id, definitionId: def.id, scheduledFor: slot.toISOString() };
    await sendRuns([event]);
    await sendRuns([event]);
    const job = await until(
      () => db.job.findFirst({ where: { jobDefinitionId: def.id, scheduledFor: slot } }),
      60_000,
      "the scheduled job",
    );
    expect((await waitForJob(job.id)).status).toBe("completed");
    // A late redelivery of the same slot (its event id deduplicated, and the job keyed by the slot) starts nothing.
    await sendRuns([event]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await db.job.count({ where: { jobDefinitionId: def.id, scheduledFor: slot } })).toBe(1);
    // {date}-{time} are the scheduled time in the definition's time zone (02:30 in Berlin).
    expect(job.outputPath).toBe("datastores/workspaceblobstore/paths/nightly/out/2026-11-30-0230/");
    expect((await definitionRow("nightly")).nextRunAt!.getTime()).toBeGreaterThan(now.getTime());
  });

  it("runs a slot missed while the server was down once, not once per missed slot", async () => {
    const created = await call("POST", "/api/v1/job-definitions", tokens.owner, {
      name: "every-five",
      endpointName: "scorer",
      spec: spec("datastores/workspaceblobstore/paths/five/{datetime}/"),
      schedule: "*/5 * * * *",
    });
    expect(created.status).toBe(201);
    const def = await definitionRow("every-five");
    const now = new Date();
    // Down for two hours: 24 slots went by.
    await db.jobDefinition.update({ where: { id: def.id }, data: { nextRunAt: new Date(now.getTime() - 2 * 3600_000) } });
    const runs = (await claimDueJobDefinitions(now)).filter((r) => r.definitionId === def.id);
    expect(runs.length).toBeLessThanOrEqual(1);
    const after = await definitionRow("every-five");
    expect(after.nextRunAt!.getTime()).toBeGreaterThan(now.getTime());
    expect(after.nextRunAt!.getTime() - now.getTime()).toBeLessThanOrEqual(5 * 60_000);
    await sendRuns(runs);
    const job = await until(() => db.job.findFirst({ where: { jobDefinitionId: def.id } }), 60_000, "the catch-up job");
    await waitForJob(job.id);
    // The one run is for the latest slot at or before now, a multiple of five minutes.
    expect(job.scheduledFor!.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(job.scheduledFor!.getUTCMinutes() % 5).toBe(0);
    expect(now.getTime() - job.scheduledFor!.getTime()).toBeLessThan(5 * 60_000);
    expect(await db.job.count({ where: { jobDefinitionId: def.id } })).toBe(1);
    await call("PATCH", "/api/v1/job-definitions/every-five", tokens.owner, { enabled: false });
  });

  it("skips a scheduled run while the previous job is unfinished, and says why", async () => {
    const slowFx = await deploymentFixture({ code: { files: { "score.py": SLOW } }, scoringScript: "score.py", interpreter: PYTHON });
    await uploadTexts(slowFx.target, "slow/in/", 1);
    const owner = (await createApiToken({ workspaceId: slowFx.workspace.id, actor: slowFx.actor, name: "o", role: "owner" })).token;
    const created = await call("POST", "/api/v1/job-definitions", owner, {
      name: "slow",
      endpointName: "scorer",
      schedule: "0 * * * *",
      spec: {
        input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/slow/in/" },
        output: { path: "datastores/workspaceblobstore/paths/slow/{job}/" },
      },
    });
    expect(created.status).toBe(201);
    const first = await call("POST", "/api/v1/job-definitions/slow/run", owner);
    const running = await db.job.findFirstOrThrow({ where: { workspaceId: slowFx.workspace.id, name: first.json.name } });
    await waitForJob(running.id, ["running"]);
    const def = await db.jobDefinition.findFirstOrThrow({ where: { workspaceId: slowFx.workspace.id, name: "slow" } });
    const slot = new Date("2026-11-30T05:00:00.000Z");
    await sendRuns([{ workspaceId: slowFx.workspace.id, definitionId: def.id, scheduledFor: slot.toISOString() }]);
    const noted = await until(
      async () => (await db.jobDefinition.findUniqueOrThrow({ where: { id: def.id } })).lastRunNote,
      60_000,
      "the skip note",
    );
    expect(noted).toBe(`Skipped the run scheduled for ${slot.toISOString()}: job ${running.name} was still running.`);
    expect(await db.job.count({ where: { jobDefinitionId: def.id } })).toBe(1);
    const shown = await call("GET", "/api/v1/job-definitions/slow", owner);
    expect(shown.json.lastRunNote).toBe(noted);

    // With `allow`, the next slot starts a second job beside the first.
    await call("PATCH", "/api/v1/job-definitions/slow", owner, { overlapPolicy: "allow" });
    const slot2 = new Date("2026-11-30T06:00:00.000Z");
    await sendRuns([{ workspaceId: slowFx.workspace.id, definitionId: def.id, scheduledFor: slot2.toISOString() }]);
    const second = await until(
      () => db.job.findFirst({ where: { jobDefinitionId: def.id, scheduledFor: slot2 } }),
      60_000,
      "the overlapping job",
    );
    for (const j of [running, second]) await cancelJob({ workspaceId: slowFx.workspace.id, actor: slowFx.actor, name: j.name });
    for (const j of [running, second]) expect((await waitForJob(j.id)).status).toBe("canceled");
  });

  it("fires on time through the durable cron function, with no call from the test", { timeout: 180_000 }, async () => {
    const created = await call("POST", "/api/v1/job-definitions", tokens.owner, {
      name: "minutely",
      endpointName: "scorer",
      spec: spec("datastores/workspaceblobstore/paths/minutely/{job}/"),
      schedule: "* * * * *",
    });
    expect(created.status).toBe(201);
    const def = await definitionRow("minutely");
    const job = await until(() => db.job.findFirst({ where: { jobDefinitionId: def.id } }), 150_000, "a job started by the schedule");
    expect(job.submittedVia).toBe("schedule");
    expect(job.scheduledFor!.getUTCSeconds()).toBe(0);
    expect((await waitForJob(job.id)).status).toBe("completed");
    await call("PATCH", "/api/v1/job-definitions/minutely", tokens.owner, { enabled: false });
  });
});
