// The executor's side of the SDK protocol over HTTP: call requests (signed in cloud mode, responses
// verified) and sync PUTs. Behind the SdkDriver interface so the op handlers run against a fake.
import http from "node:http";
import https from "node:https";
import type { FnDef } from "./config";
import { errObj, type Op } from "./types";
import { canonicalize, signBody, verifySignature } from "./util";

export type CallResult =
  | { kind: "ops"; ops: Op[]; noRetry: boolean; retryAfter: string | null }
  | { kind: "done"; data: unknown }
  | { kind: "error"; error: unknown; noRetry: boolean; retryAfter: string | null };

export interface SdkDriver {
  /** One call request for `fn` (stepId: the planned step to run, or null to discover). */
  call(fn: FnDef, stepId: string | null, body: string): Promise<CallResult>;
  /** The sync PUT on a serve URL (the SDK then registers); throws with the SDK's refusal. */
  sync(url: string): Promise<void>;
}

interface HttpResult {
  status: number;
  text: string;
  header(name: string): string | null;
}

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 512 }), https: new https.Agent({ keepAlive: true, maxSockets: 512 }) };

/** POST over node:http with keep-alive (lighter than fetch on the hot path). No timeout: steps may run long. */
function httpPost(url: URL, headers: Record<string, string>, body: string): Promise<HttpResult> {
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        agent: url.protocol === "https:" ? agents.https : agents.http,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const h = res.headers;
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString("utf8"),
            header: (n) => {
              const v = h[n.toLowerCase()];
              return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
            },
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The real driver. With a signing key: signed requests ("cloud" mode), verified responses. */
export function createHttpDriver(opts: { signingKey?: string }): SdkDriver {
  const { signingKey } = opts;
  const serverKind = signingKey ? "cloud" : "dev";
  return {
    async call(fn, stepId, body) {
      const url = new URL(fn.url);
      url.searchParams.set("fnId", fn.id);
      url.searchParams.set("stepId", stepId ?? "step");
      const headers: Record<string, string> = { "content-type": "application/json", "x-inngest-server-kind": serverKind };
      // The SDK verifies the signature over the canonicalized (RFC 8785) form of the parsed body.
      if (signingKey) headers["x-inngest-signature"] = signBody(canonicalize(JSON.parse(body)), signingKey);
      let res: HttpResult;
      try {
        res = await httpPost(url, headers, body);
      } catch (e) {
        return {
          kind: "error",
          error: errObj("SDKUnreachable", `call to ${url.origin}${url.pathname} failed: ${(e as Error).message}`),
          noRetry: false,
          retryAfter: null,
        };
      }
      const text = res.text;
      if (signingKey && (res.status === 200 || res.status === 206)) {
        if (!verifySignature(res.header("x-inngest-signature"), text, signingKey)) {
          return {
            kind: "error",
            error: errObj("InvalidSignature", "the SDK's response signature did not verify"),
            noRetry: false,
            retryAfter: null,
          };
        }
      }
      const noRetry = res.header("x-inngest-no-retry") === "true";
      const retryAfter = res.header("retry-after");
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = undefined; // not JSON: reported below as an HTTPError with the text
      }
      if (res.status === 206 && Array.isArray(parsed) && parsed.length > 0)
        return { kind: "ops", ops: parsed as Op[], noRetry, retryAfter };
      if (res.status === 200 && parsed !== undefined) return { kind: "done", data: parsed };
      const error =
        parsed && typeof parsed === "object" && !Array.isArray(parsed)
          ? parsed
          : errObj("HTTPError", `SDK responded ${res.status}: ${text.slice(0, 500)}`);
      return { kind: "error", error, noRetry, retryAfter };
    },

    async sync(sdkUrl) {
      const body = "";
      const headers: Record<string, string> = { "x-inngest-server-kind": serverKind };
      if (signingKey) headers["x-inngest-signature"] = signBody(body, signingKey);
      const res = await fetch(sdkUrl, { method: "PUT", headers });
      const text = await res.text();
      if (res.status !== 200) {
        let msg = text;
        try {
          msg = JSON.parse(text).message ?? text;
        } catch {
          msg = text; // not JSON: the text is the message
        }
        throw new Error(`sync of ${sdkUrl} failed (${res.status}): ${msg}`);
      }
    },
  };
}
