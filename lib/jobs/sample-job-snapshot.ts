import type { JobInputs, JobSettings } from "./job-snapshot";

/**
 * A job snapshot as invokeJob stores it (a job over a folder, run by version 1 of a deployment), for
 * rows seeded by SQL: the e2e fixtures, the jobs-table benchmark and integration tests. Typed against
 * the snapshot schema's types, so a change of the stored shape fails the build here, not at the job page;
 * lib/jobs/job-snapshot.test.ts checks it parses.
 */
export const SAMPLE_JOB_INPUTS: JobInputs = {
  data: { name: "input", type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" },
  literals: {},
};
export const SAMPLE_JOB_SETTINGS: JobSettings = {
  miniBatchSize: 10,
  instanceCount: 1,
  maxConcurrencyPerInstance: 1,
  maxRetries: 3,
  timeoutSeconds: 30,
  errorThreshold: -1,
  outputAction: "append_row",
  loggingLevel: "info",
  runtime: "python",
  deployment: {
    id: "seeded",
    version: 1,
    interpreter: null,
    codeDatastoreId: null,
    codePath: null,
    scoringScript: "score.py",
    modelDatastoreId: null,
    modelPath: null,
    environmentVariables: {},
  },
};
/** The job's output location: a data path (as invokeJob writes it), not a bare folder. */
export const SAMPLE_JOB_OUTPUT_PATH = "datastores/workspaceblobstore/paths/out/";

/** SQL literals for the `inputs, settings` columns of a seeded job, in that order. */
export const SAMPLE_JOB_SNAPSHOT_SQL = `'${JSON.stringify(SAMPLE_JOB_INPUTS)}', '${JSON.stringify(SAMPLE_JOB_SETTINGS)}'`;
