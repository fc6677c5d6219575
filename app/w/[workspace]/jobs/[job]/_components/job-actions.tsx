"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { useAction } from "@/components/forms/use-form-action";
import { cancelJobAction, rerunJobAction, retryFailedAction } from "../../actions";
import { ConfirmButton } from "@/components/ui/confirm-button";

type ServerError = { error: { serverError?: { message: string }; validationErrors?: unknown } };

/** The job's commands; the page offers only those the role and the job's state allow, and the server checks again. */
export function JobActions({
  slug,
  name,
  canCancel,
  canRetry,
  canRerun,
  jobVersion,
  currentVersion,
}: {
  slug: string;
  name: string;
  canCancel: boolean;
  canRetry: boolean;
  canRerun: boolean;
  jobVersion?: number;
  currentVersion?: number | null;
}) {
  const router = useRouter();
  const onError = ({ error }: ServerError) =>
    toast.error(error.serverError?.message ?? "That did not work. Reload the page and try again.");
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
      {canRetry && jobVersion && currentVersion && currentVersion !== jobVersion ? (
        // The deployment changed since the job ran: ask which version the retry runs, and say it.
        <RetryWithVersion
          jobVersion={jobVersion}
          currentVersion={currentVersion}
          pending={retry.isPending}
          onRetry={(deploymentVersion) => retry.execute({ workspace: slug, name, deploymentVersion })}
        />
      ) : canRetry ? (
        <Button variant="secondary" disabled={retry.isPending} onClick={() => retry.execute({ workspace: slug, name })}>
          {retry.isPending ? "Retrying…" : "Retry failed"}
        </Button>
      ) : null}
      {canRerun ? (
        <Button
          variant="secondary"
          aria-label="Re-run with the same settings"
          title="Start a new job with the same inputs, deployment and settings"
          disabled={rerun.isPending}
          onClick={() => rerun.execute({ workspace: slug, name })}
        >
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

/** "Retry failed" when the deployment has a newer version: a dialog asks which version the failed mini-batches run with. */
function RetryWithVersion({
  jobVersion,
  currentVersion,
  pending,
  onRetry,
}: {
  jobVersion: number;
  currentVersion: number;
  pending: boolean;
  onRetry: (v: "job" | "current") => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [choice, setChoice] = useState<"job" | "current">("current");
  return (
    <>
      <Button variant="secondary" aria-haspopup="dialog" disabled={pending} onClick={() => ref.current?.showModal()}>
        {pending ? "Retrying…" : "Retry failed"}
      </Button>
      <dialog
        ref={ref}
        aria-labelledby={`${id}-t`}
        className="m-auto w-[min(30rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-zinc-900/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <h2 id={`${id}-t`} className="text-base font-semibold">
          Retry the failed mini-batches with which version?
        </h2>
        <fieldset className="mt-3 space-y-2 text-sm">
          <legend className="sr-only">Deployment version</legend>
          <label className="flex items-start gap-2">
            <input type="radio" name={`${id}-v`} checked={choice === "current"} onChange={() => setChoice("current")} className="mt-0.5" />
            <span>
              <strong>The current version, v{currentVersion}</strong>
              <span className="block text-zinc-600 dark:text-zinc-400">Use this if you fixed the deployment since the job ran.</span>
            </span>
          </label>
          <label className="flex items-start gap-2">
            <input type="radio" name={`${id}-v`} checked={choice === "job"} onChange={() => setChoice("job")} className="mt-0.5" />
            <span>
              <strong>The job&apos;s version, v{jobVersion}</strong>
              <span className="block text-zinc-600 dark:text-zinc-400">
                The same code and settings as the first run, for a transient failure.
              </span>
            </span>
          </label>
        </fieldset>
        <div className="mt-5 flex justify-end gap-2">
          <Button type="button" variant="secondary" autoFocus onClick={() => ref.current?.close()}>
            Keep as is
          </Button>
          <Button
            type="button"
            onClick={() => {
              ref.current?.close();
              onRetry(choice);
            }}
          >
            Retry with v{choice === "current" ? currentVersion : jobVersion}
          </Button>
        </div>
      </dialog>
    </>
  );
}
