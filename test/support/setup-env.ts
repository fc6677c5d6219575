import { inject } from "vitest";

// Runs before each integration test file imports lib/, so lib/env.ts sees the test services.
Object.assign(process.env, inject("env"));
