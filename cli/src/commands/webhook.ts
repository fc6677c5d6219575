import { Option, type Command } from "commander";
import type { NewDelivery, Webhook, WebhookDeliveryPage, WebhookPage } from "../api";
import type { ApiClient } from "../client";
import { apiClient, intArg } from "../context";
import { ApiError, UsageError } from "../errors";
import { formatDate, printJson, printTable } from "../output";

const enc = encodeURIComponent;
const DELIVERY_STATUSES = ["pending", "delivered", "failed", "rejected", "accepted", "ignored"];

/** A webhook by id, or by name (names are unique in a workspace). */
async function resolveWebhook(client: ApiClient, ref: string): Promise<Webhook> {
  try {
    return await client.get<Webhook>(`/webhooks/${enc(ref)}`);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
  }
  for (let page = 1; ; page++) {
    const res = await client.get<WebhookPage>("/webhooks", { page, perPage: 200 });
    const hit = res.data.find((w) => w.name === ref);
    if (hit) return hit;
    if (page >= res.totalPages) break;
  }
  throw new UsageError(`no webhook is named or has the id '${ref}'; \`batchpoint webhook list\` shows them.`);
}

function printDelivery(d: NewDelivery, verb: string, webhook: Webhook) {
  console.log(`${verb} ${d.eventType} (event ${d.eventId}) to ${webhook.name}: delivery ${d.id}, ${d.status}.`);
  console.log(`Follow it with: batchpoint webhook deliveries --name ${webhook.name}`);
}

export function registerWebhook(program: Command) {
  const webhook = program.command("webhook").description("webhooks: list them, their deliveries, send a test event, redeliver a delivery");

  webhook
    .command("list")
    .description("list the workspace's webhooks (inbound triggers and outbound subscriptions)")
    .addOption(new Option("--direction <direction>", "only inbound or only outbound").choices(["inbound", "outbound"]))
    .option("--json", "print the API's answer as JSON")
    .action(async (opts: { direction?: string; json?: boolean }) => {
      const client = await apiClient();
      const res = await client.get<WebhookPage>("/webhooks", { direction: opts.direction, perPage: 200 });
      if (opts.json) return printJson(res);
      if (!res.data.length) return console.log("No webhooks. Create one in the dashboard (Settings → Webhooks) or POST /api/v1/webhooks.");
      printTable(res.data, [
        ["name", (w) => w.name],
        ["id", (w) => w.id],
        ["direction", (w) => w.direction],
        ["target", (w) => (w.direction === "outbound" ? w.url : `endpoint ${w.endpointName ?? "(deleted)"}`)],
        ["enabled", (w) => (w.enabled ? "yes" : "no")],
      ]);
    });

  webhook
    .command("deliveries")
    .description("a webhook's deliveries, newest first")
    .requiredOption("-n, --name <webhook>", "webhook name or id")
    .addOption(new Option("--status <status>", "only deliveries with this outcome").choices(DELIVERY_STATUSES))
    .option("--page <n>", "page", intArg(1), 1)
    .option("--per-page <n>", "deliveries per page (at most 200)", intArg(1), 20)
    .option("--json", "print the API's answer as JSON (with each delivery's body)")
    .action(async (opts: { name: string; status?: string; page: number; perPage: number; json?: boolean }) => {
      const client = await apiClient();
      const hook = await resolveWebhook(client, opts.name);
      const res = await client.get<WebhookDeliveryPage>(`/webhooks/${enc(hook.id)}/deliveries`, {
        status: opts.status,
        page: opts.page,
        perPage: opts.perPage,
      });
      if (opts.json) return printJson(res);
      if (!res.data.length) return console.log(`No deliveries for ${hook.name}${opts.status ? ` with status ${opts.status}` : ""}.`);
      printTable(res.data, [
        ["id", (d) => d.id],
        ["when", (d) => formatDate(d.createdAt)],
        ["event", (d) => `${d.eventType}${d.sequence > 0 ? ` (redelivery ${d.sequence})` : ""}`],
        ["event id", (d) => d.eventId],
        ["status", (d) => d.status],
        ["http", (d) => d.responseStatus],
        ["job", (d) => d.jobName],
        ["error", (d) => d.error],
      ]);
      if (res.totalPages > 1) console.log(`page ${res.page} of ${res.totalPages} (${res.count} deliveries); --page N for more`);
    });

  webhook
    .command("test")
    .description("send a signed webhook.test event to an outbound webhook now (no job is involved)")
    .requiredOption("-n, --name <webhook>", "webhook name or id")
    .option("--json", "print the new delivery as JSON")
    .action(async (opts: { name: string; json?: boolean }) => {
      const client = await apiClient();
      const hook = await resolveWebhook(client, opts.name);
      const d = await client.json<NewDelivery>("POST", `/webhooks/${enc(hook.id)}/test`, { json: {} });
      if (opts.json) return printJson(d);
      printDelivery(d, "Sent", hook);
    });

  webhook
    .command("redeliver")
    .description("send an outbound delivery again: the same event id and body, freshly signed, as a new delivery")
    .requiredOption("-n, --name <webhook>", "webhook name or id")
    .requiredOption("--delivery <id>", "the delivery to send again (ids: `batchpoint webhook deliveries --name N`)")
    .option("--json", "print the new delivery as JSON")
    .action(async (opts: { name: string; delivery: string; json?: boolean }) => {
      const client = await apiClient();
      const hook = await resolveWebhook(client, opts.name);
      const d = await client.json<NewDelivery>("POST", `/webhooks/${enc(hook.id)}/deliveries/${enc(opts.delivery)}/redeliver`, {
        json: {},
      });
      if (opts.json) return printJson(d);
      printDelivery(d, "Redelivered", hook);
    });
}
