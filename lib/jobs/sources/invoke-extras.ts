import "server-only";
import { fieldError } from "@/lib/errors";
import type { SourceStorage } from "./schema";
import { sealJobSecrets, storageConnectionString } from "./job-secrets";

/** One input item of a Modzy-style job, as stored on the job (no credentials). */
export interface SourceItem {
  key: string;
  /** The item's files by model input name, in the order given. */
  files: { name: string; container: string; filePath: string }[];
}

type Sources = Record<string, Record<string, { container: string; filePath: string }>>;

/**
 * The parts of a job that `sources`, `explain` and `environmentVariables` add: the items (in the order
 * given, one mini-batch each), the explain flag (refused unless the deployment supports explanations)
 * and the sealed secrets (storage credentials, variables). Throws a 400 naming the field.
 */
export async function prepareSourcesInvoke(opts: {
  input: { sources?: Sources; storage?: SourceStorage; explain?: boolean; environmentVariables?: Record<string, string> };
  deployment: { name: string; supportsExplanations: boolean };
}): Promise<{
  sources: SourceItem[] | null;
  storageAccount: string | null;
  explain: boolean;
  secretsCiphertext: string | null;
  /** The variables' names with masked values: what the job shows of them. */
  maskedVariables: Record<string, string> | null;
}> {
  const { input, deployment } = opts;
  if (input.explain && !deployment.supportsExplanations)
    throw fieldError(
      "explain",
      `Deployment ${deployment.name} does not support explanations. Remove explain, or turn on supportsExplanations in the deployment's settings.`,
    );
  const sources = input.sources
    ? Object.entries(input.sources).map(([key, files]) => ({
        key,
        files: Object.entries(files).map(([name, f]) => ({ name, container: f.container, filePath: f.filePath })),
      }))
    : null;
  const connectionString = input.storage ? await storageConnectionString(input.storage) : null;
  const vars = input.environmentVariables && Object.keys(input.environmentVariables).length ? input.environmentVariables : undefined;
  return {
    sources,
    storageAccount: input.storage?.storageAccount ?? null,
    explain: input.explain === true,
    maskedVariables: vars ? Object.fromEntries(Object.keys(vars).map((k) => [k, "********"])) : null,
    secretsCiphertext: sealJobSecrets({
      ...(connectionString ? { storage: { connectionString } } : {}),
      ...(vars ? { environmentVariables: vars } : {}),
    }),
  };
}
