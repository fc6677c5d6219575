"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { workspaceActionClient } from "@/lib/actions/safe-action";
import { createDatastore, testDatastoreCredentials, type CreateDatastoreInput } from "@/lib/datastores/datastores";
import { DEFAULT_DATASTORE_NAME, PLATFORM_PREFIX } from "@/lib/datastores/default-datastore";
import { deleteDatastoreItems, findRecentFolders, listDatastoreFolder } from "@/lib/datastores/files";
import { countJobInput } from "@/lib/jobs/inspect-input";
import { DATA_INPUT_TYPES } from "@/lib/jobs/invoke-job";

const input = z.object({ workspace: z.string(), datastore: z.record(z.string(), z.unknown()) });

// Lists the container with the given credentials without saving anything.
export const testDatastoreAction = workspaceActionClient
  .metadata({ name: "testDatastore", permission: "datastore:manage" })
  .inputSchema(input)
  .action(async ({ parsedInput }) => testDatastoreCredentials({ input: parsedInput.datastore as CreateDatastoreInput }));

// Registers a container; the credential is stored encrypted and never shown again.
export const createDatastoreAction = workspaceActionClient
  .metadata({ name: "createDatastore", permission: "datastore:manage" })
  .inputSchema(input)
  .action(async ({ parsedInput, ctx }) => {
    const ds = await createDatastore({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      input: parsedInput.datastore as CreateDatastoreInput,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/datastores`);
    return { name: ds.name };
  });

const selection = z.object({ workspace: z.string(), datastore: z.string().min(1), paths: z.array(z.string()).min(1) }).strict();

// Deletes the selected files and folders (whole, with everything under them) from the data browser.
export const deleteDatastoreItemsAction = workspaceActionClient
  .metadata({ name: "deleteDatastoreItems", permission: "data:delete" })
  .inputSchema(selection)
  .action(async ({ parsedInput, ctx }) => {
    const done = await deleteDatastoreItems({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      datastore: parsedInput.datastore,
      paths: parsedInput.paths,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/datastores/${parsedInput.datastore}`);
    return done;
  });

const folderInput = z.object({ workspace: z.string(), datastore: z.string().min(1), prefix: z.string().default("") }).strict();

// One level of a datastore for the invoke form's picker, with the folders that most recently received files.
export const browseForInputAction = workspaceActionClient
  .metadata({ name: "browseForInput", permission: "data:read" })
  .inputSchema(folderInput)
  .action(async ({ parsedInput, ctx }) => {
    const [listing, recent] = await Promise.all([
      listDatastoreFolder({ workspaceId: ctx.workspace.id, datastore: parsedInput.datastore, prefix: parsedInput.prefix }),
      parsedInput.prefix ? Promise.resolve(null) : findRecentFolders({ workspaceId: ctx.workspace.id, datastore: parsedInput.datastore }),
    ]);
    const platform = parsedInput.datastore === DEFAULT_DATASTORE_NAME ? PLATFORM_PREFIX : null;
    return {
      folders: listing.folders.filter((f) => f !== platform),
      files: listing.files.map((f) => ({ path: f.path, size: f.size, lastModified: f.lastModified.toISOString() })),
      more: !!listing.continuationToken,
      recent: recent?.map((r) => ({ ...r, lastModified: r.lastModified.toISOString() })) ?? null,
    };
  });

const countInput = z
  .object({ workspace: z.string(), input: z.object({ type: z.enum(DATA_INPUT_TYPES), path: z.string().trim().min(1) }).strict() })
  .strict();

// The invoke form's live count of the files (or CSV rows) a job over the input would score.
export const countJobInputAction = workspaceActionClient
  .metadata({ name: "countJobInput", permission: "job:invoke" })
  .inputSchema(countInput)
  .action(async ({ parsedInput, ctx }) => countJobInput({ workspaceId: ctx.workspace.id, input: parsedInput.input }));
