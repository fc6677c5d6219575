import { Command, CommanderError } from "commander";
import { expandAzAbbreviations, withAzIgnored } from "./az-output";
import { registerCompute } from "./commands/compute";
import { registerData } from "./commands/data";
import { registerDatastore } from "./commands/datastore";
import { registerDeployment } from "./commands/deployment";
import { registerEndpoint } from "./commands/endpoint";
import { registerJob } from "./commands/job";
import { registerJobDefinition } from "./commands/job-definition";
import { registerLogin } from "./commands/login";
import { registerModel } from "./commands/model";
import { registerWebhook } from "./commands/webhook";
import { note } from "./context";
import { describeError, EXIT } from "./errors";

declare const BATCHPOINT_VERSION: string;

export function buildProgram(): Command {
  const program = new Command("batchpoint")
    .description("Batchpoint batch inference from the command line (the REST API v1, in the spirit of `az ml batch-endpoint`).")
    .version(typeof BATCHPOINT_VERSION === "string" ? BATCHPOINT_VERSION : "dev")
    // Program options only before the command, so `model show --version 2` is the model's version.
    .enablePositionalOptions()
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .addHelpText(
      "after",
      "\nEnvironment: BATCHPOINT_URL and BATCHPOINT_TOKEN override the stored login.\n" +
        "Exit codes: 0 success, 1 failure (API error, failed or canceled job), 2 usage error, 3 a followed job completed with errors.\n" +
        "The az ml names work too: batch-endpoint, batch-deployment, --query, -o tsv|json|table|yaml (see docs/from-azure-ml.md).",
    );
  registerLogin(program);
  registerEndpoint(program);
  registerDeployment(program);
  registerModel(program);
  registerJob(program);
  registerJobDefinition(program);
  registerData(program);
  registerDatastore(program);
  registerWebhook(program);
  registerCompute(program);
  acceptAzWorkspaceOptions(program);
  return program;
}

/** Every command takes az's -g/-w/--subscription (and says once that they are ignored), so az ml scripts run as written. */
function acceptAzWorkspaceOptions(cmd: Command) {
  for (const sub of cmd.commands) {
    if (sub.commands.length) acceptAzWorkspaceOptions(sub);
    else if (sub.parent?.name() !== "compute") {
      withAzIgnored(sub).hook("preAction", (_this, action) => {
        const o = action.opts() as Record<string, unknown>;
        const given = [
          o.resourceGroup && "--resource-group",
          o.workspaceName && "--workspace-name",
          o.subscription && "--subscription",
        ].filter(Boolean);
        if (given.length) note(`${given.join(", ")} ignored: the API token selects the workspace.`);
      });
    }
  }
}

async function main() {
  try {
    const program = buildProgram();
    await program.parseAsync(expandAzAbbreviations(process.argv, program));
    return EXIT.ok;
  } catch (e) {
    // Commander's own usage errors (unknown option, missing argument, ...) have printed their message.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { lines, code } = describeError(e);
    for (const line of lines) console.error(line);
    if (process.env.BATCHPOINT_DEBUG && e instanceof Error) console.error(e.stack);
    return code;
  }
}

process.exitCode = await main();
