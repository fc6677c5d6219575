import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createDeploymentSchema } from "@/lib/deployments/create-deployment";
import { updateEndpointSchema } from "@/lib/endpoints/manage-endpoint";
import { invokeJobSchema } from "@/lib/jobs/invoke-job";
import { AppError } from "@/lib/errors";
import { editDistance, nearestName, zodFieldErrors } from "./field-errors";
import { rejectUnknownFields, unknownFields } from "./strict-body";

const deployment = { name: "blue", code: { files: { "score.py": "def run(b): return b\n" } }, scoringScript: "score.py" };

describe("unknown fields in REST bodies", () => {
  it("names a misspelt nested field and the nearest known one, in Azure's or our spelling", () => {
    expect(unknownFields(createDeploymentSchema, { ...deployment, settings: { mini_batch_sise: 5 } })).toEqual({
      "settings.mini_batch_sise": ["Unknown field 'settings.mini_batch_sise'; did you mean 'settings.miniBatchSize'?"],
    });
    expect(unknownFields(createDeploymentSchema, { ...deployment, settings: { retrySettings: { max_retries: 2 } } })).toEqual({
      "settings.retrySettings.max_retries": [
        "Unknown field 'settings.retrySettings.max_retries'; did you mean 'settings.retrySettings.maxRetries'?",
      ],
    });
  });

  it("lists the known fields when nothing is close, and accepts a body without unknown fields", () => {
    expect(unknownFields(updateEndpointSchema, { zzzzzzzz: 1 })["zzzzzzzz"][0]).toMatch(
      /^Unknown field 'zzzzzzzz'; the fields here are description, tags, defaults/,
    );
    expect(
      unknownFields(createDeploymentSchema, { ...deployment, settings: { miniBatchSize: 3, environmentVariables: { ANY_NAME: "x" } } }),
    ).toEqual({});
  });

  it("checks inside records and picks the union option the value is meant for", () => {
    const errors = unknownFields(invokeJobSchema, {
      input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" },
      inputs: { threshold: { type: "float", value: 0.5, defualt: 1 }, data: { type: "uri_file", path: "x", mode: "ro_mount" } },
      mini_batch_size: 3,
    });
    expect(Object.keys(errors).sort()).toEqual(["inputs.data.mode", "inputs.threshold.defualt", "mini_batch_size"]);
    expect(errors.mini_batch_size[0]).toBe("Unknown field 'mini_batch_size'; did you mean 'miniBatchSize'?");
  });

  it("throws one 400 AppError with every unknown field in details.fieldErrors", () => {
    try {
      rejectUnknownFields(updateEndpointSchema, { descripton: "x", tagz: {} });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).status).toBe(400);
      expect(Object.keys((e as AppError).details!.fieldErrors!)).toEqual(["descripton", "tagz"]);
    }
    expect(rejectUnknownFields(updateEndpointSchema, { description: "x" })).toEqual({ description: "x" });
  });

  it("checks a free-form field against the schema it is meant to be", () => {
    const webhook = z.object({ template: z.record(z.string(), z.unknown()) });
    expect(unknownFields(webhook, { template: { minibatchsize: 1 } })).toEqual({});
    expect(Object.keys(unknownFields(webhook, { template: { minibatchsize: 1 } }, { template: invokeJobSchema }))).toEqual([
      "template.minibatchsize",
    ]);
  });
});

describe("field error helpers", () => {
  it("measures edit distance and refuses far-off guesses", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(nearestName("outputFileNmae", ["outputFileName", "outputAction"])).toBe("outputFileName");
    expect(nearestName("colour", ["name", "version"])).toBeUndefined();
  });

  it("maps a failed union to the messages of the option the value was meant for", () => {
    const r = invokeJobSchema.safeParse({
      input: { type: "uri_folder", path: "datastores/x1y/paths/a" },
      inputs: { n: { type: "integer", value: "5" }, f: { type: "float", value: 0.25 } },
    });
    expect(zodFieldErrors(r.error!)).toEqual({ "inputs.n.value": ['An integer input needs a whole number, not "5".'] });
    const ok = invokeJobSchema.safeParse({
      input: { type: "uri_folder", path: "datastores/x1y/paths/a" },
      inputs: { f: { type: "float", value: 0.25 }, b: { type: "boolean", value: false } },
    });
    expect(ok.success).toBe(true);
  });
});
