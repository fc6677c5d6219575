import type { Command } from "commander";
import { note } from "../context";

/**
 * `az ml compute create|show|list|delete`: Batchpoint schedules mini-batches on its own workers, so
 * there is no cluster to manage. Each is answered with a note on stderr and exit 0, so an Azure script
 * under `set -e` goes on.
 */
export function registerCompute(program: Command) {
  const compute = program
    .command("compute")
    .description("accepted for az ml scripts: Batchpoint needs no compute cluster (create, show, list, delete do nothing and exit 0)");
  for (const verb of ["create", "show", "list", "delete", "update", "start", "stop"]) {
    compute
      .command(verb)
      .description(`accepted for az ml scripts; does nothing: Batchpoint needs no compute`)
      .allowUnknownOption()
      .allowExcessArguments()
      .option("-n, --name <name>", "the compute's name in the az ml script")
      .option("-o, --output <format>", "ignored")
      .option("--query <jmespath>", "ignored")
      .action((opts: { name?: string; output?: string }) => {
        note(
          `Batchpoint needs no compute: mini-batches run on the server's own workers (size them with the deployment's instance_count and max_concurrency_per_instance)${opts.name ? `; 'compute ${verb} ${opts.name}' did nothing` : ""}.`,
        );
        if (verb === "list" && opts.output && opts.output !== "table" && opts.output !== "tsv" && opts.output !== "none") console.log("[]");
      });
  }
}
