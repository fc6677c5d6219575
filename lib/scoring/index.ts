export { environmentVariablesOf, scoringDeploymentFrom } from "./deployment";
export { buildWorkerEnv, invalidDeploymentVariables, PLATFORM_VARIABLES, SAFE_PATH } from "./env";
export { defaultScoringCacheDir, materializeDeployment, type MaterializedDeployment } from "./materialize";
export {
  getScoringPools,
  maxScoringWorkers,
  poolOptionsFromEnv,
  poolSize,
  ScoringPools,
  type PoolStats,
  type ScoringPoolsOptions,
} from "./pool";
export {
  assertSandboxUsable,
  DEFAULT_LIMITS,
  probeSandbox,
  sandboxLimits,
  sandboxMode,
  sandboxSettingsOf,
  sandboxSettingsSchema,
  SandboxUnavailableError,
  type SandboxLimits,
  type SandboxSettings,
} from "./sandbox";
export { buildingEnvironments, getEnvironmentBuildLog, planEnvironment, type EnvironmentBuildStatus } from "./environments/build";
export type { EnvironmentFiles } from "./environments/spec";
export { dataDir, scoringCacheRoot, scoringWorkRoot, workspaceCacheDir, workspaceWorkDir } from "./sandbox-dirs";
export type * from "./types";
export { getEnvironmentBuild, type EnvironmentBuildView } from "./environments/status";
