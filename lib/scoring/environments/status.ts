import "server-only";
import path from "node:path";
import { readBlobText } from "@/lib/storage";
import { isFileSetRef, platformBlobPath, platformFilesTarget, readFileSetManifest } from "@/lib/storage/platform-files";
import { resolveInterpreter, SAFE_PATH } from "../env";
import { buildingEnvironments, getEnvironmentBuildLog, planEnvironmentFrom } from "./build";
import type { EnvironmentFiles } from "./spec";

export interface EnvironmentBuildView {
  condaFile: string | null;
  requirementsFile: string | null;
  /**
   * ready / failed / building: the build on this server; `not_built`: no job has needed it yet;
   * `off`: the operator turned building off (BATCHPOINT_BUILD_ENVIRONMENTS=0), the file is ignored.
   */
  status: "ready" | "failed" | "building" | "not_built" | "off";
  /** The environment's content hash: deployments with the same one share the build. */
  hash: string | null;
  /** pip's error in plain words, for a failed build or a file that cannot be read. */
  error: string | null;
  /** What is not installed (conda packages, the python pin), in plain words. */
  notes: string[];
  /** The build's whole output (pip's), empty until it was built. */
  log: string;
}

/**
 * The environment build of a deployment version (or of the version a job ran), computed from its
 * stored code manifest the same way the scoring pool plans it, so the deployment and job pages show
 * the very build the workers use. Null when the version names no environment file.
 */
export async function getEnvironmentBuild(opts: {
  workspaceId: string;
  codeRef: string | null;
  files: EnvironmentFiles | null;
  interpreter: string | null;
  environmentVariables?: Record<string, string> | null;
}): Promise<EnvironmentBuildView | null> {
  const files = opts.files;
  if (!files || (!files.condaFile && !files.requirementsFile)) return null;
  const view: EnvironmentBuildView = {
    condaFile: files.condaFile ?? null,
    requirementsFile: files.requirementsFile ?? null,
    status: "not_built",
    hash: null,
    error: null,
    notes: [],
    log: "",
  };
  const names = [files.condaFile, files.requirementsFile].filter(Boolean).join(" and ");
  if (!buildingEnvironments())
    return {
      ...view,
      status: "off",
      notes: [`${names} noted and ignored: building environments is off on this server (BATCHPOINT_BUILD_ENVIRONMENTS=0).`],
    };
  if (!opts.codeRef || !isFileSetRef(opts.codeRef)) return { ...view, status: "failed", error: "The deployment's code is not stored." };
  try {
    const manifest = await readFileSetManifest({ workspaceId: opts.workspaceId, ref: opts.codeRef });
    const target = platformFilesTarget(opts.workspaceId);
    const read = async (rel: string | null | undefined, what: string) => {
      if (!rel) return null;
      const entry = manifest.files.find((f) => f.path === rel);
      if (!entry) throw new Error(`The ${what} '${rel}' is not in the deployment's code.`);
      return { path: rel, text: await readBlobText(target, platformBlobPath(entry.sha256)) };
    };
    const hasWheels = manifest.files.some((f) => f.path.startsWith("wheels/"));
    const plan = planEnvironmentFrom({
      condaFile: await read(files.condaFile, "conda file"),
      requirementsFile: await read(files.requirementsFile, "requirements file"),
      ownWheels: hasWheels
        ? manifest.files
            .filter((f) => f.path.startsWith("wheels/") && !f.path.slice("wheels/".length).includes("/"))
            .map((f) => ({ name: f.path.slice("wheels/".length), sha256: f.sha256 }))
        : null,
      ownWheelsDir: path.join("/", "wheels"), // not used for the hash
      baseInterpreter: resolveInterpreter("python", opts.interpreter, opts.environmentVariables?.PATH ?? SAFE_PATH),
    });
    const built = await getEnvironmentBuildLog({ hash: plan.hash });
    return {
      ...view,
      status: built.status === "none" ? "not_built" : built.status,
      hash: plan.hash,
      error: built.error ?? null,
      notes: plan.spec.notes,
      log: built.log,
    };
  } catch (e) {
    return { ...view, status: "failed", error: (e as Error).message };
  }
}
