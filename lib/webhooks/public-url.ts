import "server-only";
import { getEnv } from "@/lib/env";
import type { PublicWebhook } from "./find-webhooks";

/** Adds the absolute inbound URL (`hookUrl`): NEXTAUTH_URL when set (the public URL), else the request's origin. */
export function withHookUrl<W extends Pick<PublicWebhook, "hookPath">>(webhook: W, request: Request) {
  const base = (getEnv().NEXTAUTH_URL ?? new URL(request.url).origin).replace(/\/$/, "");
  return { ...webhook, hookUrl: webhook.hookPath ? `${base}${webhook.hookPath}` : null };
}
