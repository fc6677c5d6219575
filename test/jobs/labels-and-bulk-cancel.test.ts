import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { findJobList } from "@/lib/jobs/find-job-list";
import { cancelJobs, startJob } from "@/lib/jobs/job-commands";
import { startFunctionsServer } from "../support/functions-server";
import { createUserWithWorkspace } from "../support/factories";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
beforeAll(async () => {
  functions = await startFunctionsServer();
});
afterAll(async () => {
  await functions?.close();
});

const SLOW = "import time\ndef init(): pass\ndef run(batch):\n    time.sleep(600)\n    return []\n";

describe("job display names, tags and bulk cancel", () => {
  it("stores display names and tags, finds jobs by them, refuses bad tags, and cancels only the selected running jobs", async () => {
    const fx = await deploymentFixture({
      code: { files: { "score.py": SLOW } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { retrySettings: { maxRetries: 0, timeout: 900 } },
    });
    const ws = fx.workspace.id;
    await uploadTexts(fx.target, "in/", 1);
    const input = { type: "uri_folder" as const, path: "datastores/workspaceblobstore/paths/in/" };
    const start = (extra: Record<string, unknown>) =>
      startJob({ workspaceId: ws, actor: fx.actor, endpointName: "scorer", input: { input, ...extra } }).then((r) => r.job);

    await expect(start({ tags: { "no spaces": "x" } })).rejects.toThrow(/Tag names use letters/);
    await expect(start({ displayName: "x".repeat(121) })).rejects.toThrow(/120 characters/);
    expect(await db.job.count({ where: { workspaceId: ws } })).toBe(0);

    const a = await start({ displayName: "Nightly fraud scoring", tags: { team: "risk" } });
    const b = await start({ tags: { team: "growth" } });
    const c = await start({});
    expect(a).toMatchObject({ displayName: "Nightly fraud scoring", tags: { team: "risk" } });

    const byName = await findJobList({ workspaceId: ws, q: "FRAUD" });
    expect(byName.data.map((j) => j.name)).toEqual([a.name]);
    expect((await findJobList({ workspaceId: ws, q: "team=growth" })).data.map((j) => j.name)).toEqual([b.name]);
    expect((await findJobList({ workspaceId: ws, tag: "team" })).data.map((j) => j.name).sort()).toEqual([a.name, b.name].sort());

    for (const j of [a, b, c]) await waitForJob(j.id, ["running"]);
    const other = await createUserWithWorkspace("bulk-other");
    // Another workspace cannot cancel these; its request names them as not found and changes nothing.
    const foreign = await cancelJobs({ workspaceId: other.workspace.id, actor: { userId: other.user.id }, names: [a.name] });
    expect(foreign).toEqual({ canceled: [], skipped: [{ name: a.name, reason: expect.stringMatching(/not found/) }] });

    const result = await cancelJobs({ workspaceId: ws, actor: fx.actor, names: [a.name, c.name, a.name] });
    expect(result).toEqual({ canceled: [a.name, c.name], skipped: [] });
    expect(await waitForJob(a.id, ["canceled"])).toMatchObject({ status: "canceled" });
    expect(await waitForJob(c.id, ["canceled"])).toMatchObject({ status: "canceled" });
    expect((await db.job.findUniqueOrThrow({ where: { id: b.id } })).status).toBe("running");
    const again = await cancelJobs({ workspaceId: ws, actor: fx.actor, names: [a.name, b.name] });
    expect(again.canceled).toEqual([b.name]);
    expect(again.skipped).toEqual([{ name: a.name, reason: expect.stringMatching(/already canceled/) }]);
    await waitForJob(b.id, ["canceled"]);
    expect(await db.auditEvent.count({ where: { workspaceId: ws, action: "job.cancel_requested" } })).toBe(3);
  });
});
