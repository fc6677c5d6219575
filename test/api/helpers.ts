import * as dataOne from "@/app/api/v1/data/[name]/route";
import * as dataVersion from "@/app/api/v1/data/[name]/versions/[version]/route";
import * as dataVersions from "@/app/api/v1/data/[name]/versions/route";
import * as data from "@/app/api/v1/data/route";
import * as deploymentEnvironment from "@/app/api/v1/endpoints/[endpoint]/deployments/[deployment]/environment/route";
import * as deployment from "@/app/api/v1/endpoints/[endpoint]/deployments/[deployment]/route";
import * as deployments from "@/app/api/v1/endpoints/[endpoint]/deployments/route";
import * as endpointJobs from "@/app/api/v1/endpoints/[endpoint]/jobs/route";
import * as endpoint from "@/app/api/v1/endpoints/[endpoint]/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as jobEnvironment from "@/app/api/v1/jobs/[job]/environment/route";
import * as jobItems from "@/app/api/v1/jobs/[job]/items/route";
import * as jobLogs from "@/app/api/v1/jobs/[job]/logs/route";
import * as jobOutputFile from "@/app/api/v1/jobs/[job]/outputs/[...path]/route";
import * as jobOutputs from "@/app/api/v1/jobs/[job]/outputs/route";
import * as job from "@/app/api/v1/jobs/[job]/route";
import * as webhooks from "@/app/api/v1/webhooks/route";
import { serveRoutes } from "../webhooks/helpers";

const seg = "([^/]+)";

/** The REST routes of this area, served over real HTTP. */
export async function serveApi() {
  const api = await serveRoutes([
    { pattern: /^\/api\/v1\/data$/, params: () => ({}), methods: data },
    { pattern: new RegExp(`^/api/v1/data/${seg}$`), params: (m) => ({ name: decodeURIComponent(m[1]) }), methods: dataOne },
    { pattern: new RegExp(`^/api/v1/data/${seg}/versions$`), params: (m) => ({ name: decodeURIComponent(m[1]) }), methods: dataVersions },
    {
      pattern: new RegExp(`^/api/v1/data/${seg}/versions/${seg}$`),
      params: (m) => ({ name: decodeURIComponent(m[1]), version: decodeURIComponent(m[2]) }),
      methods: dataVersion,
    },
    { pattern: /^\/api\/v1\/endpoints$/, params: () => ({}), methods: endpoints },
    { pattern: new RegExp(`^/api/v1/endpoints/${seg}$`), params: (m) => ({ endpoint: m[1] }), methods: endpoint },
    { pattern: new RegExp(`^/api/v1/endpoints/${seg}/deployments$`), params: (m) => ({ endpoint: m[1] }), methods: deployments },
    {
      pattern: new RegExp(`^/api/v1/endpoints/${seg}/deployments/${seg}$`),
      params: (m) => ({ endpoint: m[1], deployment: m[2] }),
      methods: deployment,
    },
    {
      pattern: new RegExp(`^/api/v1/endpoints/${seg}/deployments/${seg}/environment$`),
      params: (m) => ({ endpoint: m[1], deployment: m[2] }),
      methods: deploymentEnvironment,
    },
    { pattern: new RegExp(`^/api/v1/endpoints/${seg}/jobs$`), params: (m) => ({ endpoint: m[1] }), methods: endpointJobs },
    { pattern: new RegExp(`^/api/v1/jobs/${seg}/environment$`), params: (m) => ({ job: m[1] }), methods: jobEnvironment },
    { pattern: new RegExp(`^/api/v1/jobs/${seg}$`), params: (m) => ({ job: m[1] }), methods: job },
    { pattern: new RegExp(`^/api/v1/jobs/${seg}/logs$`), params: (m) => ({ job: m[1] }), methods: jobLogs },
    { pattern: new RegExp(`^/api/v1/jobs/${seg}/items$`), params: (m) => ({ job: m[1] }), methods: jobItems },
    { pattern: new RegExp(`^/api/v1/jobs/${seg}/outputs$`), params: (m) => ({ job: m[1] }), methods: jobOutputs },
    {
      pattern: new RegExp(`^/api/v1/jobs/${seg}/outputs/(.+)$`),
      params: (m) => ({ job: m[1], path: m[2].split("/").map(decodeURIComponent) }),
      methods: jobOutputFile,
    },
    { pattern: /^\/api\/v1\/webhooks$/, params: () => ({}), methods: webhooks },
  ]);
  async function call(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${api.origin}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    const text = buf.toString("utf8");
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, text, buf, json, headers: res.headers };
  }
  return { ...api, call };
}
