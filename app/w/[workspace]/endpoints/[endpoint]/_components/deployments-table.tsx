"use client";

import Link from "next/link";
import { createColumnHelper } from "@tanstack/react-table";
import { toast } from "sonner";
import { toastActionError } from "@/components/forms/toast-error";
import { DataTable, features } from "@/components/data-table/data-table";
import { useAction } from "@/components/forms/use-form-action";
import { Badge, EmptyState } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { deleteDeploymentAction, setDefaultDeploymentAction } from "../../actions";
import { ConfirmButton } from "@/components/ui/confirm-button";

interface DeploymentRow {
  name: string;
  version: number;
  runtime: string;
  model: string | null;
  isDefault: boolean;
  miniBatchSize: number;
  instances: number;
  updatedAt: Date;
}

const col = createColumnHelper<typeof features, DeploymentRow>();

export function DeploymentsTable({
  slug,
  endpoint,
  canManage,
  data,
}: {
  slug: string;
  endpoint: string;
  canManage: boolean;
  data: DeploymentRow[];
}) {
  const setDefault = useAction(setDefaultDeploymentAction, {
    onSuccess: () => toast.success("Default deployment changed"),
    onError: toastActionError,
  });
  const remove = useAction(deleteDeploymentAction, { onSuccess: () => toast.success("Deployment deleted"), onError: toastActionError });
  const columns = col.columns([
    col.accessor("name", {
      header: "Name",
      cell: (c) => (
        <span className="flex items-center gap-2 whitespace-nowrap font-medium">
          <Link
            href={`/w/${slug}/endpoints/${endpoint}/deployments/${c.getValue()}`}
            className="text-brand-700 hover:underline dark:text-brand-300"
          >
            {c.getValue()}
          </Link>{" "}
          {c.row.original.isDefault ? <Badge tone="blue">default</Badge> : null}
        </span>
      ),
    }),
    col.accessor("version", { header: "Version", cell: (c) => `v${c.getValue()}` }),
    col.accessor("runtime", { header: "Runtime" }),
    col.accessor("model", { header: "Model", cell: (c) => c.getValue() ?? <span className="text-zinc-500">none</span> }),
    col.accessor("miniBatchSize", { header: "Mini-batch" }),
    col.accessor("instances", { header: "Parallel" }),
    col.accessor("updatedAt", { header: "Updated", cell: (c) => <RelativeTime date={c.getValue()} /> }),
    ...(canManage
      ? [
          col.display({
            id: "actions",
            header: () => <span className="sr-only">Actions</span>,
            cell: ({ row }) => (
              <span className="flex justify-end gap-3 text-sm">
                <Link
                  className="text-brand-600 hover:underline"
                  aria-label={`Edit deployment ${row.original.name}`}
                  href={`/w/${slug}/endpoints/${endpoint}/deployments/${row.original.name}/edit`}
                >
                  Edit
                </Link>
                {!row.original.isDefault ? (
                  <button
                    type="button"
                    className="text-brand-600 hover:underline"
                    onClick={() => setDefault.execute({ workspace: slug, endpoint, deployment: row.original.name })}
                  >
                    Make default
                  </button>
                ) : null}
                <ConfirmButton
                  triggerVariant="link-danger"
                  triggerLabel={`Delete deployment ${row.original.name}`}
                  title={`Delete deployment ${row.original.name}?`}
                  description="Its versions go with it. Jobs that used it keep their results."
                  confirmLabel="Delete deployment"
                  cancelLabel="Keep deployment"
                  onConfirm={() => remove.execute({ workspace: slug, endpoint, deployment: row.original.name })}
                >
                  Delete
                </ConfirmButton>
              </span>
            ),
          }),
        ]
      : []),
  ]);
  return (
    <DataTable
      label="Deployments"
      columns={columns}
      data={data}
      empty={<EmptyState title="No deployments yet">Add a deployment: your scoring script, an optional model and its settings.</EmptyState>}
    />
  );
}
