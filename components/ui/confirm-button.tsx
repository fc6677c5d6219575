"use client";

import { type ReactNode, useRef } from "react";
import { buttonClass } from "./button";
import { ConfirmModal } from "./confirm-dialog";
import { cn } from "./cn";

interface ConfirmButtonProps {
  /** The trigger's content and classes; `triggerLabel` is its accessible name when the content is not enough. */
  children: ReactNode;
  triggerClassName?: string;
  triggerVariant?: "primary" | "secondary" | "danger" | "ghost" | "link-danger";
  triggerLabel?: string;
  disabled?: boolean;
  title: string;
  description?: ReactNode;
  /** Verbs, not "OK": "Cancel job" / "Keep running". */
  confirmLabel: string;
  cancelLabel: string;
  destructive?: boolean;
  onConfirm: () => void;
}

/**
 * A button that asks first, in an in-app modal (the native <dialog>: focus is trapped, Escape
 * closes it, and focus returns to the trigger). The safe choice has focus when it opens.
 */
export function ConfirmButton({
  children,
  triggerClassName,
  triggerVariant = "secondary",
  triggerLabel,
  disabled,
  title,
  description,
  confirmLabel,
  cancelLabel,
  destructive = true,
  onConfirm,
}: ConfirmButtonProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const triggerClass =
    triggerVariant === "link-danger"
      ? cn("text-sm text-red-700 hover:underline disabled:opacity-50 dark:text-red-400", triggerClassName)
      : buttonClass(triggerVariant, triggerClassName);
  return (
    <>
      <button
        type="button"
        className={triggerClass}
        aria-label={triggerLabel}
        aria-haspopup="dialog"
        disabled={disabled}
        onClick={() => ref.current?.showModal()}
      >
        {children}
      </button>
      <ConfirmModal
        dialogRef={ref}
        title={title}
        description={description}
        confirmLabel={confirmLabel}
        cancelLabel={cancelLabel}
        destructive={destructive}
        onConfirm={onConfirm}
      />
    </>
  );
}
