import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { DataPathError, parseDataPath } from "@/lib/jobs/data-paths";

export const SUBSCRIPTION_VALIDATION = "Microsoft.EventGrid.SubscriptionValidationEvent";
export const BLOB_CREATED = "Microsoft.Storage.BlobCreated";

/** Azure Event Grid's own event schema: deliveries are an array of these. */
export const eventGridEventSchema = z.looseObject({
  id: z.string().min(1).max(200),
  eventType: z.string().min(1),
  subject: z.string().optional(),
  eventTime: z.string().optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export const eventGridBatchSchema = z.array(eventGridEventSchema).min(1).max(100);
export type EventGridEvent = z.infer<typeof eventGridEventSchema>;

/** True when a parsed JSON body has the shape of an Event Grid delivery. */
export function looksLikeEventGrid(body: unknown): boolean {
  return (
    Array.isArray(body) &&
    body.length > 0 &&
    body.every(
      (e) => typeof e === "object" && e !== null && "eventType" in e && ("dataVersion" in e || "metadataVersion" in e || "data" in e),
    )
  );
}

/** The account name of the platform's storage (workspaceblobstore lives there). */
function platformAccountName(): string | null {
  const cs = getEnv().AZURE_STORAGE_CONNECTION_STRING;
  if (/UseDevelopmentStorage=true/i.test(cs)) return "devstoreaccount1";
  return /AccountName=([^;]+)/i.exec(cs)?.[1] ?? null;
}

/**
 * Maps the URL of a created blob to a path in one of the workspace's datastores (same account and
 * container), e.g. `datastores/workspaceblobstore/paths/in/a.csv`. A blob outside every registered
 * datastore is refused: we hold no credential to read it, and a webhook must not reach other storage.
 */
export async function blobUrlToDataPath(opts: { workspaceId: string; url: string }): Promise<string> {
  let parsed;
  try {
    parsed = parseDataPath(opts.url);
  } catch (e) {
    if (e instanceof DataPathError) throw new AppError("BAD_REQUEST", `data.url is not a blob URL: ${e.message}`);
    throw e;
  }
  if (parsed.kind !== "url" || !parsed.path || parsed.path.endsWith("/"))
    throw new AppError("BAD_REQUEST", "data.url must be the URL of a blob.");
  const stores = await db.datastore.findMany({
    where: { workspaceId: opts.workspaceId, kind: "azure_blob", containerName: parsed.containerName },
    select: { name: true, auth: true, accountName: true },
    orderBy: { isDefault: "desc" },
  });
  const platform = platformAccountName();
  const store = stores.find((s) => (s.auth === "platform" ? platform : s.accountName)?.toLowerCase() === parsed.accountName.toLowerCase());
  if (!store) {
    throw new AppError(
      "BAD_REQUEST",
      `The blob's container '${parsed.accountName}/${parsed.containerName}' is not a datastore of this workspace; register it as a datastore first.`,
    );
  }
  return `datastores/${store.name}/paths/${parsed.path}`;
}
