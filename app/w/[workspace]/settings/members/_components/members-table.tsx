"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { toast } from "sonner";
import { toastActionError } from "@/components/forms/toast-error";
import { DataTable, features } from "@/components/data-table/data-table";
import { Badge, EmptyState } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { useAction } from "@/components/forms/use-form-action";
import { removeMemberAction, updateMemberRoleAction } from "../../actions";
import { ConfirmButton } from "@/components/ui/confirm-button";

export interface MemberRow {
  id: string;
  userId: string;
  email: string;
  name: string | null;
  role: "owner" | "contributor" | "scientist" | "reader";
  createdAt: Date;
}

const col = createColumnHelper<typeof features, MemberRow>();
const ROLES = ["owner", "contributor", "scientist", "reader"] as const;

export function MembersTable({
  slug,
  canManage,
  currentUserId,
  data,
}: {
  slug: string;
  canManage: boolean;
  currentUserId: string;
  data: MemberRow[];
}) {
  const updateRole = useAction(updateMemberRoleAction, { onError: toastActionError, onSuccess: () => toast.success("Role updated") });
  const remove = useAction(removeMemberAction, { onError: toastActionError, onSuccess: () => toast.success("Member removed") });
  const columns = col.columns([
    col.accessor("email", {
      header: "Member",
      cell: ({ row }) => (
        <span>
          <span className="block font-medium">
            {row.original.name ?? row.original.email} {row.original.userId === currentUserId ? <Badge>you</Badge> : null}
          </span>
          <span className="text-xs text-zinc-500">{row.original.email}</span>
        </span>
      ),
    }),
    col.accessor("role", {
      header: "Role",
      cell: ({ row }) =>
        canManage ? (
          <select
            aria-label={`Role of ${row.original.email}`}
            defaultValue={row.original.role}
            disabled={updateRole.isPending}
            onChange={(e) =>
              updateRole.execute({ workspace: slug, membershipId: row.original.id, role: e.target.value as MemberRow["role"] })
            }
            className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        ) : (
          <Badge>{row.original.role}</Badge>
        ),
    }),
    col.accessor("createdAt", { header: "Joined", cell: (c) => <RelativeTime date={c.getValue()} /> }),
    ...(canManage
      ? [
          col.display({
            id: "actions",
            header: () => <span className="sr-only">Actions</span>,
            cell: ({ row }) => (
              <ConfirmButton
                triggerVariant="link-danger"
                triggerLabel={`Remove ${row.original.email}`}
                title={`Remove ${row.original.email} from this workspace?`}
                description="They lose access at once; what they created stays."
                confirmLabel="Remove member"
                cancelLabel="Keep member"
                onConfirm={() => remove.execute({ workspace: slug, membershipId: row.original.id })}
              >
                Remove
              </ConfirmButton>
            ),
          }),
        ]
      : []),
  ]);
  return (
    <DataTable label="Members" columns={columns} data={data} empty={<EmptyState title="No members">Invite someone above.</EmptyState>} />
  );
}
