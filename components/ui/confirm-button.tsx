"use client";

import { type ReactNode, useId, useRef } from "react";
import { Button, buttonClass } from "./button";
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
  const id = useId();
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
      <dialog
        ref={ref}
        aria-labelledby={`${id}-title`}
        aria-describedby={description ? `${id}-desc` : undefined}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-900/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
        onClick={(e) => e.target === ref.current && ref.current?.close()}
      >
        <div className="p-5">
          <h2 id={`${id}-title`} className="text-base font-semibold">
            {title}
          </h2>
          {description ? (
            <div id={`${id}-desc`} className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
              {description}
            </div>
          ) : null}
          <div className="mt-5 flex flex-wrap justify-end gap-2">
            <Button type="button" variant="secondary" autoFocus onClick={() => ref.current?.close()}>
              {cancelLabel}
            </Button>
            <Button
              type="button"
              variant={destructive ? "danger" : "primary"}
              onClick={() => {
                ref.current?.close();
                onConfirm();
              }}
            >
              {confirmLabel}
            </Button>
          </div>
        </div>
      </dialog>
    </>
  );
}
