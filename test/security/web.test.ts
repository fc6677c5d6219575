import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as hookRoute from "@/app/api/hooks/[webhookId]/route";
import { readJsonBody } from "@/lib/api/read-body";
import { safeCallbackPath } from "@/lib/auth/safe-callback";
import { ADDRESS_ATTEMPTS, PAIR_FREE } from "@/lib/auth/throttle";
import { verifyCredentials } from "@/lib/auth/verify-credentials";
import { parseEnv } from "@/lib/env";
import { inviteMember } from "@/lib/members/invite-member";
import { signUp } from "@/lib/users/sign-up";
import { SIGNUP_CLOSED_MESSAGE, SIGNUP_INVITE_ONLY_MESSAGE, signUpPageState } from "@/lib/users/signup-policy";
import { db } from "@/lib/db";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import { createWebhook } from "@/lib/webhooks/create-webhook";
import { ALLOW_PRIVATE_ENV } from "@/lib/webhooks/egress";
import { createUserWithWorkspace, uniqueEmail } from "../support/factories";

type Handler = (request: Request, route: { params: Promise<any> }) => Promise<Response>;

/**
 * Serves one handler over real HTTP the way Next does: the web Request's body is the socket's
 * stream, pulled only when the handler reads it. `pulled` counts the bytes the handler took.
 */
