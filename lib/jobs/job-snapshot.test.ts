import { describe, expect, it } from "vitest";
import { presentJobSettings } from "@/lib/deployments/present-settings";
import { MASK } from "@/lib/deployments/settings";
import { invokeJobSchema } from "./invoke-job";
import { SAMPLE_JOB_INPUTS, SAMPLE_JOB_SETTINGS, SAMPLE_JOB_SNAPSHOT_SQL } from "./sample-job-snapshot";
import { applyJobOverrides, JobSnapshotError, readJobSnapshot, snapshotInvokeFields, type JobSettings } from "./job-snapshot";

const settings: JobSettings = {
  miniBatchSize: 250,
  instanceCount: 2,
  maxConcurrencyPerInstance: 3,
  maxRetries: 1,
  timeoutSeconds: 45,
  errorThreshold: 5,
  outputAction: "append_row",
  loggingLevel: "info",
  runtime: "python",
  deployment: {
    id: "dep1",
    version: 4,
    interpreter: null,
    codeDatastoreId: null,
    codePath: "sha256:abc",
    scoringScript: "score.py",
    modelDatastoreId: null,
    modelPath: null,
    environmentVariables: { MODE: "fast", API_KEY: "k-123", DSN: "postgres://u:pw@db/x" },
    sandboxSettings: { memoryMiB: 512 },
  },
};
const inputs = {
  data: {
    name: "rows",
    type: "tabular" as const,
    path: "datastores/workspaceblobstore/paths/in/data.csv",
    header: "a;b",
    options: { passthrough: ["a"], delimiter: ";", quotechar: '"', encoding: "latin-1" as const, remap: {}, includeStatus: true },
  },
  literals: { threshold: 3, label: "x", strict: true },
  literalTypes: { threshold: "integer" as const, label: "string" as const, strict: "boolean" as const },
};

describe("readJobSnapshot", () => {
  it("reads a stored snapshot back as it was written, JSON round trip included", () => {
    const stored = JSON.parse(JSON.stringify({ settings, inputs }));
    expect(readJobSnapshot(stored)).toEqual({ settings, inputs });
  });

  it("refuses a snapshot of another shape, naming the field", () => {
    expect(() => readJobSnapshot({ settings: { ...settings, miniBatchSize: "ten" }, inputs })).toThrow(JobSnapshotError);
    expect(() => readJobSnapshot({ settings: { ...settings, miniBatchSize: "ten" }, inputs })).toThrow(/settings.*miniBatchSize/);
    expect(() => readJobSnapshot({ settings, inputs: { literals: {}, data: { name: "x", type: "nope", path: "p" } } })).toThrow(
      /inputs.*data\.type/,
    );
  });

  it("reads the sample snapshot that SQL-seeded jobs store (e2e fixtures, the jobs-table benchmark)", () => {
    const [inputs, settings] = JSON.parse(`[${SAMPLE_JOB_SNAPSHOT_SQL.replace(/^'|'$/g, "").replace("', '", ",")}]`);
    expect(readJobSnapshot({ settings, inputs })).toEqual({ settings: SAMPLE_JOB_SETTINGS, inputs: SAMPLE_JOB_INPUTS });
  });

  it("takes jobs stored before the sandbox settings and environment files existed", () => {
    const { sandboxSettings: _s, ...older } = settings.deployment;
    expect(readJobSnapshot({ settings: { ...settings, deployment: older }, inputs: { literals: {} } }).settings.deployment).toEqual(older);
  });
});

describe("overrides and re-runs", () => {
  it("a re-run's invoke fields parse as an invocation that stores the same settings and inputs", () => {
    const fields = snapshotInvokeFields({ settings, inputs });
    const parsed = invokeJobSchema.parse(fields);
    expect(parsed.inputs).toEqual({
      threshold: { type: "integer", value: 3 },
      label: { type: "string", value: "x" },
      strict: { type: "boolean", value: true },
      rows: { type: "tabular", path: inputs.data.path },
    });
    expect(parsed.csvSettings).toEqual({ delimiter: ";", encoding: "latin-1" });
    expect(parsed.passthroughColumns).toEqual(["a"]);
    const deploymentDefaults = { ...settings, miniBatchSize: 10, instanceCount: 1, maxRetries: 3, timeoutSeconds: 30, errorThreshold: -1 };
    expect(applyJobOverrides(deploymentDefaults, parsed)).toEqual(settings);
  });

  it("refuses overrides with the deployment settings' own messages", () => {
    const r = invokeJobSchema.safeParse({
      input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" },
      instanceCount: 65,
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ["instanceCount"], message: "Use at most 64 instances." });
  });
});

describe("the settings presenter", () => {
  it("masks secret-looking names and credential values and leaves the deployment's internals out", () => {
    const shown = presentJobSettings(readJobSnapshot({ settings, inputs }).settings);
    expect(shown.environmentVariables).toEqual({ MODE: "fast", API_KEY: MASK, DSN: MASK });
    expect(shown).not.toHaveProperty("deployment");
    expect(JSON.stringify(shown)).not.toContain("k-123");
  });
});
