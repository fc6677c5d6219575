import "server-only";
import { createWriteStream } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { MiniBatchInput, MiniBatchResult } from "@/lib/scoring";
import { downloadBlob } from "@/lib/storage";
import { presentJobSettings } from "@/lib/deployments/present-settings";
import { maskDataPath } from "../data-paths";
import { maskJobInputs, readJobInputs, readJobSnapshot } from "../job-snapshot";
import { openJobSecrets, sourceTarget, type JobSecrets } from "./job-secrets";

type JobRow = {
  id: string;
  name: string;
  endpointName: string;
  deploymentName: string;
  deploymentVersion: number;
  outputPath: string;
  outputFileName: string;
  explain: boolean;
  inputs: unknown;
  settings: unknown;
};

/** The folder of the output location that holds one input item's results. */
export function itemResultFolder(key: string): string {
  return `items/${key}/`;
}

/**
 * JOBS_PAYLOAD_FILE: the whole job as the script may need it, in the spirit of watsonx's job payload
 * (scoring.input_data_references, output_data_reference, environment variable names, literal types).
 * No credential and no variable value is in it: variables are in the script's environment.
 */
export function jobPayload(job: JobRow, secrets: JobSecrets, item?: { key: string } | null) {
  const { inputs, settings } = readJobSnapshot(job);
  return {
    job: job.name,
    endpoint: job.endpointName,
    deployment: { name: job.deploymentName, version: job.deploymentVersion },
    // Kept as before for scripts that read the literal values by name.
    inputs: inputs.literals,
    literalInputs: Object.fromEntries(
      Object.entries(inputs.literals).map(([k, value]) => [k, { type: inputs.literalTypes?.[k] ?? typeof value, value }]),
    ),
    // The scoring process gets no credential: a SAS token in the input's URL is masked.
    input: inputs.data ? maskJobInputs(inputs).data : null,
    sources: inputs.sources?.map((s) => ({ key: s.key, files: s.files })) ?? null,
    item: item?.key ?? null,
    output: { path: maskDataPath(job.outputPath), fileName: job.outputFileName },
    settings: { ...presentJobSettings(settings), environmentVariables: undefined },
    environmentVariables: Object.keys(secrets.environmentVariables ?? {}),
    explain: job.explain,
  };
}

/**
 * What run() gets for a mini-batch of a job without a data input: for `sources`, the item's files
 * (downloaded with the job's own credentials) by model input name; else an empty mini-batch.
 */
export async function stageItemInput(opts: {
  job: JobRow;
  index: number;
  inputDir: string;
  secrets: JobSecrets;
}): Promise<{ input: MiniBatchInput; item: { key: string } | null }> {
  const item = readJobInputs(opts.job).sources?.[opts.index];
  if (!item) return { input: { kind: "files", files: [] }, item: null };
  const files: Record<string, string> = {};
  for (const f of item.files) {
    const local = path.join(opts.inputDir, item.key, f.name);
    await mkdir(path.dirname(local), { recursive: true });
    try {
      await pipeline(await downloadBlob(sourceTarget(opts.secrets, f.container), f.filePath), createWriteStream(local));
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      const why =
        status === 404
          ? "does not exist"
          : status === 403
            ? "cannot be read with the job's storage credentials"
            : `could not be read: ${(e as Error).message.split("\n")[0]}`;
      throw new ItemInputError(
        `Input '${f.name}' of item '${item.key}' (${f.container}/${f.filePath}) ${why}.`,
        status === 404 || status === 403,
      );
    }
    files[f.name] = local;
  }
  return { input: { kind: "named", items: [files] }, item: { key: item.key } };
}

/** A file of an item that cannot be read; `permanent` when retrying cannot help (missing, refused). */
export class ItemInputError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/**
 * An item's results in the output folder: what run() returned as `<outputFileName>` beside the files
 * the script wrote, all under items/<key>/, so items never collide. The rows also go to the merged file.
 */
export async function placeItemResult(opts: { outputDir: string; key: string; fileName: string; result: MiniBatchResult }) {
  if (!opts.result.ok) return;
  const dest = path.join(opts.outputDir, "items", opts.key);
  // The whole folder moves under items/<key>/ (renames on one file system), whatever the script named its files.
  const moved = `${opts.outputDir}-item`;
  await rename(opts.outputDir, moved);
  await mkdir(path.dirname(dest), { recursive: true });
  await rename(moved, dest);
  const { header, body } = opts.result;
  await writeFile(path.join(dest, opts.fileName), header ? `${header}\n${body}` : body);
}

export { openJobSecrets };
