import { NextResponse } from "next/server";
import { MAX_INBOUND_BODY_BYTES, receiveInboundWebhook } from "@/lib/webhooks/receive-inbound-webhook";
import { logError } from "@/lib/log";

// Public: authenticated by the webhook's signature (or Event Grid's shared secret), not a session.
export async function POST(request: Request, route: { params: Promise<{ webhookId: string }> }) {
  const { webhookId } = await route.params;
  try {
    if (Number(request.headers.get("content-length") ?? 0) > MAX_INBOUND_BODY_BYTES) {
      return NextResponse.json({ error: { code: "PAYLOAD_TOO_LARGE", message: "The body is larger than 1 MiB." } }, { status: 413 });
    }
    const rawBody = Buffer.from(await request.arrayBuffer());
    const result = await receiveInboundWebhook({ webhookId, rawBody, headers: request.headers, query: new URL(request.url).searchParams });
    return NextResponse.json(result.body, { status: result.status });
  } catch (e) {
    logError(`Inbound webhook ${webhookId} failed`, e);
    return NextResponse.json({ error: { code: "INTERNAL", message: "Something went wrong on our side; the server log has the details." } }, { status: 500 });
  }
}
