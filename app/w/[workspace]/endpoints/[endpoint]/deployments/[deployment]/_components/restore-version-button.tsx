"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { toastActionError } from "@/components/forms/toast-error";
import { useAction } from "@/components/forms/use-form-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { restoreDeploymentVersionAction } from "../../../../actions";

export function RestoreVersionButton({
  slug,
  endpoint,
  deployment,
  version,
  current,
}: {
  slug: string;
  endpoint: string;
  deployment: string;
  version: number;
  current: number;
}) {
  const router = useRouter();
  const { execute, isPending } = useAction(restoreDeploymentVersionAction, {
    onSuccess: ({ data }) => {
      toast.success(`Version ${version} is current again, as v${data?.version}`);
      router.refresh();
    },
    onError: toastActionError,
  });
  return (
    <ConfirmButton
      triggerVariant="secondary"
      triggerClassName="px-2.5 py-1 text-xs"
      disabled={isPending}
      destructive={false}
      title={`Make version ${version} of ${deployment} current?`}
      description={`Its code, model and settings become version ${current + 1}. New jobs use it; running jobs keep the version they started with. Version ${current} stays in the history.`}
      confirmLabel={`Make v${version} current`}
      cancelLabel={`Keep v${current}`}
      onConfirm={() => execute({ workspace: slug, endpoint, deployment, version })}
    >
      Make v{version} current
    </ConfirmButton>
  );
}
