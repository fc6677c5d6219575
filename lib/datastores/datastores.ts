import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secret-box";
import { db, type Prisma } from "@/lib/db";
import { AppError, fieldError, isUniqueViolation, notFound } from "@/lib/errors";
import { ensureContainer, testConnection, type StorageTarget } from "@/lib/storage";
import { datastoreNameSchema } from "@/lib/validation";
import { endpointOfAccount, endpointOfConnectionString, refusedStorageEndpoint } from "./storage-endpoint";

/** What a datastore looks like to callers: never its credential. */
const publicSelect = {
  id: true,
  name: true,
  description: true,
  kind: true,
  auth: true,
  accountName: true,
  containerName: true,
  isDefault: true,
  createdAt: true,
} as const;

// Datastores of the workspace, default first.
export async function findDatastores(opts: { workspaceId: string }) {
  return db.datastore.findMany({
    where: { workspaceId: opts.workspaceId },
    orderBy: [{ isDefault: "desc" }, { name: "asc" }],
    select: publicSelect,
  });
}

export async function getDatastoreOrThrow(opts: { workspaceId: string; name: string }) {
  const ds = await db.datastore.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name }, select: publicSelect });
  if (!ds) throw notFound(`Datastore '${opts.name}'`);
  return ds;
}

/** The storage target of a datastore, with its credential decrypted: server-side use only. */
export async function getStorageTargetOrThrow(opts: { workspaceId: string; name: string }): Promise<StorageTarget> {
  const ds = await db.datastore.findFirst({
    where: { workspaceId: opts.workspaceId, name: opts.name },
    select: { kind: true, auth: true, accountName: true, containerName: true, credentialCiphertext: true },
  });
  if (!ds) throw notFound(`Datastore '${opts.name}'`);
  if (ds.kind === "filesystem") return { auth: "filesystem", workspaceId: opts.workspaceId, folder: ds.containerName };
  if (ds.auth === "platform") return { auth: "platform", containerName: ds.containerName };
  const credential = decryptSecret(ds.credentialCiphertext ?? "");
  if (ds.auth === "connection_string") return { auth: ds.auth, containerName: ds.containerName, credential };
  return { auth: ds.auth, accountName: ds.accountName ?? "", containerName: ds.containerName, credential };
}

const containerSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "Use 3-63 lowercase letters, digits and single dashes (Azure's container rule).");

export const createBlobDatastoreSchema = z.discriminatedUnion("auth", [
  z.object({
    kind: z.literal("azure_blob").optional(),
    auth: z.literal("connection_string"),
    name: datastoreNameSchema,
    description: z.string().max(500).optional(),
    containerName: containerSchema,
    connectionString: z.string().trim().min(1, "Paste the storage account's connection string."),
  }),
  z.object({
    kind: z.literal("azure_blob").optional(),
    auth: z.literal("account_key"),
    name: datastoreNameSchema,
    description: z.string().max(500).optional(),
    accountName: z
      .string()
      .trim()
      .regex(/^[a-z0-9]{3,24}$/, "Use the storage account name: 3-24 lowercase letters and digits."),
    containerName: containerSchema,
    accountKey: z.string().trim().min(1, "Paste one of the storage account's access keys."),
  }),
  z.object({
    kind: z.literal("azure_blob").optional(),
    auth: z.literal("sas"),
    name: datastoreNameSchema,
    description: z.string().max(500).optional(),
    accountName: z
      .string()
      .trim()
      .regex(/^[a-z0-9]{3,24}$/, "Use the storage account name: 3-24 lowercase letters and digits."),
    containerName: containerSchema,
    sasToken: z.string().trim().min(1, "Paste a SAS token with read and list permissions."),
  }),
]);
/** A folder on this server, made and managed by the platform: nothing to connect, nothing secret. */
export const createFilesystemDatastoreSchema = z.object({
  kind: z.literal("filesystem"),
  name: datastoreNameSchema,
  description: z.string().max(500).optional(),
});

/** `kind` (default `azure_blob`) picks the shape: a blob container with its credential, or a filesystem folder. */
export const createDatastoreSchema = z.union([createFilesystemDatastoreSchema, createBlobDatastoreSchema]);
export type CreateBlobDatastoreInput = z.infer<typeof createBlobDatastoreSchema>;

/** Parses by kind, so a bad blob datastore gets the blob shape's field errors (not a union's). */
function parseCreateInput(input: unknown): CreateDatastoreInput {
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (kind === "filesystem") return createFilesystemDatastoreSchema.parse(input);
  if (kind !== undefined && kind !== "azure_blob")
    throw fieldError(
      "kind",
      `Unknown datastore kind '${String(kind).slice(0, 40)}': use "azure_blob" (a blob container) or "filesystem" (a folder on this server).`,
    );
  return createBlobDatastoreSchema.parse(input);
}

export type CreateDatastoreInput = z.infer<typeof createDatastoreSchema>;

