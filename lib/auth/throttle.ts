import "server-only";
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { getEnv } from "@/lib/env";

/**
 * Sign-in throttling that slows the attacker, not the owner. Every counter is an atomic upsert in
 * PostgreSQL (rate-limiter-flexible, table "rate_limit"), taken BEFORE the password is checked, so
 * parallel guesses cannot slip past a read-then-write race.
 * - Per address: at most ADDRESS_ATTEMPTS failed (or in-flight) sign-ins per 15 minutes from one client address.
 * - Per account and address: PAIR_FREE attempts, then one attempt per backoff window that doubles
 *   with every further attempt (1 s, 2 s, 4 s, ... up to 15 min). A success clears it. The owner,
 *   signing in from another address, is not slowed by an attacker's guesses.
 * - Per account: after ACCOUNT_FREE failed attempts in an hour from any mix of addresses (an attacker who
 *   rotates addresses), one attempt per backoff window (1 s doubling up to 1 min) for everyone.
 */
export const ADDRESS_ATTEMPTS = 30;
export const PAIR_FREE = 5;
export const ACCOUNT_FREE = 50;
const PAIR_MAX_DELAY_S = 15 * 60;
const ACCOUNT_MAX_DELAY_S = 60;
const COUNTER_POINTS = 1_000_000_000;

type Limiters = {
  byAddress: RateLimiterPostgres;
  pairCount: RateLimiterPostgres;
  pairGate: RateLimiterPostgres;
  accountCount: RateLimiterPostgres;
  accountGate: RateLimiterPostgres;
};

const globalForThrottle = globalThis as unknown as { batchpointThrottle?: { url: string; pool: pg.Pool; limiters: Limiters } };

function limiters(): Limiters {
  const url = getEnv().DATABASE_URL;
  if (globalForThrottle.batchpointThrottle?.url !== url) {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // The library names its prepared statements; the embedded PGlite serves every connection from
    // one session, where a second connection's PREPARE of the same name fails. Unnamed statements
    // are the same SQL, still one atomic upsert each.
    const store = { query: (q: { text: string; values?: unknown[] }) => pool.query({ text: q.text, values: q.values }) };
    const make = (keyPrefix: string, points: number, duration: number, blockDuration = 0) =>
      new RateLimiterPostgres({
        storeClient: store,
        storeType: "pool",
        tableName: "rate_limit",
        tableCreated: true,
        keyPrefix,
        points,
        duration,
        blockDuration,
      });
    globalForThrottle.batchpointThrottle = {
      url,
      pool,
      limiters: {
        byAddress: make("signin-addr", ADDRESS_ATTEMPTS, 15 * 60, 15 * 60),
        pairCount: make("signin-pair", COUNTER_POINTS, 24 * 60 * 60),
        pairGate: make("signin-pair-gate", 1, 1),
        accountCount: make("signin-acct", COUNTER_POINTS, 60 * 60),
        accountGate: make("signin-acct-gate", 1, 1),
      },
    };
  }
  return globalForThrottle.batchpointThrottle.limiters;
}

/** Seconds to wait before the n-th attempt past the free ones: 1, 2, 4, ... capped. */
export function backoffSeconds(attemptsPastFree: number, maxSeconds: number): number {
  return Math.min(2 ** Math.max(0, attemptsPastFree - 1), maxSeconds);
}

export class SignInThrottled extends Error {
  constructor(public readonly retryAfterMs: number) {
    super("sign-in throttled");
    this.name = "SignInThrottled";
  }
}

async function take(limiter: RateLimiterPostgres, key: string, opts?: { customDuration: number }): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key, 1, opts);
  } catch (e) {
    if (e instanceof RateLimiterRes) throw new SignInThrottled(Math.max(1000, e.msBeforeNext));
    throw e;
  }
}

/**
 * Counts one sign-in attempt for `account` from `address` and decides whether its password may be
 * checked; throws SignInThrottled (with the wait) when it may not. Call before checking the password.
 */
export async function admitSignInAttempt(opts: { account: string; address: string }): Promise<void> {
  const l = limiters();
  const pairKey = `${opts.account}|${opts.address}`;
  await take(l.byAddress, opts.address);
  const pair = await take(l.pairCount, pairKey);
  if (pair.consumedPoints > PAIR_FREE)
    await take(l.pairGate, pairKey, { customDuration: backoffSeconds(pair.consumedPoints - PAIR_FREE, PAIR_MAX_DELAY_S) });
  const account = await take(l.accountCount, opts.account);
  if (account.consumedPoints > ACCOUNT_FREE)
    await take(l.accountGate, opts.account, { customDuration: backoffSeconds(account.consumedPoints - ACCOUNT_FREE, ACCOUNT_MAX_DELAY_S) });
}

/**
 * After a successful sign-in: the account's backoff from this address starts over, and the attempt
 * is given back to the address and account counters, so they count failures (and attempts in flight),
 * not the sign-ins of everyone behind one address.
 */
export async function clearSignInFailures(opts: { account: string; address: string }): Promise<void> {
  const l = limiters();
  const pairKey = `${opts.account}|${opts.address}`;
  await Promise.all([
    l.pairCount.delete(pairKey),
    l.pairGate.delete(pairKey),
    l.byAddress.reward(opts.address, 1),
    l.accountCount.reward(opts.account, 1),
  ]);
}

/** "12 seconds" / "3 minutes": how long to wait, for the sign-in form. */
export function describeWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 90) return `${s} second${s === 1 ? "" : "s"}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}
