import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "inngest/node";
import { inngest } from "@/lib/events/client";
import { functions } from "@/inngest/functions";

/** Serves the app's real Inngest functions with the SDK's serve() and syncs them to the test executor. */
export async function startFunctionsServer(): Promise<{ url: string; close(): Promise<void> }> {
  const handler = serve({ client: inngest, functions });
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  const res = await fetch(url, { method: "PUT" });
  if (!res.ok) throw new Error(`sync failed: ${res.status} ${await res.text()}`);
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}
