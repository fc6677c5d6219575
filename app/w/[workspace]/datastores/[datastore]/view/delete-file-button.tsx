"use client";

import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { toastActionError } from "@/components/forms/toast-error";
import { useAction } from "@/components/forms/use-form-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { deleteDatastoreItemsAction } from "../../actions";

export function DeleteFileButton({
  slug,
  datastore,
  path,
  folderHref,
}: {
  slug: string;
  datastore: string;
  path: string;
  folderHref: string;
}) {
  const router = useRouter();
  const name = path.split("/").pop();
  const { execute, isPending } = useAction(deleteDatastoreItemsAction, {
    onSuccess: () => {
      toast.success(`Deleted ${name}`);
      router.push(folderHref);
    },
    onError: toastActionError,
  });
  return (
    <ConfirmButton
      triggerVariant="danger"
      disabled={isPending}
      title={`Delete file ${name}?`}
      description={`${path} is deleted from ${datastore}. This cannot be undone.`}
      confirmLabel="Delete file"
      cancelLabel="Keep file"
      onConfirm={() => execute({ workspace: slug, datastore, paths: [path] })}
    >
      <Trash2 aria-hidden className="size-4" />
      Delete
    </ConfirmButton>
  );
}
