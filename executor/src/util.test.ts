import { describe, expect, test } from "vitest";
import { canonicalize, exprKey, exprTrue, hashSigningKey, parseDuration, signBody, sleepUntil, ulid, verifySignature } from "./util";
import { cronNext, parseFunctionConfig, SyncError } from "./config";

describe("durations", () => {
  test("Inngest time strings", () => {
    expect(parseDuration("300ms")).toBe(300);
    expect(parseDuration("2h45m")).toBe(9_900_000);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration("1w")).toBe(604_800_000);
    expect(() => parseDuration("soon")).toThrow();
    expect(() => parseDuration("5 minutes")).toThrow();
  });
  test("sleep names: durations or ISO dates", () => {
    expect(sleepUntil("2s", 1000)).toBe(3000);
    expect(sleepUntil("2030-01-01T00:00:00.000Z")).toBe(Date.UTC(2030, 0, 1));
    expect(() => sleepUntil("never")).toThrow();
  });
});

describe("ids and signatures", () => {
  test("ULIDs are unique and sortable", () => {
    const ids = Array.from({ length: 1000 }, () => ulid());
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
  test("signatures verify only with the same key and body", () => {
    const key = "signkey-test-" + "ab".repeat(32);
    const sig = signBody("hello", key);
    expect(verifySignature(sig, "hello", key)).toBe(true);
    expect(verifySignature(sig, "hellO", key)).toBe(false);
    expect(verifySignature(sig, "hello", "signkey-test-" + "cd".repeat(32))).toBe(false);
    expect(verifySignature("t=1&s=" + sig.split("s=")[1], "hello", key)).toBe(false); // expired
    expect(hashSigningKey(key)).toMatch(/^signkey-test-[0-9a-f]{64}$/);
  });
  test("canonical JSON sorts keys recursively", () => {
    expect(canonicalize({ b: 1, a: [{ d: 2, c: null }], u: undefined })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
  });
});

describe("CEL expressions", () => {
  const ctx = { event: { data: { user: "ann", n: 3, orderId: "o1" } }, async: { data: { orderId: "o1" } } };
  test("evaluates, treats runtime errors as false / empty", () => {
    expect(exprTrue("event.data.n > 2", ctx)).toBe(true);
    expect(exprTrue("event.data.orderId == async.data.orderId", ctx)).toBe(true);
    expect(exprTrue("event.data.missing == 'x'", ctx)).toBe(false);
    expect(exprKey("event.data.user", ctx)).toBe("ann");
    expect(exprKey("event.data.n", ctx)).toBe("3");
    expect(exprKey("event.data.nope", ctx)).toBe("");
  });
});

describe("function config at sync", () => {
  const base = {
    id: "app-fn",
    name: "fn",
    triggers: [{ event: "a/b" }],
    steps: { step: { id: "step", name: "step", runtime: { type: "http", url: "http://127.0.0.1:1/api/inngest?fnId=app-fn&stepId=step" } } },
  };
  test("accepts supported options", () => {
    const f = parseFunctionConfig(
      {
        ...base,
        concurrency: [{ limit: 2, key: "event.data.user" }, 10],
        cancel: [{ event: "a/c", if: "event.data.id == async.data.id", timeout: "1h" }],
        timeouts: { start: "1m", finish: "2h" },
        idempotency: "event.data.id",
      },
      "app",
    );
    expect(f.maxAttempts).toBe(4);
    expect(f.concurrency).toEqual([
      { limit: 2, key: "event.data.user", scope: "fn" },
      { limit: 10, scope: "fn" },
    ]);
    expect(f.cancel[0].timeoutMs).toBe(3_600_000);
    expect(f.timeouts).toEqual({ startMs: 60_000, finishMs: 7_200_000 });
  });
  test("refuses unsupported options by name", () => {
    for (const k of ["throttle", "rateLimit", "debounce", "batchEvents", "priority", "singleton", "somethingNew"]) {
      expect(() => parseFunctionConfig({ ...base, [k]: { limit: 1 } }, "app")).toThrow(new RegExp(`"${k}"`));
    }
    expect(() => parseFunctionConfig({ ...base, triggers: [{ cron: "* * * * *", jitter: "5s" }] }, "app")).toThrow(/jitter/);
    expect(() => parseFunctionConfig({ ...base, concurrency: { limit: 1, key: "event.data.(" } }, "app")).toThrow(SyncError);
    expect(() => parseFunctionConfig({ ...base, steps: { step: { ...base.steps.step, retries: { attempts: 21 } } } }, "app")).toThrow(
      /retries/,
    );
  });
  test("cron next times, with TZ prefix", () => {
    const after = new Date("2026-01-01T10:30:00Z");
    expect(cronNext("0 * * * *", after).toISOString()).toBe("2026-01-01T11:00:00.000Z");
    expect(cronNext("TZ=Europe/Paris 0 12 * * *", after).toISOString()).toBe("2026-01-01T11:00:00.000Z");
    expect(() => cronNext("not a cron", after)).toThrow();
  });
});
