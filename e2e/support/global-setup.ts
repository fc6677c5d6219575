import { buildCli } from "../cli/support";

/**
 * Runs once before any browser, API or CLI test, whatever the number of workers: bundles the CLI
 * from the current source (so a stale cli/dist is never what is tested), instead of each CLI spec
 * rewriting cli/dist/batchpoint.mjs while another worker's spec runs it.
 */
export default function globalSetup() {
  buildCli();
}
