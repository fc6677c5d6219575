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

/** Polls a job over REST until it reaches one of `statuses`. */
export async function waitForJob(
  request: APIRequestContext,
  token: string,
  name: string,
  statuses = ["completed", "completed_with_errors", "failed", "canceled"],
) {
  for (let i = 0; i < 400; i++) {
    const job = await (await request.get(`/api/v1/jobs/${name}`, { headers: auth(token) })).json();
    if (statuses.includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`job ${name} did not reach ${statuses.join("/")}`);
}
