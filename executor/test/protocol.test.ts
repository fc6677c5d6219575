import { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EXTERNAL_URL, finishedRun, runsFor, send, serveApp, startEngine, TEST_TIMEOUT_MS, type App, type Engine } from "./harness";

// Protocol and limits: sync (PUT → register), options refused at sync, event ingestion limits,
// step/run limits, signing (INNGEST_DEV=0 with a signing key) and event keys.

let engine: Engine;
let app: App;
beforeAll(async () => {
  engine = await startEngine();
  app = await serveApp(engine, "limits", (c) => [
    c.createFunction({ id: "big-step", triggers: [{ event: "l/big-step" }] }, async ({ step }) => {
      await step.run("huge", () => "x".repeat(4 * 1024 * 1024 + 10));
      await step.run("never", () => "unreachable");
    }),
    c.createFunction({ id: "big-state", triggers: [{ event: "l/big-state" }] }, async ({ step }) => {
      for (let i = 0; i < 10; i++) await step.run(`chunk-${i}`, () => "y".repeat(3.9 * 1024 * 1024));
      return "unreachable";
    }),
    c.createFunction({ id: "many-steps", triggers: [{ event: "l/many-steps" }] }, async ({ step }) => {
      await Promise.all(Array.from({ length: 1001 }, (_, i) => step.run(`s${i}`, () => i)));
      return "unreachable";
    }),
    c.createFunction({ id: "sender", triggers: [{ event: "l/sender" }] }, async ({ event, step }) => {
      const n = event.data.n as number;
      const events = Array.from({ length: n }, (_, i) => ({ name: "l/fanned", data: { i } }));
      try {
        const r = await step.sendEvent("fan", events);
        return { sent: r.ids.length };
      } catch (e) {
        return { error: (e as Error).message };
      }
    }),
  ]);
});
afterAll(async () => {
  await app?.close();
  await engine?.stop();
});

describe("sync", () => {
  test("the SDK's register call records the app's functions", async () => {
    const res = await fetch(`${engine.url}/v1/functions`);
    const fns = ((await res.json()) as { data: { id: string; url: string }[] }).data;
    expect(fns.map((f) => f.id)).toEqual(expect.arrayContaining(["limits-big-step", "limits-sender"]));
    expect(fns.find((f) => f.id === "limits-sender")?.url).toContain(app.url);
  });

  test.skipIf(!!EXTERNAL_URL)("POST /v1/apps/sync re-syncs configured apps and refuses any other URL (dev mode too)", async () => {
    const foreign = await fetch(`${engine.url}/v1/apps/sync`, {
      method: "POST",
      body: JSON.stringify({ url: "http://127.0.0.1:9/elsewhere" }),
    });
    expect(foreign.status).toBe(403);
    const known = await fetch(`${engine.url}/v1/apps/sync`, { method: "POST", body: JSON.stringify({ url: app.url }) });
    expect(known.status).toBe(200);
  });

  for (const [option, value] of [
    ["throttle", { limit: 1, period: "1s" }],
    ["rateLimit", { limit: 1, period: "1m" }],
    ["debounce", { period: "1s" }],
    ["batchEvents", { maxSize: 10, timeout: "1s" }],
    ["priority", { run: "1" }],
    ["singleton", { mode: "skip" }],
  ] as const) {
    test.skipIf(!!EXTERNAL_URL)(`unsupported option "${option}" is refused at sync, naming the option`, async () => {
      const bad = await serveApp(
        engine,
        `bad-${option.toLowerCase()}`,
        (c) => [c.createFunction({ id: "f", [option]: value, triggers: [{ event: "x/y" }] } as never, async () => "x")],
        {},
        { sync: false },
      );
      try {
        await expect(engine.sync(bad.url)).rejects.toThrow(new RegExp(`"${option}"`));
        const res = await fetch(`${engine.url}/v1/functions`);
        const fns = ((await res.json()) as { data: { id: string }[] }).data;
        expect(fns.some((f) => f.id.startsWith(`bad-${option.toLowerCase()}`))).toBe(false);
      } finally {
        await bad.close();
      }
    });
  }
});

