import { NextResponse } from "next/server";
import { toErrorResponse } from "@/lib/api/with-api-auth";
import { receiveInboundWebhook } from "@/lib/webhooks/receive-inbound-webhook";

// Public: authenticated by the webhook's signature (or Event Grid's shared secret), not a session.
// The trigger is looked up before the body is read, and at most 1 MiB of it is ever read. Refusals
// are AppErrors, answered like every API error; anything else is logged and answered generically.
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
    return toErrorResponse(e, `Inbound webhook ${webhookId}`);
  }
}
