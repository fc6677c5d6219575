"use client";

import Link from "next/link";
import { createColumnHelper } from "@tanstack/react-table";
import { toast } from "sonner";
import { DataTable, features } from "@/components/data-table/data-table";
import { toastActionError } from "@/components/forms/toast-error";
import { useAction } from "@/components/forms/use-form-action";
import { Badge, EmptyState } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { deleteWebhookAction } from "../../actions";
import { ConfirmButton } from "@/components/ui/confirm-button";

interface WebhookRow {
  id: string;
  name: string;
  direction: string;
  target: string;
  events: string;
  createdAt: Date;
}

const col = createColumnHelper<typeof features, WebhookRow>();

export function WebhooksTable({ slug, canManage, data }: { slug: string; canManage: boolean; data: WebhookRow[] }) {
  const remove = useAction(deleteWebhookAction, { onSuccess: () => toast.success("Webhook deleted"), onError: toastActionError });
  const columns = col.columns([
    col.accessor("name", {
      header: "Name",
      cell: (c) => (
        <Link className="font-medium text-brand-600 hover:underline" href={`/w/${slug}/settings/webhooks/${c.row.original.id}`}>
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor("direction", {
      header: "Direction",
      cell: (c) => <Badge tone={c.getValue() === "inbound" ? "blue" : "gray"}>{c.getValue()}</Badge>,
    }),
    col.accessor("target", { header: "Target", cell: (c) => <span className="break-all text-xs">{c.getValue()}</span> }),
    col.accessor("events", { header: "Events" }),
    col.accessor("createdAt", { header: "Created", cell: (c) => <RelativeTime date={c.getValue()} /> }),
    ...(canManage
      ? [
          col.display({
            id: "actions",
            header: () => <span className="sr-only">Actions</span>,
            cell: ({ row }) => (
              <ConfirmButton
                triggerVariant="link-danger"
                triggerLabel={`Delete webhook ${row.original.name}`}
                title={`Delete webhook ${row.original.name}?`}
                description="No more events are sent to it; its delivery history goes with it."
                confirmLabel="Delete webhook"
                cancelLabel="Keep webhook"
                onConfirm={() => remove.execute({ workspace: slug, id: row.original.id })}
              >
                Delete
              </ConfirmButton>
            ),
          }),
        ]
      : []),
  ]);
  return (
    <DataTable
      label="Webhooks"
      columns={columns}
      data={data}
      empty={<EmptyState title="No webhooks">Add one above to start jobs from other systems or to be told when jobs finish.</EmptyState>}
    />
  );
}
