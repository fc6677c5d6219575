"use client";

import { useEffect, useState } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { toast } from "sonner";
import { toastActionError } from "@/components/forms/toast-error";
import { DataTable, features } from "@/components/data-table/data-table";
import { Badge, EmptyState } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { useAction } from "@/components/forms/use-form-action";
import { revokeApiTokenAction } from "../../actions";
import { ConfirmButton } from "@/components/ui/confirm-button";

interface TokenRow {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

const col = createColumnHelper<typeof features, TokenRow>();

export function TokensTable({ slug, data }: { slug: string; data: TokenRow[] }) {
  const revoke = useAction(revokeApiTokenAction, {
    onSuccess: () => toast.success("Token revoked"),
    onError: toastActionError,
  });
  const columns = col.columns([
    col.accessor("name", { header: "Name", cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
    col.accessor("prefix", { header: "Token", cell: (c) => <span className="font-mono text-xs">{c.getValue()}…</span> }),
    col.accessor("role", { header: "Role", cell: (c) => <Badge>{c.getValue()}</Badge> }),
    col.accessor("createdAt", { header: "Created", cell: (c) => <RelativeTime date={c.getValue()} /> }),
    col.accessor("lastUsedAt", { header: "Last used", cell: (c) => <RelativeTime date={c.getValue()} /> }),
    col.accessor("expiresAt", { header: "Expires", cell: (c) => <Expiry date={c.getValue()} /> }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => (
        <ConfirmButton
          triggerVariant="link-danger"
          triggerLabel={`Revoke ${row.original.name}`}
          title={`Revoke the token ${row.original.name}?`}
          description="Anything using it stops working at once. This cannot be undone."
          confirmLabel="Revoke token"
          cancelLabel="Keep token"
          onConfirm={() => revoke.execute({ workspace: slug, tokenId: row.original.id })}
        >
          Revoke
        </ConfirmButton>
      ),
    }),
  ]);
  return (
    <DataTable
      label="API tokens"
      columns={columns}
      data={data}
      empty={<EmptyState title="No active tokens">Create one above for scripts, pipelines and the CLI.</EmptyState>}
    />
  );
}

/** "in 89 days", or an "expired" badge once the date has passed (the API already refuses it then). */
function Expiry({ date }: { date: Date | null }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => setNow(Date.now()), []);
  if (!date) return <>never</>;
  if (now !== null && new Date(date).getTime() < now) return <Badge tone="red">expired</Badge>;
  return <RelativeTime date={date} />;
}

interface RevokedRow {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date;
}
const revokedCol = createColumnHelper<typeof features, RevokedRow>();

/** Revoked tokens stay listed, marked as such, so a failing pipeline can be traced to its token. */
export function RevokedTokensTable({ data }: { data: RevokedRow[] }) {
  const columns = revokedCol.columns([
    revokedCol.accessor("name", { header: "Name", cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
    revokedCol.accessor("prefix", { header: "Token", cell: (c) => <span className="font-mono text-xs">{c.getValue()}…</span> }),
    revokedCol.accessor("role", { header: "Role", cell: (c) => <Badge>{c.getValue()}</Badge> }),
    revokedCol.accessor("createdAt", { header: "Created", cell: (c) => <RelativeTime date={c.getValue()} /> }),
    revokedCol.accessor("revokedAt", {
      header: "Revoked",
      cell: (c) => (
        <span className="inline-flex items-center gap-2">
          <Badge tone="gray">revoked</Badge> <RelativeTime date={c.getValue()} />
        </span>
      ),
    }),
  ]);
  return (
    <DataTable
      label="Revoked tokens"
      columns={columns}
      data={data}
      empty={<EmptyState title="No revoked tokens">Tokens you revoke are listed here.</EmptyState>}
    />
  );
}
