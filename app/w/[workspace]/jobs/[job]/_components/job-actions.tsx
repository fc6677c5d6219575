"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { useAction } from "@/components/forms/use-form-action";
import { cancelJobAction, rerunJobAction, retryFailedAction } from "../../actions";
import { ConfirmButton } from "@/components/ui/confirm-button";

type ServerError = { error: { serverError?: { message: string }; validationErrors?: unknown } };

/** The job's commands; the page offers only those the role and the job's state allow, and the server checks again. */
export function JobActions({ slug, name, canCancel, canRetry, canRerun }: { slug: string; name: string; canCancel: boolean; canRetry: boolean; canRerun: boolean }) {
  const router = useRouter();
  const onError = ({ error }: ServerError) => toast.error(error.serverError?.message ?? "That did not work. Reload the page and try again.");
  const cancel = useAction(cancelJobAction, {
    onError,
    onSuccess: () => {
      toast.success("Cancel requested", { description: "Running mini-batches stop; finished ones keep their output." });
      router.refresh();
    },
  });
  const retry = useAction(retryFailedAction, {
    onError,
    onSuccess: ({ data }) => {
      toast.success(`Retrying ${data?.miniBatches ?? "the failed"} mini-batch${data?.miniBatches === 1 ? "" : "es"}`);
      router.refresh();
    },
  });
  const rerun = useAction(rerunJobAction, {
    onError,
    onSuccess: ({ data }) => {
      if (!data) return;
      toast.success(`Started ${data.name}`, { description: "Same inputs, deployment and settings." });
      router.push(`/w/${slug}/jobs/${data.name}`);
    },
  });
  if (!canCancel && !canRetry && !canRerun) return null;
  return (
    <div className="flex flex-wrap gap-2">
      {canRetry ? (
        <Button variant="secondary" disabled={retry.isPending} onClick={() => retry.execute({ workspace: slug, name })}>
          {retry.isPending ? "Retrying…" : "Retry failed"}
        </Button>
      ) : null}
      {canRerun ? (
        <Button variant="secondary" aria-label="Re-run with the same settings" title="Start a new job with the same inputs, deployment and settings" disabled={rerun.isPending} onClick={() => rerun.execute({ workspace: slug, name })}>
          {rerun.isPending ? "Starting…" : "Re-run"}
        </Button>
      ) : null}
      {canCancel ? (
        <ConfirmButton
          triggerVariant="danger"
          disabled={cancel.isPending}
          title={`Cancel ${name}?`}
          description="Running mini-batches stop; the ones that finished keep their output."
          confirmLabel="Cancel job"
          cancelLabel="Keep running"
          onConfirm={() => cancel.execute({ workspace: slug, name })}
        >
          {cancel.isPending ? "Canceling…" : "Cancel job"}
        </ConfirmButton>
      ) : null}
    </div>
  );
}