async function serveStreaming(handler: Handler, params: (url: URL) => unknown) {
  const stats = { pulled: 0 };
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const iterator = req[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { done, value } = await iterator.next();
          if (done) return controller.close();
          stats.pulled += (value as Buffer).length;
          controller.enqueue(new Uint8Array(value as Buffer));
        },
        cancel() {
          req.pause();
        },
      },
      { highWaterMark: 0 },
    );
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(url, { method: req.method, headers, body, duplex: "half" } as RequestInit);
    const response = await handler(request, { params: Promise.resolve(params(url)) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { port, stats, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * POSTs a chunked body (no Content-Length) of up to `maxBytes`, 64 KiB at a time, and stops
 * sending as soon as an answer arrives. Returns the status, the answer and how much was sent.
 */
function postChunked(port: number, path: string, maxBytes: number): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const req = httpRequest(
      { host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8"), sent });
          req.destroy();
        });
      },
    );
    req.on("error", (e) => (answered ? undefined : reject(e)));
    const pump = () => {
      while (!answered && sent < maxBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

let workspaceId: string;
let webhookId: string;
let hooks: Awaited<ReturnType<typeof serveStreaming>>;

beforeAll(async () => {
  const { user, workspace } = await createUserWithWorkspace("websec");
  workspaceId = workspace.id;
  await createEndpoint({ workspaceId, actor: { userId: user.id }, input: { name: "scorer" } });
  const created = await createWebhook({
    workspaceId,
    actor: { userId: user.id },
    input: { direction: "inbound", name: "on-upload", endpointName: "scorer" },
  });
  webhookId = created.webhook.id;
  hooks = await serveStreaming(hookRoute.POST as Handler, (url) => ({
    webhookId: decodeURIComponent(url.pathname.split("/").pop() ?? ""),
  }));
});
afterAll(async () => {
  await hooks?.close();
});

describe("hostile: bodies larger than anyone should send", () => {
  it("an unknown inbound webhook answers 404 without reading the body", async () => {
    hooks.stats.pulled = 0;
    const res = await postChunked(hooks.port, "/api/hooks/cl0nosuchwebhook0000000000", 150 * 1024 * 1024);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect(hooks.stats.pulled).toBe(0);
    expect(res.sent).toBeLessThan(150 * 1024 * 1024);
  });

  it("a chunked body without a length to a real trigger stops at 1 MiB with 413, and starts nothing", async () => {
    hooks.stats.pulled = 0;
    const res = await postChunked(hooks.port, `/api/hooks/${webhookId}`, 150 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE", message: "The body is larger than 1 MiB." } });
    expect(hooks.stats.pulled).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    expect(res.sent).toBeLessThan(150 * 1024 * 1024);
    expect(await db.webhookDelivery.count({ where: { webhookId } })).toBe(0);
    expect(await db.job.count({ where: { workspaceId } })).toBe(0);
  });

  it("a declared Content-Length over 1 MiB is refused before a byte is read", async () => {
    hooks.stats.pulled = 0;
    const res = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: hooks.port,
          path: `/api/hooks/${webhookId}`,
          method: "POST",
          headers: { "content-length": String(50 * 1024 * 1024) },
        },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on("error", reject);
      req.write(Buffer.alloc(1024));
    });
    expect(res).toBe(413);
    expect(hooks.stats.pulled).toBe(0);
  });

  it("every JSON body of the API is bounded the same way", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          pulled += 65536;
          c.enqueue(new Uint8Array(65536));
        },
      },
      { highWaterMark: 0 },
    );
    const request = new Request("http://x/api/v1/endpoints", { method: "POST", body: endless, duplex: "half" } as RequestInit);
    await expect(readJsonBody(request)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE", status: 413 });
    expect(pulled).toBeLessThanOrEqual(1024 * 1024 + 2 * 65536);
    await expect(readJsonBody(new Request("http://x", { method: "POST", body: "{nope" }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(readJsonBody(new Request("http://x", { method: "POST", body: '{"name":"a"}' }))).resolves.toEqual({ name: "a" });
  });
});

describe("hostile: an outbound webhook at this machine by another spelling", () => {
  it.each([
    "http://LOCALHOST./hook",
    "http://localhost.:8080/hook",
    "http://[::ffff:127.0.0.1]:3000/x",
    "http://2130706433/x",
    "http://metadata.google.internal/",
  ])("%s is refused at creation and nothing is stored", async (url) => {
    const { user } = await db.membership.findFirstOrThrow({ where: { workspaceId }, select: { user: { select: { id: true } } } });
    const before = await db.webhook.count({ where: { workspaceId } });
    const saved = process.env[ALLOW_PRIVATE_ENV];
    delete process.env[ALLOW_PRIVATE_ENV];
    try {
      await expect(
        createWebhook({ workspaceId, actor: { userId: user.id }, input: { direction: "outbound", name: `out-${before}`, url } }),
      ).rejects.toThrow(/public addresses only/);
    } finally {
      if (saved !== undefined) process.env[ALLOW_PRIVATE_ENV] = saved;
    }
    expect(await db.webhook.count({ where: { workspaceId } })).toBe(before);
  });
});

describe("hostile: a sign-in link that sends the user elsewhere", () => {
  it.each(["/\\localhost:3933/phish", "//evil.example", "/%5Cevil.example", "https://evil.example", "javascript:alert(document.cookie)"])(
    "callbackUrl %j lands on /",
    (raw) => {
      expect(safeCallbackPath(raw)).toBe("/");
    },
  );
});

describe("hostile: guessing a password", () => {
  // The counters' windows are measured with Date.now(); it stands still here unless a test moves
  // it, so a slow, shared machine cannot let a window lapse mid-test. Timers and I/O run as usual.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => "signed in",
      (e: { code?: string }) => e.code ?? "error",
    );

  it("25 parallel wrong guesses from one address: at most PAIR_FREE + 1 passwords are checked, the rest are told to wait", async () => {
    const email = uniqueEmail("victim");
    await signUp({ name: "Victim", email, password: "the owner's password" });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => outcome(verifyCredentials({ email, password: `guess ${i}`, address: "203.0.113.7" }))),
    );
    const evaluated = results.filter((r) => r === "UNAUTHENTICATED").length;
    expect(evaluated).toBeGreaterThanOrEqual(PAIR_FREE);
    expect(evaluated).toBeLessThanOrEqual(PAIR_FREE + 1);
    expect(results.filter((r) => r === "RATE_LIMITED")).toHaveLength(25 - evaluated);
    expect(results).not.toContain("signed in");
    // The attacker's next guess, even the right password, waits; the message says how long.
    await expect(verifyCredentials({ email, password: "the owner's password", address: "203.0.113.7" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringMatching(/^Too many sign-in attempts\. Try again in \d+ (second|minute)s?\.$/),
    });
  });

  it("the real owner still signs in from their own address after an attacker's guesses", async () => {
    const email = uniqueEmail("owner");
    await signUp({ name: "Owner", email, password: "the owner's password" });
    for (let i = 0; i < 12; i++) await outcome(verifyCredentials({ email, password: `guess ${i}`, address: "198.51.100.23" }));
    await expect(verifyCredentials({ email, password: "the owner's password", address: "192.0.2.50" })).resolves.toMatchObject({ email });
    // And again: a success does not leave the owner's own address throttled.
    await expect(verifyCredentials({ email, password: "the owner's password", address: "192.0.2.50" })).resolves.toMatchObject({ email });
  });

  it("the wait grows: each further guess from that address waits longer, and waiting lets the owner in", async () => {
    const email = uniqueEmail("backoff");
    const address = "198.51.100.99";
    await signUp({ name: "Backoff", email, password: "the owner's password" });
    const attempt = (password = "guess") =>
      verifyCredentials({ email, password, address }).then(
        () => ({ code: "signed in", wait: 0 }),
        (e) => ({ code: e.code as string, wait: (e.details?.retryAfterMs as number) ?? 0 }),
      );
    for (let i = 0; i < PAIR_FREE + 1; i++) expect((await attempt()).code).toBe("UNAUTHENTICATED");
    const first = await attempt();
    expect(first.code).toBe("RATE_LIMITED");
    vi.setSystemTime(Date.now() + first.wait + 1);
    expect((await attempt()).code).toBe("UNAUTHENTICATED");
    const second = await attempt();
    expect(second.code).toBe("RATE_LIMITED");
    expect(second.wait).toBeGreaterThan(first.wait);
    vi.setSystemTime(Date.now() + second.wait + 1);
    expect((await attempt("the owner's password")).code).toBe("signed in");
    expect((await attempt("the owner's password")).code).toBe("signed in");
  });

  it("one address spraying many accounts is stopped after ADDRESS_ATTEMPTS failures; its successful sign-ins do not count", async () => {
    const address = "203.0.113.250";
    const email = uniqueEmail("office");
    await signUp({ name: "Office", email, password: "the owner's password" });
    for (let i = 0; i < 3; i++)
      await expect(verifyCredentials({ email, password: "the owner's password", address })).resolves.toMatchObject({ email });
    const results: string[] = [];
    for (let i = 0; i < ADDRESS_ATTEMPTS + 3; i++)
      results.push(await outcome(verifyCredentials({ email: uniqueEmail(`spray${i}`), password: "Password1", address })));
    expect(results.slice(0, ADDRESS_ATTEMPTS).every((r) => r === "UNAUTHENTICATED")).toBe(true);
    expect(results.slice(ADDRESS_ATTEMPTS)).toEqual(["RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"]);
  });
});

