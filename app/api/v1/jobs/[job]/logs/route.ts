import { z } from "zod";
import { json, queryOf } from "@/lib/api/respond";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { formatEnvironmentBuild, formatJobLogs, getJobEnvironmentBuild, getJobLogEntries } from "@/lib/jobs/job-logs";

const query = z.object({
  miniBatch: z.coerce.number().int().min(0).optional(),
  status: z.enum(["pending", "running", "completed", "failed", "canceled"]).optional(),
  format: z.enum(["text", "json"]).optional(),
});

/** JSON when asked for (?format=json, or an Accept that prefers application/json to text/plain); text otherwise. */
function wantsJson(request: Request, format?: string) {
  if (format) return format === "json";
  const accept = request.headers.get("accept") ?? "";
  const q = (type: string) => {
    const part = accept
      .split(",")
      .map((p) => p.trim())
      .find((p) => p.startsWith(type));
    if (!part) return -1;
    const m = /;\s*q=([\d.]+)/.exec(part);
    return m ? Number(m[1]) : 1;
  };
  return q("application/json") > q("text/plain");
}

// The environment's build log (when the deployment names an environment file), then the scoring script's
// whole log lines per mini-batch, and the error and traceback of each failed one.
export const GET = withApiAuth<{ job: string }>("job:read", async ({ principal, params, request }) => {
  const { format, ...filters } = queryOf(query, request);
  const logs = await getJobLogEntries({ workspaceId: principal.workspace.id, name: params.job, ...filters });
  const environment = await getJobEnvironmentBuild({ workspaceId: principal.workspace.id, name: params.job });
  if (wantsJson(request, format)) return json({ ...logs, environment });
  return new Response(formatEnvironmentBuild(environment) + formatJobLogs(logs.miniBatches), {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
});
