"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { toastActionError } from "@/components/forms/toast-error";
import { useAction } from "@/components/forms/use-form-action";
import { deleteEndpointAction } from "../../actions";
import { ConfirmButton } from "@/components/ui/confirm-button";

export function DeleteEndpointButton({ slug, endpoint }: { slug: string; endpoint: string }) {
  const router = useRouter();
  const { execute, isPending } = useAction(deleteEndpointAction, {
    onSuccess: () => {
      toast.success(`Endpoint ${endpoint} deleted`);
      router.push(`/w/${slug}/endpoints`);
    },
    onError: toastActionError,
  });
  return (
    <ConfirmButton
      triggerVariant="danger"
      disabled={isPending}
      title={`Delete endpoint ${endpoint}?`}
      description="Its deployments are deleted too. Its jobs and their outputs stay."
      confirmLabel="Delete endpoint"
      cancelLabel="Keep endpoint"
      onConfirm={() => execute({ workspace: slug, endpoint })}
    >
      Delete
    </ConfirmButton>
  );
}
