"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { toastActionError } from "@/components/forms/toast-error";
import { useAction } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { deleteEndpointAction } from "../../actions";

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
    <Button variant="secondary" disabled={isPending} onClick={() => confirm(`Delete endpoint ${endpoint} and its deployments? Its jobs and their outputs stay.`) && execute({ workspace: slug, endpoint })}>
      Delete
    </Button>
  );
}