function targetOf(input: CreateBlobDatastoreInput): { target: StorageTarget; secret: string; accountName: string | null } {
  switch (input.auth) {
    case "connection_string": {
      const account = /AccountName=([^;]+)/i.exec(input.connectionString)?.[1] ?? null;
      return {
        target: { auth: "connection_string", containerName: input.containerName, credential: input.connectionString },
        secret: input.connectionString,
        accountName: account,
      };
    }
    case "account_key":
      return {
        target: { auth: "account_key", accountName: input.accountName, containerName: input.containerName, credential: input.accountKey },
        secret: input.accountKey,
        accountName: input.accountName,
      };
    case "sas":
      return {
        target: { auth: "sas", accountName: input.accountName, containerName: input.containerName, credential: input.sasToken },
        secret: input.sasToken,
        accountName: input.accountName,
      };
  }
}

/** Refuses the platform's own storage and non-public addresses (see storage-endpoint.ts), naming the field. */
async function checkEndpoint(input: CreateBlobDatastoreInput) {
  const field = input.auth === "connection_string" ? "connectionString" : "accountName";
  const ep = input.auth === "connection_string" ? endpointOfConnectionString(input.connectionString) : endpointOfAccount(input.accountName);
  if (!ep)
    throw fieldError(
      field,
      "The connection string names no blob endpoint: include AccountName=... (and EndpointSuffix=...) or BlobEndpoint=https://....",
    );
  const refused = await refusedStorageEndpoint(ep);
  if (refused) throw fieldError(field, refused);
}

/**
 * Registers an existing Azure Blob container. The credential is checked by listing the container
 * (unless `skipConnectionTest`), then stored encrypted; it is never returned.
 */
export async function createDatastore(opts: {
  workspaceId: string;
  actor: Actor;
  input: CreateDatastoreInput;
  skipConnectionTest?: boolean;
}) {
  const input = parseCreateInput(opts.input);
  if (input.kind === "filesystem") return createFilesystemDatastore({ ...opts, input });
  const { target, secret, accountName } = targetOf(input);
  await checkEndpoint(input);
  if (!opts.skipConnectionTest) {
    const check = await testConnection(target);
    if (!check.ok)
      throw new AppError("BAD_REQUEST", `Could not use these credentials: ${check.reason}`, {
        fieldErrors: { containerName: [check.reason] },
      });
  }
  return insertDatastore({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    data: {
      name: input.name,
      description: input.description,
      kind: "azure_blob",
      auth: input.auth,
      accountName,
      containerName: input.containerName,
      credentialCiphertext: encryptSecret(secret),
    },
    auditMetadata: (ds) => ({ name: ds.name, auth: ds.auth }),
  });
}

/** A filesystem datastore: a new folder of its own under the workspace's datastores dir (docs/decisions/0024). */
async function createFilesystemDatastore(opts: {
  workspaceId: string;
  actor: Actor;
  input: z.infer<typeof createFilesystemDatastoreSchema>;
}) {
  const folder = `fs-${randomBytes(8).toString("hex")}`;
  return insertDatastore({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    data: { name: opts.input.name, description: opts.input.description, kind: "filesystem", auth: "platform", containerName: folder },
    afterInsert: () => ensureContainer({ auth: "filesystem", workspaceId: opts.workspaceId, folder }),
    auditMetadata: (ds) => ({ name: ds.name, kind: ds.kind }),
  });
}

type PublicDatastore = Awaited<ReturnType<typeof getDatastoreOrThrow>>;

/**
 * The tail both kinds share: insert the row, run `afterInsert` (e.g. make the folder), audit,
 * and answer a taken name as a 409 on the `name` field.
 */
async function insertDatastore(opts: {
  workspaceId: string;
  actor: Actor;
  data: Omit<Prisma.DatastoreUncheckedCreateInput, "workspaceId" | "createdById">;
  afterInsert?: () => Promise<unknown>;
  auditMetadata: (ds: PublicDatastore) => Record<string, string>;
}): Promise<PublicDatastore> {
  try {
    const ds = await db.datastore.create({
      data: { ...opts.data, workspaceId: opts.workspaceId, createdById: opts.actor.userId ?? null },
      select: publicSelect,
    });
    await opts.afterInsert?.();
    await recordAuditEvent({
      workspaceId: opts.workspaceId,
      actor: opts.actor,
      action: "datastore.created",
      targetType: "datastore",
      targetId: ds.id,
      metadata: opts.auditMetadata(ds),
    });
    return ds;
  } catch (e) {
    if (isUniqueViolation(e))
      throw fieldError("name", `A datastore named '${opts.data.name}' already exists in this workspace.`, "CONFLICT");
    throw e;
  }
}

/** The workspace's workspaceblobstore, where the platform keeps code, models and default outputs. */
export async function getDefaultStorageTarget(workspaceId: string): Promise<StorageTarget & { datastoreId: string }> {
  const ds = await db.datastore.findFirst({ where: { workspaceId, isDefault: true }, select: { id: true, name: true } });
  if (!ds) throw notFound("The workspace's default datastore");
  return { ...(await getStorageTargetOrThrow({ workspaceId, name: ds.name })), datastoreId: ds.id };
}

/** Checks credentials before saving them: "Test connection" in the dashboard. A refused endpoint is answered as a failed test, without any request. */
export async function testDatastoreCredentials(opts: { input: CreateDatastoreInput }) {
  const input = parseCreateInput(opts.input);
  if (input.kind === "filesystem") return { ok: true as const };
  try {
    await checkEndpoint(input);
  } catch (e) {
    if (e instanceof AppError) return { ok: false as const, reason: e.message };
    throw e;
  }
  return testConnection(targetOf(input).target);
}
