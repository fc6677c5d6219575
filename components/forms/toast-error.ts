"use client";

import { toast } from "sonner";

/** next-safe-action's onError for buttons without a form: the server's message as a toast. */
export function toastActionError({ error }: { error: { serverError?: { message: string } } }) {
  toast.error(error.serverError?.message ?? "That did not work. Try again.");
}
