"use client";

import { useRouter } from "next/navigation";
import { FormMessage } from "@/components/forms/form-message";
import { useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { acceptInvitationAction } from "../../actions";

export function AcceptInvitation({ token }: { token: string }) {
  const router = useRouter();
  const { execute, result, isPending } = useAction(acceptInvitationAction, {
    onSuccess({ data }) {
      if (data) router.push(`/w/${data.workspaceSlug}/endpoints`);
    },
  });
  const { message } = useFormErrors(result);
  return (
    <div className="space-y-3">
      <FormMessage message={message} />
      <Button className="w-full" disabled={isPending} onClick={() => execute({ token })}>
        {isPending ? "Joining…" : "Accept invitation"}
      </Button>
    </div>
  );
}
