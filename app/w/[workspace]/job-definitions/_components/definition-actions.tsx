"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { toastActionError } from "@/components/forms/toast-error";
import { useAction } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { cloneJobDefinitionAction, deleteJobDefinitionAction, runJobDefinitionAction, setJobDefinitionEnabledAction } from "../actions";

export function DefinitionActions({
  slug,
  name,
  enabled,
  canManage,
  canRun,
}: {
  slug: string;
  name: string;
  enabled: boolean;
  canManage: boolean;
  canRun: boolean;
}) {
  const router = useRouter();
  const run = useAction(runJobDefinitionAction, {
    onSuccess: ({ data }) => {
      if (!data) return;
      toast.success(`Started job ${data.job}`);
      router.refresh();
    },
    onError: toastActionError,
  });
  const toggle = useAction(setJobDefinitionEnabledAction, { onSuccess: () => router.refresh(), onError: toastActionError });
  const clone = useAction(cloneJobDefinitionAction, {
    onSuccess: ({ data }) => data && router.push(`/w/${slug}/job-definitions/${data.name}`),
    onError: toastActionError,
  });
  const remove = useAction(deleteJobDefinitionAction, {
    onSuccess: () => {
      toast.success(`Job definition ${name} deleted`);
      router.push(`/w/${slug}/job-definitions`);
    },
    onError: toastActionError,
  });
  return (
    <div className="flex flex-wrap gap-2">
      {canRun ? (
        <Button disabled={run.isPending} onClick={() => run.execute({ workspace: slug, name })}>
          {run.isPending ? "Starting…" : "Run now"}
        </Button>
      ) : null}
      {canManage ? (
        <>
          <Button
            variant="secondary"
            disabled={toggle.isPending}
            onClick={() => toggle.execute({ workspace: slug, name, enabled: !enabled })}
          >
            {enabled ? "Disable" : "Enable"}
          </Button>
          <Button
            variant="secondary"
            disabled={clone.isPending}
            onClick={() => {
              const newName = prompt(`Name of the copy of ${name}:`, `${name}-copy`.slice(0, 32));
              if (newName) clone.execute({ workspace: slug, name, newName });
            }}
          >
            Clone
          </Button>
          <Button
            variant="secondary"
            disabled={remove.isPending}
            onClick={() =>
              confirm(`Delete job definition ${name}? Its jobs and their outputs stay.`) && remove.execute({ workspace: slug, name })
            }
          >
            Delete
          </Button>
        </>
      ) : null}
    </div>
  );
}