describe("limits", { timeout: TEST_TIMEOUT_MS }, () => {
  test("more than 5,000 events in one send is refused", async () => {
    const events = Array.from({ length: 5001 }, (_, i) => ({ name: "l/none", data: { i } }));
    const r = await send(engine, events);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/5000/);
    const ok = await send(engine, events.slice(0, 5000));
    expect(ok.status).toBe(200);
    expect(ok.body.ids).toHaveLength(5000);
  });

  test("an event over 3 MiB is refused", async () => {
    const r = await send(engine, { name: "l/none", data: { blob: "z".repeat(3 * 1024 * 1024) } });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatch(/event size limit/);
  });

  test("step.sendEvent of more than 5,000 events fails inside the function", async () => {
    await send(engine, { name: "l/sender", data: { n: 5001 }, id: "sender-1" });
    const run = await finishedRun(engine, "sender-1");
    expect(run.status).toBe("Completed");
    expect(run.output.error).toBeTruthy();
  });

  test("a step result over 4 MiB fails the run and later steps never run", async () => {
    await send(engine, { name: "l/big-step", data: {}, id: "big-step-1" });
    const run = await finishedRun(engine, "big-step-1");
    expect(run.status).toBe("Failed");
    expect(run.error.message).toMatch(/4 MiB/);
    expect(run.steps.some((s: { name: string }) => s.name === "never")).toBe(false);
  });

  test("run state over 32 MiB fails the run", async () => {
    await send(engine, { name: "l/big-state", data: {}, id: "big-state-1" });
    const run = await finishedRun(engine, "big-state-1");
    expect(run.status).toBe("Failed");
    expect(run.error.message).toMatch(/32 MiB/);
    expect(run.steps.filter((s: { status: string }) => s.status === "completed").length).toBe(8);
  });

  test("more than 1,000 steps in a run fails the run", async () => {
    await send(engine, { name: "l/many-steps", data: {}, id: "many-1" });
    const run = await finishedRun(engine, "many-1");
    expect(run.status).toBe("Failed");
    expect(run.error.message).toMatch(/1000 steps/);
  });
});

