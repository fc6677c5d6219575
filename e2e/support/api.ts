import { expect, type APIRequestContext } from "@playwright/test";

// One connection per request: a kept-alive socket the loaded server closed while the test drove the browser
// comes back as ECONNRESET on its next use.
export const auth = (token: string) => ({ authorization: `Bearer ${token}`, connection: "close" });

export const SCORE_PY = `import os
import pandas as pd

def init():
    print("ready")

def run(mini_batch):
    return pd.DataFrame({"file": [os.path.basename(p) for p in mini_batch]})
`;

/** Creates an endpoint with one python deployment over REST; returns the endpoint's name. */
export async function seedEndpoint(
  request: APIRequestContext,
  token: string,
  name: string,
  deployment = "blue",
  extra: Record<string, unknown> = {},
) {
  expect((await request.post("/api/v1/endpoints", { headers: auth(token), data: { name } })).status()).toBe(201);
  const dep = await request.post(`/api/v1/endpoints/${name}/deployments`, {
    headers: auth(token),
    data: {
      name: deployment,
      runtime: "python",
      interpreter: "/usr/bin/python3",
      code: { files: { "score.py": SCORE_PY } },
      scoringScript: "score.py",
      ...extra,
    },
  });
  expect(dep.status(), await dep.text()).toBe(201);
  return name;
}

/**
 * How long a test waits for a state before it fails: a bound on a hang, not an estimate of the work,
 * long enough for a shared machine at load 10-20 with two workers (E2E_WAIT_MS overrides it).
 */
export const E2E_WAIT_MS = Number(process.env.E2E_WAIT_MS) || 150_000;

/** Calls `check` every `intervalMs` until it returns something other than undefined; fails naming `what` after E2E_WAIT_MS. */
export async function until<T>(what: string | (() => string), check: () => Promise<T | undefined>, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + E2E_WAIT_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${E2E_WAIT_MS / 1000} s waiting for ${typeof what === "string" ? what : what()}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const FINAL_STATUSES = ["completed", "completed_with_errors", "failed", "canceled"];

/** Polls a job over REST (with `headers`) until it reaches one of `statuses`; returns its last answer. */
export async function pollJob(request: APIRequestContext, headers: Record<string, string>, name: string, statuses = FINAL_STATUSES) {
  let last = "";
  return until(
    () => `job ${name} to reach ${statuses.join("/")} (last seen: ${last || "no answer"})`,
    async () => {
      const job = await (await request.get(`/api/v1/jobs/${name}`, { headers })).json();
      last = job.status;
      return statuses.includes(job.status) ? job : undefined;
    },
  );
}

/** Polls a job over REST until it reaches one of `statuses`. */
export function waitForJob(request: APIRequestContext, token: string, name: string, statuses = FINAL_STATUSES) {
  return pollJob(request, auth(token), name, statuses);
}

/**
 * The data input kinds the server registers (lib/jobs/inputs), read from the OpenAPI document it serves: the
 * invoke body's `input.type` enum. Forms that list the kinds must offer exactly these.
 */
export async function registeredInputTypes(request: APIRequestContext): Promise<string[]> {
  const res = await request.get("/api/v1/openapi.json");
  expect(res.status()).toBe(200);
  const doc = await res.json();
  const types = doc.components.schemas.InvokeJob.properties.input.properties.type.enum as string[];
  expect(types.length).toBeGreaterThan(0);
  return types;
}
