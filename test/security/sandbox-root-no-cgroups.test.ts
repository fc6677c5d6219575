import { afterAll } from "vitest";
import { hostileTenantSuite } from "./hostile-suite";

// The same hostile tenant on a server without (writable) cgroups: the process limit must still hold.
// Run as root (as on these machines), each worker then runs as an unprivileged uid of its own, since
// root is exempt from RLIMIT_NPROC. This file's modules are its own, so the switch applies from the start.
process.env.BATCHPOINT_SANDBOX_CGROUPS = "0";
hostileTenantSuite(process.getuid?.() === 0 ? "worker-uid" : "rlimit");
afterAll(() => {
  delete process.env.BATCHPOINT_SANDBOX_CGROUPS;
});
