import { Cron } from "croner";
import { compileExpr, parseDuration } from "./util";

/** Inngest's published limits, enforced the same way here. */
export const LIMITS = {
  maxStepsPerRun: 1000,
  maxStepOutputBytes: 4 * 1024 * 1024,
  maxRunStateBytes: 32 * 1024 * 1024,
  maxEventsPerSend: 5000,
  maxEventBytes: 3 * 1024 * 1024,
  maxRequestBytes: 256 * 1024 * 1024,
  maxRetries: 20,
  eventDedupeMs: 24 * 3600_000,
  idempotencyMs: 24 * 3600_000,
  maxConcurrencyLimit: 100_000,
};

export interface ConcurrencyRule {
  limit: number;
  key?: string;
  scope: "fn" | "env" | "account";
}
export interface CancelRule {
  event: string;
  if?: string;
  timeoutMs?: number;
}
export type Trigger = { event: string; expression?: string } | { cron: string };

/** A function as the executor keeps it (parsed and validated from the SDK's sync payload). */
export interface FnDef {
  id: string;
  name: string;
  appId: string;
  url: string;
  triggers: Trigger[];
  maxAttempts: number;
  concurrency: ConcurrencyRule[];
  cancel: CancelRule[];
  timeouts: { startMs?: number; finishMs?: number };
  idempotency?: string;
}

const SUPPORTED = new Set(["id", "name", "triggers", "steps", "idempotency", "concurrency", "cancel", "timeouts"]);
const UNSUPPORTED_MSG: Record<string, string> = {
  batchEvents: "batchEvents (event batching)",
  rateLimit: "rateLimit",
  throttle: "throttle",
  debounce: "debounce",
  priority: "priority",
  singleton: "singleton",
};

