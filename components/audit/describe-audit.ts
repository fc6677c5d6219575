/** What each recorded action did, as a phrase about its target ("Revoked the API token"). Unknown actions read as their words. */
const ACTIONS: Record<string, string> = {
  "workspace.created": "Created the workspace",
  "workspace.renamed": "Renamed the workspace",
  "member.invited": "Invited",
  "member.joined": "Joined as member",
  "member.role_changed": "Changed the role of",
  "member.removed": "Removed the member",
  "invitation.revoked": "Revoked the invitation of",
  "token.created": "Created the API token",
  "token.revoked": "Revoked the API token",
  "datastore.created": "Registered the datastore",
  "data.created": "Registered the data asset",
  "data.deleted": "Deleted the data asset",
  "model.version_created": "Registered a version of the model",
  "endpoint.created": "Created the endpoint",
  "endpoint.updated": "Changed the endpoint",
  "endpoint.deleted": "Deleted the endpoint",
  "deployment.created": "Added the deployment",
  "deployment.updated": "Changed the deployment",
  "deployment.deleted": "Deleted the deployment",
  "deployment.version_restored": "Made an older version current of the deployment",
  "job.invoked": "Started the job",
  "job.cancel_requested": "Asked to cancel the job",
  "job.retry_failed": "Retried the failed mini-batches of the job",
  "jobdefinition.created": "Created the job definition",
  "jobdefinition.updated": "Changed the job definition",
  "jobdefinition.deleted": "Deleted the job definition",
  "webhook.created": "Added the webhook",
  "webhook.deleted": "Deleted the webhook",
  "webhook.test_sent": "Sent a test event to the webhook",
  "webhook.redelivered": "Redelivered an event to the webhook",
};

/** Whether the action's phrase already names the kind of resource ("… the endpoint"), so the target needs only its name. */
export const isKnownAction = (action: string) => Object.hasOwn(ACTIONS, action);

export function describeAction(action: string): string {
  if (ACTIONS[action]) return ACTIONS[action];
  const words = action.replace(/[._]/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The resource types of the log, in words, for the filter and for gone targets. */
export const RESOURCE_WORDS: Record<string, string> = {
  api_token: "API token",
  job: "job",
  endpoint: "endpoint",
  deployment: "deployment",
  model: "model",
  datastore: "datastore",
  webhook: "webhook",
  jobDefinition: "job definition",
  data_asset: "data asset",
  membership: "member",
  invitation: "invitation",
  workspace: "workspace",
};

export const resourceWord = (type: string) => RESOURCE_WORDS[type] ?? type.replace(/_/g, " ");

const plain = (v: unknown): string | null => (typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : null);

/**
 * The entry's details as short sentences, never raw JSON: the known keys of each action in words,
 * other plain values as "key: value"; the target's name is shown beside, not repeated here.
 */
export function describeDetails(action: string, metadata: Record<string, unknown>): string[] {
  const m = metadata ?? {};
  const out: string[] = [];
  const used = new Set(["name"]);
  const take = (k: string) => {
    used.add(k);
    return plain(m[k]);
  };
  switch (action) {
    case "member.role_changed":
      if (take("from") && take("to")) out.push(`from ${m.from} to ${m.to}`);
      break;
    case "member.invited":
      used.add("email");
      if (take("role")) out.push(`as ${m.role}`);
      break;
    case "member.joined":
    case "token.created":
      if (take("role")) out.push(`role ${m.role}`);
      break;
    case "deployment.updated":
      if (take("version")) out.push(`now version ${m.version}`);
      break;
    case "deployment.version_restored":
      used.add("endpoint");
      if (take("from") && take("version")) out.push(`version ${m.from} restored as version ${m.version}`);
      break;
    case "deployment.created":
    case "deployment.deleted":
      used.add("endpoint");
      break;
    case "job.invoked":
      if (take("endpoint")) out.push(`on endpoint ${m.endpoint}`);
      if (take("deployment")) out.push(`deployment ${m.deployment}`);
      break;
    case "job.retry_failed":
      if (take("miniBatches")) out.push(`${m.miniBatches} mini-batch${m.miniBatches === 1 ? "" : "es"}`);
      if (take("deploymentVersion")) out.push(`with deployment version ${m.deploymentVersion}`);
      break;
    case "webhook.created":
      if (take("direction")) out.push(String(m.direction));
      break;
    case "webhook.redelivered":
    case "webhook.test_sent":
      if (take("eventType")) out.push(String(m.eventType));
      if (take("eventId")) out.push(`event ${m.eventId}`);
      break;
    case "datastore.created":
      if (take("auth")) out.push(`authenticates with ${m.auth}`);
      break;
    case "model.version_created":
    case "data.created":
    case "data.deleted":
      if (take("version")) out.push(`version ${m.version}`);
      break;
    case "endpoint.updated":
      if (m.defaultDeployment !== undefined) {
        used.add("defaultDeployment");
        out.push(`default deployment ${plain(m.defaultDeployment) ?? "none"}`);
      }
      if (m.tags !== undefined && typeof m.tags === "object" && m.tags) {
        used.add("tags");
        const tags = Object.entries(m.tags as Record<string, unknown>).map(([k, v]) => `${k}=${plain(v) ?? ""}`);
        out.push(tags.length ? `tags ${tags.join(", ")}` : "no tags");
      }
      if (m.description !== undefined) {
        used.add("description");
        out.push(m.description ? `description “${plain(m.description)}”` : "no description");
      }
      break;
  }
  for (const [k, v] of Object.entries(m)) {
    if (used.has(k)) continue;
    const p = plain(v);
    if (p !== null) out.push(`${k.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}: ${p}`);
  }
  return out;
}
