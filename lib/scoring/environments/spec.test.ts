import { describe, expect, it } from "vitest";
import { parseCondaFile, parseRequirements } from "./spec";

describe("parseRequirements", () => {
  it("keeps requirement lines and drops comments and blanks", () => {
    expect(parseRequirements("# helpers\nnumpy>=1.20  # fast\n\nbp_lib==1.0\n").requirements).toEqual(["numpy>=1.20", "bp_lib==1.0"]);
  });

  it("refuses pip options that would pick another index or file", () => {
    expect(() => parseRequirements("--extra-index-url https://evil.example/simple\nx\n")).toThrow(
      "requirements.txt: pip options are not allowed ('--extra-index-url https://evil.example/simple'); list packages only (the operator sets where pip finds them).",
    );
  });
});

describe("parseCondaFile", () => {
  it("takes the pip section of an Azure ML conda file and notes the conda packages", () => {
    const spec = parseCondaFile(
      "name: env\nchannels: [conda-forge]\ndependencies:\n  - python=3.8.5\n  - pip<22\n  - pip:\n    - mlflow\n    - torch==1.13\n",
    );
    expect(spec.requirements).toEqual(["mlflow", "torch==1.13"]);
    expect(spec.notes).toEqual([
      "conda packages are not installed (no conda here): python=3.8.5. The environment sees the system python3 and its packages; list what is missing under pip.",
    ]);
  });

  it("names the problem in a malformed file", () => {
    expect(() => parseCondaFile("dependencies: numpy\n", "env/conda.yaml")).toThrow("env/conda.yaml: 'dependencies' must be a list.");
    expect(() => parseCondaFile("dependencies:\n  - 3\n")).toThrow(
      "conda.yaml: each dependency must be a package name or a 'pip:' list, not 3.",
    );
  });
});
