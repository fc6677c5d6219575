"use client";

import { type ReactNode, type RefObject, useEffect, useId, useRef } from "react";
import { Button } from "./button";

interface ConfirmText {
  title: string;
  description?: ReactNode;
  /** Verbs, not "OK": "Delete folder" / "Keep folder". */
  confirmLabel: string;
  cancelLabel: string;
  destructive?: boolean;
  onConfirm: () => void;
}

/**
 * The confirmation modal itself, on a native <dialog> the caller opens through `dialogRef`: focus is
 * trapped, Escape closes it, focus returns to the trigger, and the safe choice has focus when it opens.
 * `showContent` false leaves it empty while closed. ConfirmButton and ConfirmDialog both render it.
 */
export function ConfirmModal({
  dialogRef,
  title,
  description,
  confirmLabel,
  cancelLabel,
  destructive = true,
  onConfirm,
  onClose,
  showContent = true,
}: ConfirmText & { dialogRef: RefObject<HTMLDialogElement | null>; onClose?: () => void; showContent?: boolean }) {
  const id = useId();
  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-desc` : undefined}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-900/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      onClose={onClose}
      onClick={(e) => e.target === dialogRef.current && dialogRef.current?.close()}
    >
      {showContent ? (
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
            <Button type="button" variant="secondary" autoFocus onClick={() => dialogRef.current?.close()}>
              {cancelLabel}
            </Button>
            <Button
              type="button"
              variant={destructive ? "danger" : "primary"}
              onClick={() => {
                dialogRef.current?.close();
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

/**
 * ConfirmButton's modal without its trigger, for one dialog shared by many triggers (the rows of a
 * list), opened and closed by `open`.
 */
export function ConfirmDialog({ open, onClose, ...text }: ConfirmText & { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return <ConfirmModal dialogRef={ref} onClose={onClose} showContent={open} {...text} />;
}
