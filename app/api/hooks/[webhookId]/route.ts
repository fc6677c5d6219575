import { NextResponse } from "next/server";
import { receiveInboundWebhook } from "@/lib/webhooks/receive-inbound-webhook";
import { logError } from "@/lib/log";

// Public: authenticated by the webhook's signature (or Event Grid's shared secret), not a session.
// The trigger is looked up before the body is read, and at most 1 MiB of it is ever read.
export async function POST(request: Request, route: { params: Promise<{ webhookId: string }> }) {
  const { webhookId } = await route.params;
  try {
    const result = await receiveInboundWebhook({
      webhookId,
      body: request,
      headers: request.headers,
      query: new URL(request.url).searchParams,
    });
    return NextResponse.json(result.body, { status: result.status });
  } catch (e) {
    logError(`Inbound webhook ${webhookId} failed`, e);
    return NextResponse.json(
      { error: { code: "INTERNAL", message: "Something went wrong on our side; the server log has the details." } },
      { status: 500 },
    );
  }
}
