import { Readable } from "node:stream";
import { openJobOutput } from "@/lib/jobs/script-outputs";
import { withSessionAuth } from "@/lib/api/with-session-auth";

// Downloads one file of a job's output location (e.g. one the scoring script wrote) for a signed-in member.
export const GET = withSessionAuth<{ workspace: string; job: string; path: string[] }>("job:read", async ({ workspace: ctx, params }) => {
  const { stream, fileName } = await openJobOutput({ workspaceId: ctx.workspace.id, name: params.job, path: params.path.join("/") });
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="${fileName.replace(/["\\\r\n]/g, "_")}"`,
      "cache-control": "private, no-store",
    },
  });
});
