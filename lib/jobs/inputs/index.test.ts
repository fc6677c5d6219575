import { describe, expect, it } from "vitest";
import {
  DATA_INPUT_TYPES,
  dataInputChoices,
  dataInputModule,
  dataInputTypeList,
  isDataInputType,
  rowFormatOf,
  rowInputTypeList,
  rowOptionTypeList,
} from ".";
import type { JobSettings } from "../job-snapshot";
import { describeMiniBatchInputs, jobUnit } from "../mini-batch-inputs";

describe("the input modules", () => {
  it("registers each data input kind once, with the unit it is counted in", () => {
    expect(new Set(DATA_INPUT_TYPES).size).toBe(DATA_INPUT_TYPES.length);
    expect(DATA_INPUT_TYPES.slice(0, 4).map((t) => [t, dataInputModule(t).unit])).toEqual([
      ["uri_folder", "files"],
      ["uri_file", "files"],
      ["tabular", "rows"],
      ["jsonl", "rows"],
    ]);
    for (const t of DATA_INPUT_TYPES) expect(dataInputModule(t).type).toBe(t);
    expect(isDataInputType("tabular")).toBe(true);
    expect(isDataInputType("string")).toBe(false);
    expect(dataInputTypeList()).toMatch(/^uri_folder, uri_file, tabular,? (or )?jsonl/);
    // A new kind counted in rows joins the list: the registry is the one place that names them.
    expect(rowInputTypeList()).toMatch(/^tabular,? (and )?jsonl/);
    expect(rowInputTypeList()).toContain(" and ");
  });

  it("offers the forms every kind, in registry order, with what its module declares", () => {
    const choices = dataInputChoices();
    expect(choices.map((c) => c.type)).toEqual(DATA_INPUT_TYPES);
    for (const c of choices) {
      const m = dataInputModule(c.type as (typeof DATA_INPUT_TYPES)[number]);
      expect(c).toEqual({ type: m.type, label: m.label, description: m.description, unit: m.unit, acceptsRowOptions: !!m.rowFormat });
      expect(c.label.trim()).not.toBe("");
      expect(c.description).toMatch(/\.$/);
    }
    // Plain data: a server page hands it to a client form as props.
    expect(JSON.parse(JSON.stringify(choices))).toEqual(choices);
    expect(choices.slice(0, 4).map((c) => [c.type, c.acceptsRowOptions])).toEqual([
      ["uri_folder", false],
      ["uri_file", false],
      ["tabular", true],
      ["jsonl", true],
    ]);
  });

  it("reads the row controls' format from the module: CSV for tabular, JSON lines for jsonl, none for files", () => {
    expect([rowFormatOf("tabular"), rowFormatOf("jsonl"), rowFormatOf("uri_folder"), rowFormatOf("nope"), rowFormatOf(undefined)]).toEqual([
      "csv",
      "jsonl",
      undefined,
      undefined,
      undefined,
    ]);
    expect(rowOptionTypeList()).toMatch(/^tabular,? (and )?jsonl/);
  });

  it("describes a mini-batch by its module: files by name, rows by their numbers", () => {
    const data = { name: "input", type: "tabular" as const, path: "datastores/workspaceblobstore/paths/in/x.csv" };
    const job = (d: object) => ({ inputs: { data: d, literals: {} }, settings: { ...validSettings, miniBatchSize: 100 } });
    expect(describeMiniBatchInputs(job(data), { index: 2, items: null, itemCount: 40 })).toEqual([
      "datastores/workspaceblobstore/paths/in/x.csv rows 201–240",
    ]);
    expect(describeMiniBatchInputs(job({ ...data, type: "uri_folder" }), { index: 0, items: ["a", "b", "c"], itemCount: 3 }, 2)).toEqual([
      "a",
      "b",
    ]);
    expect(
      dataInputModule("jsonl").describe({ ...data, type: "jsonl" }, validSettings, { index: 0, items: null, itemCount: 1 }, 5),
    ).toEqual(["datastores/workspaceblobstore/paths/in/x.csv rows 1–1"]);
  });

  it("names what a job counts: its data input's unit, items for sources, runs without data", () => {
    expect(jobUnit({ literals: {}, data: { name: "input", type: "jsonl", path: "p" } })).toBe("rows");
    expect(jobUnit({ literals: {}, data: { name: "input", type: "uri_file", path: "p" } })).toBe("files");
    expect(jobUnit({ literals: {}, sources: [] })).toBe("items");
    expect(jobUnit({ literals: { x: 1 } })).toBe("runs");
  });
});

const validSettings: JobSettings = {
  miniBatchSize: 10,
  instanceCount: 1,
  maxConcurrencyPerInstance: 1,
  maxRetries: 3,
  timeoutSeconds: 30,
  errorThreshold: -1,
  outputAction: "append_row",
  loggingLevel: "info",
  runtime: "node",
  deployment: {
    id: "d",
    version: 1,
    interpreter: null,
    codeDatastoreId: null,
    codePath: null,
    scoringScript: "score.js",
    modelDatastoreId: null,
    modelPath: null,
    environmentVariables: {},
  },
};
