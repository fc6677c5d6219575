import { Readable } from "node:stream";
import { AppError } from "@/lib/errors";
import { openJobFile, type JobFile } from "@/lib/jobs/job-output";
import { withSessionAuth } from "@/lib/api/with-session-auth";

const FILES: readonly JobFile[] = ["predictions", "errors", "summary"];

// Downloads a finished job's predictions, errors.jsonl or summary for a member signed in to the dashboard.
export const GET = withSessionAuth<{ workspace: string; job: string; file: string }>("job:read", async ({ workspace: ctx, params }) => {
  if (!(FILES as readonly string[]).includes(params.file))
    throw new AppError("NOT_FOUND", `There is no '${params.file}' file; use predictions, errors or summary.`);
  const { stream, fileName, contentType } = await openJobFile({
    workspaceId: ctx.workspace.id,
    name: params.job,
    file: params.file as JobFile,
  });
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "private, no-store",
    },
  });
});