describe.skipIf(!!EXTERNAL_URL)("signing (INNGEST_DEV=0 with a signing key)", () => {
  const signingKey = "signkey-test-" + "ab12".repeat(16);
  let signed: Engine;
  beforeAll(async () => {
    signed = await startEngine({ signingKey, eventKey: "evtkey" });
  });
  afterAll(async () => {
    await signed?.stop();
  });

  test("signed requests and responses: a run completes with the right keys", async () => {
    const a = await serveApp(
      signed,
      "signed",
      (c) => [c.createFunction({ id: "f", triggers: [{ event: "s/go" }] }, async ({ step }) => step.run("s", () => "signed-ok"))],
      { isDev: false, signingKey, eventKey: "evtkey" },
    );
    try {
      expect((await send(signed, { name: "s/go", data: {}, id: "s-1" }, "wrong")).status).toBe(401);
      expect((await send(signed, { name: "s/go", data: {}, id: "s-1" }, "evtkey")).status).toBe(200);
      const run = await finishedRun(signed, "s-1");
      expect(run.status).toBe("Completed");
      expect(run.output).toBe("signed-ok");
    } finally {
      await a.close();
    }
  });

  test("the API refuses callers without the signing key on every route (401) and answers with it", async () => {
    const a = await serveApp(
      signed,
      "api-auth",
      (c) => [c.createFunction({ id: "f", triggers: [{ event: "auth/go" }] }, async ({ step }) => step.run("s", () => "ok"))],
      { isDev: false, signingKey, eventKey: "evtkey" },
    );
    try {
      expect((await send(signed, { name: "auth/go", data: {}, id: "auth-1" }, "evtkey")).status).toBe(200);
      const run = await finishedRun(signed, "auth-1");
      const routes: [string, string][] = [
        ["GET", "/v1/runs"],
        ["GET", `/v1/runs/${run.id}`],
        ["GET", "/v1/events/auth-1/runs"],
        ["POST", `/v1/runs/${run.id}/cancel`],
        ["GET", "/v1/functions"],
        ["POST", "/v1/apps/sync"],
        ["POST", "/fn/register"],
      ];
      for (const wrong of [undefined, "Bearer nope", `Bearer ${signingKey}`]) {
        for (const [method, path] of routes) {
          const res = await fetch(`${signed.url}${path}`, {
            method,
            headers: wrong ? { authorization: wrong } : {},
            body: method === "POST" ? "{}" : undefined,
          });
          expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 401`);
        }
      }
      // what an unauthenticated caller learns from the health check: that it is up, nothing more
      expect(await (await fetch(`${signed.url}/health`)).json()).toEqual({ status: "ok" });
      const ok = await fetch(`${signed.url}/v1/runs?function=api-auth-f`, { headers: signed.apiHeaders });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { data: { id: string }[] }).data.map((r) => r.id)).toEqual([run.id]);
    } finally {
      await a.close();
    }
  });

  test("sync only calls the app URLs the operator configured, never one from the request", async () => {
    let hits = 0;
    const { createServer } = await import("node:http");
    const target = createServer((_req, res) => {
      hits++;
      res.end("{}");
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", () => r()));
    try {
      const foreign = `http://127.0.0.1:${(target.address() as { port: number }).port}/anything`;
      const res = await fetch(`${signed.url}/v1/apps/sync`, {
        method: "POST",
        headers: signed.apiHeaders,
        body: JSON.stringify({ url: foreign }),
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/not one of the app URLs/);
      const extra = await fetch(`${signed.url}/v1/apps/sync`, {
        method: "POST",
        headers: signed.apiHeaders,
        body: JSON.stringify({ url: foreign, force: true }),
      });
      expect(extra.status).toBe(400);
      expect(hits).toBe(0);
    } finally {
      target.close();
    }
  });

  test("an app with a different signing key can neither sync nor run", async () => {
    const other = "signkey-test-" + "cd34".repeat(16);
    const a = await serveApp(
      signed,
      "wrongkey",
      (c) => [c.createFunction({ id: "f", triggers: [{ event: "w/go" }] }, async () => "x")],
      { isDev: false, signingKey: other, eventKey: "evtkey" },
      { sync: false },
    );
    try {
      await expect(signed.sync(a.url)).rejects.toThrow();
      // and the SDK rejects an unsigned/wrongly signed call request
      const res = await fetch(`${a.url}?fnId=wrongkey-f&stepId=step`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-inngest-signature": "t=1&s=00" },
        body: JSON.stringify({ event: { name: "w/go", data: {} }, events: [], steps: {}, ctx: { run_id: "r", attempt: 0 } }),
      });
      expect(res.status).toBe(401);
    } finally {
      await a.close();
    }
  });
});

test.skipIf(!!EXTERNAL_URL)("a fresh client pointed at the executor with INNGEST_BASE_URL semantics can send events", async () => {
  const client = new Inngest({ id: "sender-only", baseUrl: engine.url, isDev: true });
  const { ids } = await client.send({ name: "l/none", data: {}, id: "client-send-1" });
  expect(ids).toEqual(["client-send-1"]);
  expect(await runsFor(engine, "client-send-1")).toHaveLength(0);
});

test("an app configured only by INNGEST_DEV=1 and INNGEST_BASE_URL syncs and runs", async () => {
  const saved = { dev: process.env.INNGEST_DEV, base: process.env.INNGEST_BASE_URL };
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = engine.url;
  try {
    const { createServer } = await import("node:http");
    const { serve } = await import("inngest/node");
    const client = new Inngest({ id: "env-configured", checkpointing: false });
    const fn = client.createFunction({ id: "f", triggers: [{ event: "env/go" }] }, async ({ step }) => step.run("s", () => "from-env"));
    const server = createServer(serve({ client, functions: [fn] }));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/inngest`;
      await engine.sync(url);
      await client.send({ name: "env/go", data: {}, id: "env-1" }); // through INNGEST_BASE_URL too
      const run = await finishedRun(engine, "env-1");
      expect(run.status).toBe("Completed");
      expect(run.output).toBe("from-env");
    } finally {
      server.close();
      server.closeAllConnections();
    }
  } finally {
    if (saved.dev === undefined) delete process.env.INNGEST_DEV;
    else process.env.INNGEST_DEV = saved.dev;
    if (saved.base === undefined) delete process.env.INNGEST_BASE_URL;
    else process.env.INNGEST_BASE_URL = saved.base;
  }
});
