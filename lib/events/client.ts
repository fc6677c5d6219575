import { Inngest } from "inngest";

/**
 * One client for every engine. The embedded executor and Inngest (cloud or `inngest start`) are
 * chosen by INNGEST_BASE_URL / INNGEST_DEV / INNGEST_SIGNING_KEY / INNGEST_EVENT_KEY, which the run
 * command sets for the embedded default. Checkpointing is off: the embedded executor runs the SDK's
 * plain async protocol (see executor/README.md).
 */
export const inngest = new Inngest({ id: "batchpoint", checkpointing: false });
