import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { expandAzAbbreviations } from "../az-output";
import { parseDataYaml } from "./data";
import { encodeCodeFile } from "./deployment";
import { parseEndpointSets, parseEndpointYaml } from "./endpoint";
import { LogFollower, jobExitCode, splitLogBlocks } from "./job";
import { latestOf } from "./model";

describe("Azure's endpoint and data YAML", () => {
  it("reads endpoint.yml's name, description and tags and names the rest in one note", () => {
    const e = parseEndpointYaml(
      "$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json\nname: mnist-batch\ndescription: d\ntags:\n  type: deep-learning\nauth_mode: aad_token\n",
    );
    expect(e).toMatchObject({ name: "mnist-batch", description: "d", tags: { type: "deep-learning" } });
    expect(e.notes).toHaveLength(1);
    expect(e.notes[0]).toContain("not acted on by Batchpoint: auth_mode");
  });

  it("reads a data asset file; unknown keys are noted", () => {
    expect(parseDataYaml("name: heart\ndescription: x\ntype: uri_folder\npath: data\n")).toEqual({
      name: "heart",
      version: undefined,
      type: "uri_folder",
      path: "data",
      description: "x",
      notes: [],
    });
    expect(parseDataYaml("name: h\npath: p\ntags: { a: 1 }\n").notes[0]).toContain("tags");
  });

  it("endpoint update --set takes defaults.deployment_name, description and tags.KEY only", () => {
    expect(parseEndpointSets(["defaults.deployment_name=mnist-keras-dpl", "tags.team=cv"])).toEqual({
      defaults: { deploymentName: "mnist-keras-dpl" },
      tags: { team: "cv" },
    });
    expect(() => parseEndpointSets(["defaults.deployment=x"])).toThrow("unknown key 'defaults.deployment'");
  });
});

describe("code files byte for byte", () => {
  it("sends UTF-8 as text and anything else base64", () => {
    expect(encodeCodeFile(Buffer.from("print('ü')\n"))).toBe("print('ü')\n");
    const pickle = Buffer.from([0x80, 0x04, 0x95, 0xff, 0x00, 0x2e]);
    const sent = encodeCodeFile(pickle);
    expect(sent).toEqual({ content: pickle.toString("base64"), encoding: "base64" });
    expect(Buffer.from((sent as { content: string }).content, "base64").equals(pickle)).toBe(true);
  });
});

describe("job stream and exit codes", () => {
  it("prints only what is new in the logs, block by block", () => {
    const out: string[] = [];
    const f = new LogFollower((l) => out.push(l));
    f.feed("=== mini-batch 0 (completed, attempt 1)\nline a\n");
    f.feed("=== mini-batch 0 (completed, attempt 1)\nline a\n=== mini-batch 1 (running, attempt 1)\nline b\n");
    f.feed("=== mini-batch 0 (completed, attempt 1)\nline a\n=== mini-batch 1 (completed, attempt 1)\nline b\nline c\n");
    expect(out).toEqual(["=== mini-batch 0 (completed, attempt 1)", "line a", "=== mini-batch 1 (running, attempt 1)", "line b", "line c"]);
    expect([...splitLogBlocks("plain\n").keys()]).toEqual(["-"]);
  });

  it("exits as az does: 0 completed, 1 failed or canceled; 3 completed with errors", () => {
    expect(["completed", "failed", "canceled", "completed_with_errors"].map(jobExitCode)).toEqual([0, 1, 1, 3]);
  });

  it("spells out az's --f abbreviation of --file", () => {
    expect(expandAzAbbreviations(["node", "bp", "batch-endpoint", "invoke", "-n", "e", "--f", "inputs.yml"])).toEqual([
      "node",
      "bp",
      "batch-endpoint",
      "invoke",
      "-n",
      "e",
      "--file",
      "inputs.yml",
    ]);
  });

  it("spells out any unambiguous abbreviation of the command's own long options, as az's argparse does", () => {
    const program = new Command("bp");
    const create = program.command("batch-deployment").alias("deployment").command("create");
    for (const o of ["--file <f>", "--endpoint-name <e>", "--set-default", "--set <kv>", "--output-dir <d>", "--output-name <n>"])
      create.option(o);
    const argv = (...args: string[]) => ["node", "bp", "batch-deployment", "create", ...args];
    expect(expandAzAbbreviations(argv("--f", "d.yml", "--endpoint", "E", "--set", "a=1", "--set-def", "--endpoint=F"), program)).toEqual(
      argv("--file", "d.yml", "--endpoint-name", "E", "--set", "a=1", "--set-default", "--endpoint-name=F"),
    );
    // Ambiguous (--output-dir or --output-name) or unknown: left for commander to refuse (exit 2).
    expect(expandAzAbbreviations(argv("--output", "x", "--nope"), program)).toEqual(argv("--output", "x", "--nope"));
    // After `--`, and the command path itself, are never touched.
    expect(expandAzAbbreviations(argv("--", "--endpoint"), program)).toEqual(argv("--", "--endpoint"));
  });

  it("knows the newest version", () => {
    expect(latestOf(["1", "10", "2"])).toBe("10");
    expect(latestOf([])).toBeUndefined();
  });
});
