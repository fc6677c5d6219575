"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { workspaceActionClient } from "@/lib/actions/safe-action";
import { createDatastore, testDatastoreCredentials, type CreateDatastoreInput } from "@/lib/datastores/datastores";

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
