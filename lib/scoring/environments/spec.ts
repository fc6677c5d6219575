import { parse } from "yaml";

/** A deployment's environment file, by its path inside the deployment's code. */
export interface EnvironmentFiles {
  /** Azure's environment.conda_file: only its `pip:` section is installed. */
  condaFile?: string | null;
  /** A pip requirements file. */
  requirementsFile?: string | null;
}

export interface EnvironmentSpec {
  /** pip requirement lines, in order, comments and blank lines dropped. */
  requirements: string[];
  /** What Batchpoint does not install, in plain words (conda packages, channels, the python pin). */
  notes: string[];
}

const PIP_OPTION = /^-/;

/** The requirement lines of a requirements.txt; pip options that reach outside (-i, --extra-index-url, -e, -r) are refused. */
export function parseRequirements(text: string, file = "requirements.txt"): EnvironmentSpec {
  const requirements: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    if (PIP_OPTION.test(line))
      throw new Error(`${file}: pip options are not allowed ('${line}'); list packages only (the operator sets where pip finds them).`);
    requirements.push(line);
  }
  return { requirements, notes: [] };
}

/**
 * The pip section of an Azure ML conda file. Conda packages themselves are not installed (there
 * is no conda here): they are named in a note, since Debian's python3 and its apt packages
 * (numpy, pandas, scikit-learn, torch, ...) stay visible in the environment.
 */
export function parseCondaFile(text: string, file = "conda.yaml"): EnvironmentSpec {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error(`${file} must be a mapping with 'dependencies'.`);
  const deps = (doc as Record<string, unknown>).dependencies ?? [];
  if (!Array.isArray(deps)) throw new Error(`${file}: 'dependencies' must be a list.`);
  const requirements: string[] = [];
  const conda: string[] = [];
  for (const dep of deps) {
    if (typeof dep === "string") {
      if (!/^pip([=<>!~ ].*)?$/.test(dep.trim())) conda.push(dep.trim());
    } else if (dep && typeof dep === "object" && Array.isArray((dep as Record<string, unknown>).pip)) {
      const lines = ((dep as Record<string, unknown>).pip as unknown[]).map((x) => String(x)).join("\n");
      requirements.push(...parseRequirements(lines, `${file} (pip section)`).requirements);
    } else {
      throw new Error(`${file}: each dependency must be a package name or a 'pip:' list, not ${JSON.stringify(dep)}.`);
    }
  }
  const notes = conda.length
    ? [
        `conda packages are not installed (no conda here): ${conda.join(", ")}. The environment sees the system python3 and its packages; list what is missing under pip.`,
      ]
    : [];
  return { requirements, notes };
}
