import type { Metadata } from "next";
import Form from "next/form";
import { resourceWord } from "@/components/audit/describe-audit";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getPageContext, requirePermission } from "@/lib/auth/page-context";
import { findAuditEvents, findAuditEventsSchema, findAuditFilterOptions } from "@/lib/audit/find-audit-events";
import { parseSearchParams } from "@/lib/search-params";
import { AuditTable } from "./audit-table";

export const metadata: Metadata = { title: "Audit log" };

const control =
  "h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "audit:read");
  const query = parseSearchParams(findAuditEventsSchema, await searchParams);
  const [result, options] = await Promise.all([
    findAuditEvents({ workspaceId: ctx.workspace.id, ...query }),
    findAuditFilterOptions({ workspaceId: ctx.workspace.id }),
  ]);
  const families = [...new Set(options.actions.map((a) => a.split(".")[0]))];
  const filtered = !!(query.actor || query.action || query.resource || query.from || query.to);
  return (
    <Card>
      <Form
        action={`/w/${slug}/settings/audit`}
        className="flex flex-wrap items-end gap-3 border-b border-zinc-200 p-4 dark:border-zinc-800"
      >
        <label className="flex flex-col gap-1 text-sm font-medium">
          Actor
          <select name="actor" defaultValue={query.actor ?? ""} className={control}>
            <option value="">Anyone</option>
            {options.actors.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Action
          <select name="action" defaultValue={query.action ?? ""} className={control}>
            <option value="">Any action</option>
            {families.map((f) => (
              <optgroup key={f} label={f}>
                <option value={f}>every {f}.* action</option>
                {options.actions
                  .filter((a) => a.startsWith(`${f}.`))
                  .map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Resource
          <select name="resource" defaultValue={query.resource ?? ""} className={control}>
            <option value="">Any resource</option>
            {options.resources.map((r) => (
              <option key={r} value={r}>
                {resourceWord(r)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          From (UTC)
          <input type="date" name="from" defaultValue={query.from ?? ""} className={control} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          To (UTC)
          <input type="date" name="to" defaultValue={query.to ?? ""} className={control} />
        </label>
        <div className="flex gap-2">
          <Button type="submit" variant="secondary">
            Apply filters
          </Button>
          {filtered ? (
            <ButtonLink href={`/w/${slug}/settings/audit`} variant="ghost">
              Clear filters
            </ButtonLink>
          ) : null}
        </div>
      </Form>
      <AuditTable
        slug={slug}
        filtered={filtered}
        data={result.data.map((e) => ({
          id: e.id,
          action: e.action,
          actor: e.actorEmail
            ? { kind: "user" as const, label: e.actorEmail }
            : e.actorTokenId
              ? { kind: "token" as const, label: e.actorTokenName ?? "(deleted token)" }
              : e.actorWebhookId
                ? { kind: "webhook" as const, label: `inbound webhook ${e.actorWebhookName ?? "(deleted)"}` }
                : { kind: "system" as const, label: "the system" },
          target: e.target,
          metadata: e.metadata as Record<string, unknown>,
          createdAt: e.createdAt,
        }))}
        pageInfo={result}
      />
    </Card>
  );
}