describe("hostile: signing up where the operator said no", () => {
  const saved = process.env.BATCHPOINT_SIGNUP;
  afterEach(() => {
    if (saved === undefined) delete process.env.BATCHPOINT_SIGNUP;
    else process.env.BATCHPOINT_SIGNUP = saved;
  });
  const usersWith = (email: string) => db.user.count({ where: { email } });

  it("closed: nobody gets an account, not even with an invitation, and the page says why", async () => {
    const { user: owner, workspace } = await createUserWithWorkspace("closer");
    const email = uniqueEmail("shut-out");
    const { token } = await inviteMember({
      workspaceId: workspace.id,
      actor: { userId: owner.id },
      baseUrl: "http://x",
      email,
      role: "reader",
    });
    process.env.BATCHPOINT_SIGNUP = "closed";
    await expect(signUp({ name: "Nope", email, password: "long enough pw" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: SIGNUP_CLOSED_MESSAGE,
    });
    await expect(
      signUp({ name: "Nope", email, password: "long enough pw", invitation: token, personalWorkspace: false }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: SIGNUP_CLOSED_MESSAGE });
    expect(await usersWith(email)).toBe(0);
    expect(await signUpPageState({})).toEqual({ form: false, message: SIGNUP_CLOSED_MESSAGE });
  });

  it("invite: only the invited address, with its invitation, gets an account", async () => {
    const { user: owner, workspace } = await createUserWithWorkspace("inviter");
    const invited = uniqueEmail("invited");
    const stranger = uniqueEmail("stranger");
    const { token } = await inviteMember({
      workspaceId: workspace.id,
      actor: { userId: owner.id },
      baseUrl: "http://x",
      email: invited,
      role: "scientist",
    });
    process.env.BATCHPOINT_SIGNUP = "invite";
    await expect(signUp({ name: "S", email: stranger, password: "long enough pw" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: SIGNUP_INVITE_ONLY_MESSAGE,
    });
    await expect(
      signUp({ name: "S", email: stranger, password: "long enough pw", invitation: token, personalWorkspace: false }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining(`for ${invited}`) });
    await expect(
      signUp({
        name: "S",
        email: stranger,
        password: "long enough pw",
        invitation: "inv_not_a_real_invitation_token",
        personalWorkspace: false,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("invalid, expired") });
    expect(await usersWith(stranger)).toBe(0);
    expect(await signUpPageState({})).toEqual({ form: false, message: SIGNUP_INVITE_ONLY_MESSAGE });
    expect(await signUpPageState({ invitation: token })).toEqual({ form: true });
    const { user } = await signUp({ name: "I", email: invited, password: "long enough pw", invitation: token, personalWorkspace: false });
    expect(user.email).toBe(invited);
  });

  it("open (the default): anyone may sign up", async () => {
    delete process.env.BATCHPOINT_SIGNUP;
    const email = uniqueEmail("anyone");
    await expect(signUp({ name: "A", email, password: "long enough pw" })).resolves.toMatchObject({ user: { email } });
    expect(await signUpPageState({})).toEqual({ form: true });
  });

  it("a mistyped BATCHPOINT_SIGNUP stops the server at start with a line that names it", () => {
    const base = {
      DATABASE_URL: "postgres://x/y",
      AZURE_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
      BATCHPOINT_SECRET_KEY: "1".repeat(64),
      NEXTAUTH_SECRET: "s".repeat(32),
    };
    expect(() => parseEnv({ ...base, BATCHPOINT_SIGNUP: "invites" })).toThrow("BATCHPOINT_SIGNUP must be open, invite or closed");
    expect(parseEnv({ ...base, BATCHPOINT_SIGNUP: "closed" }).BATCHPOINT_SIGNUP).toBe("closed");
    expect(parseEnv(base).BATCHPOINT_SIGNUP).toBe("open");
  });
});