export class SyncError extends Error {}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Validate one function config from the SDK register payload. Throws SyncError naming the option it refuses. */
export function parseFunctionConfig(raw: Record<string, unknown>, appId: string): FnDef {
  const id = String(raw.id ?? "");
  if (!id) throw new SyncError("function without id");
  const where = `function "${id}"`;
  for (const [k, v] of Object.entries(raw)) {
    if (!isSet(v)) continue;
    if (k in UNSUPPORTED_MSG) {
      throw new SyncError(
        `${where}: option "${k}" (${UNSUPPORTED_MSG[k]}) is not supported by the embedded executor; remove it or run on Inngest`,
      );
    }
    if (!SUPPORTED.has(k)) throw new SyncError(`${where}: option "${k}" is not supported by the embedded executor`);
  }
  const steps = (raw.steps ?? {}) as Record<string, { runtime?: { type?: string; url?: string }; retries?: { attempts?: number } }>;
  const step = steps.step ?? Object.values(steps)[0];
  if (!step?.runtime?.url) throw new SyncError(`${where}: no step runtime URL`);
  if (step.runtime.type && step.runtime.type !== "http") {
    throw new SyncError(`${where}: runtime type "${step.runtime.type}" (connect) is not supported; serve over HTTP`);
  }
  const retries = step.retries?.attempts ?? 3;
  if (!Number.isInteger(retries) || retries < 0 || retries > LIMITS.maxRetries) {
    throw new SyncError(`${where}: retries must be an integer between 0 and ${LIMITS.maxRetries}`);
  }
  const triggers: Trigger[] = [];
  for (const t of (raw.triggers ?? []) as Record<string, unknown>[]) {
    if (typeof t.cron === "string") {
      if (isSet(t.jitter)) throw new SyncError(`${where}: cron option "jitter" is not supported by the embedded executor`);
      try {
        cronNext(t.cron, new Date());
      } catch (e) {
        throw new SyncError(`${where}: invalid cron "${t.cron}": ${(e as Error).message}`);
      }
      triggers.push({ cron: t.cron });
    } else if (typeof t.event === "string") {
      const expression = typeof t.expression === "string" && t.expression ? t.expression : undefined;
      if (expression) checkExpr(where, "trigger if", expression);
      triggers.push({ event: t.event, ...(expression ? { expression } : {}) });
    } else {
      throw new SyncError(`${where}: unsupported trigger ${JSON.stringify(t)}`);
    }
  }
  const concurrency: ConcurrencyRule[] = [];
  const rawConc = raw.concurrency;
  if (isSet(rawConc)) {
    const list = Array.isArray(rawConc) ? rawConc : [rawConc];
    if (list.length > 2) throw new SyncError(`${where}: at most 2 concurrency rules`);
    for (const c of list) {
      const rule = typeof c === "number" ? { limit: c } : (c as { limit: number; key?: string; scope?: string });
      if (!Number.isInteger(rule.limit) || rule.limit < 0 || rule.limit > LIMITS.maxConcurrencyLimit) {
        throw new SyncError(`${where}: concurrency limit must be an integer between 0 and ${LIMITS.maxConcurrencyLimit}`);
      }
      if (rule.limit === 0) continue; // 0 = unlimited, as on Inngest
      const scope = (rule.scope ?? "fn") as ConcurrencyRule["scope"];
      if (!["fn", "env", "account"].includes(scope)) throw new SyncError(`${where}: concurrency scope "${scope}" unknown`);
      if (rule.key) checkExpr(where, "concurrency key", rule.key);
      concurrency.push({ limit: rule.limit, scope, ...(rule.key ? { key: rule.key } : {}) });
    }
  }
  const cancel: CancelRule[] = [];
  for (const c of (raw.cancel ?? []) as Record<string, unknown>[]) {
    if (typeof c.event !== "string") throw new SyncError(`${where}: cancelOn without event`);
    const r: CancelRule = { event: c.event };
    if (typeof c.if === "string" && c.if) {
      checkExpr(where, "cancelOn if", c.if);
      r.if = c.if;
    }
    if (isSet(c.timeout)) r.timeoutMs = duration(where, "cancelOn timeout", c.timeout);
    cancel.push(r);
  }
  const timeouts: FnDef["timeouts"] = {};
  const rawTimeouts = raw.timeouts as Record<string, unknown> | undefined;
  if (rawTimeouts) {
    for (const k of Object.keys(rawTimeouts)) {
      if (!["start", "finish"].includes(k)) throw new SyncError(`${where}: timeouts.${k} is not supported`);
    }
    if (isSet(rawTimeouts.start)) timeouts.startMs = duration(where, "timeouts.start", rawTimeouts.start);
    if (isSet(rawTimeouts.finish)) timeouts.finishMs = duration(where, "timeouts.finish", rawTimeouts.finish);
  }
  let idempotency: string | undefined;
  if (typeof raw.idempotency === "string" && raw.idempotency) {
    checkExpr(where, "idempotency", raw.idempotency);
    idempotency = raw.idempotency;
  }
  return {
    id,
    name: String(raw.name ?? id),
    appId,
    url: step.runtime.url,
    triggers,
    maxAttempts: retries + 1,
    concurrency,
    cancel,
    timeouts,
    ...(idempotency ? { idempotency } : {}),
  };
}

function checkExpr(where: string, what: string, expr: string) {
  try {
    compileExpr(expr);
  } catch (e) {
    throw new SyncError(`${where}: invalid ${what} expression "${expr}": ${(e as Error).message.split("\n")[0]}`);
  }
}

function duration(where: string, what: string, v: unknown): number {
  try {
    return parseDuration(v as string);
  } catch {
    throw new SyncError(`${where}: invalid ${what} "${String(v)}"`);
  }
}

/** Next fire time of an Inngest cron ("TZ=Europe/Paris 0 9 * * *" prefixes allowed). */
export function cronNext(expr: string, after: Date): Date {
  let tz: string | undefined;
  let pattern = expr.trim();
  const m = pattern.match(/^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/);
  if (m) {
    tz = m[1];
    pattern = m[2];
  }
  const c = new Cron(pattern, { paused: true, ...(tz ? { timezone: tz } : {}) });
  const next = c.nextRun(after);
  c.stop();
  if (!next) throw new Error("cron has no next run");
  return next;
}
