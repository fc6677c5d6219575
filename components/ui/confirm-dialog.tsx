"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";
import { Button } from "./button";

interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  /** Verbs, not "OK": "Delete folder" / "Keep folder". */
  confirmLabel: string;
  cancelLabel: string;
  destructive?: boolean;
  onConfirm: () => void;
}

/**
 * ConfirmButton's modal without its trigger, for one dialog shared by many triggers (the rows of a
 * list). The native <dialog> traps focus, closes on Escape and gives focus back to the trigger.
 */
export function ConfirmDialog({
  open,
  onClose,
  title,
  description,
  confirmLabel,
  cancelLabel,
  destructive = true,
  onConfirm,
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-desc` : undefined}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-900/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      onClose={onClose}
      onClick={(e) => e.target === ref.current && ref.current?.close()}
    >
      {open ? (
        <div className="p-5">
          <h2 id={`${id}-title`} className="text-base font-semibold [overflow-wrap:anywhere]">
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
      ) : null}
    </dialog>
  );
}
