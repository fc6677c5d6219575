import { startFaultStack } from "./harness";

// This file's Batchpoint runs as separate processes (see ./harness), on PGlite in a process of its own:
// start them before lib/ reads the environment, so the test and the app share this stack.
const stack = await startFaultStack(process.env);
Object.assign(process.env, stack.env);
const { defineCrashSuite } = await import("./crash-suite");

defineCrashSuite(stack, "PGlite", ["app", "executor", "database", "storage", "all-mid-job", "all-at-finalize"]);
