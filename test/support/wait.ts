/**
 * How long a test's wait may take before it fails: not a guess of how long the work takes (tests wait
 * for a state or an event) but a bound on a hang, long enough for a shared machine at load 10-20
 * with several test files running at once. BATCHPOINT_TEST_WAIT_MS overrides it.
 */
export const TEST_WAIT_MS = Number(process.env.BATCHPOINT_TEST_WAIT_MS) || 180_000;
