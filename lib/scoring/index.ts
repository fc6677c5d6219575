export { environmentVariablesOf, scoringDeploymentFrom } from "./deployment";
export { buildWorkerEnv, invalidDeploymentVariables, PLATFORM_VARIABLES, SAFE_PATH } from "./env";
export { defaultScoringCacheDir, materializeDeployment, type MaterializedDeployment } from "./materialize";
export { getScoringPools, maxScoringWorkers, poolOptionsFromEnv, poolSize, ScoringPools, type PoolStats, type ScoringPoolsOptions } from "./pool";
export type * from "./types";
