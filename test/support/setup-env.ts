import { inject } from "vitest";

// Runs before each integration test file imports lib/, so lib/env.ts sees the test services: those of
// this worker's slot (VITEST_POOL_ID is 1..maxWorkers, unique among the files running at once).
const slots = inject("slots");
const poolId = Number(process.env.VITEST_POOL_ID ?? 1);
Object.assign(process.env, slots[(poolId - 1) % slots.length]);
