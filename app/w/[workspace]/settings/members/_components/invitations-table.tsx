"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { toast } from "sonner";
import { toastActionError } from "@/components/forms/toast-error";
import { DataTable, features } from "@/components/data-table/data-table";
import { Badge } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { useAction } from "@/components/forms/use-form-action";
import { revokeInvitationAction } from "../../actions";

interface InvitationRow {
  id: string;
  email: string;
  role: string;
  createdAt: Date;
  expiresAt: Date;
}

const col = createColumnHelper<typeof features, InvitationRow>();

export function InvitationsTable({ slug, data }: { slug: string; data: InvitationRow[] }) {
  const revoke = useAction(revokeInvitationAction, {
    onSuccess: () => toast.success("Invitation revoked"),
    onError: toastActionError,
  });
  const columns = col.columns([
    col.accessor("email", { header: "Email" }),
    col.accessor("role", { header: "Role", cell: (c) => <Badge>{c.getValue()}</Badge> }),
    col.accessor("expiresAt", { header: "Expires", cell: (c) => <RelativeTime date={c.getValue()} /> }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => (
        <button
          type="button"
          className="text-sm text-red-600 hover:underline"
          onClick={() => revoke.execute({ workspace: slug, invitationId: row.original.id })}
        >
          Revoke
        </button>
      ),
    }),
  ]);
  return <DataTable label="Pending invitations" columns={columns} data={data} empty={null} />;
}
