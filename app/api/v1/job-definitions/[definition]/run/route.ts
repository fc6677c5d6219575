import { withApiAuth } from "@/lib/api/with-api-auth";
import { baseUrlOf, json, jsonBody } from "@/lib/api/respond";
import { AppError } from "@/lib/errors";
import { runJobDefinitionNow } from "@/lib/job-definitions/run-job-definition";
import { presentJob } from "@/lib/jobs/present-job";

// Runs the definition now, outside its schedule: 202 with the job, as invoking the endpoint does.
export const POST = withApiAuth<{ definition: string }>("jobdefinition:run", async ({ principal, params, request }) => {
  const body = await jsonBody(request);
  if (body && typeof body === "object" && Object.keys(body).length) {
    throw new AppError(
      "BAD_REQUEST",
      `Run now takes no body; unknown field '${Object.keys(body)[0]}'. Change the definition to change what it runs.`,
    );
  }
  const { job, created } = await runJobDefinitionNow({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    name: params.definition,
  });
  const shown = presentJob(job, baseUrlOf(request));
  return json({ name: shown.name, status: shown.status, created, links: shown.links }, 202, { location: shown.links.self });
});
