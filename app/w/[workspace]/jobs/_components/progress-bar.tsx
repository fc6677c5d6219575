import { cn } from "@/components/ui/cn";

/** A labelled progress bar; the red share shows failed work. */
export function ProgressBar({
  percent,
  failedPercent = 0,
  label,
  className,
  size = "sm",
}: {
  percent: number;
  failedPercent?: number;
  label: string;
  className?: string;
  size?: "sm" | "lg";
}) {
  const h = size === "lg" ? "h-2.5" : "h-1.5";
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuenow={percent}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuetext={`${percent}%`}
      className={cn("w-full", className)}
    >
      <div className={cn("flex overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800", h)}>
        <div
          className={cn("bg-brand-500 motion-safe:transition-[width] motion-safe:duration-500", h)}
          style={{ width: `${Math.max(0, percent - failedPercent)}%` }}
        />
        {failedPercent > 0 ? <div className={cn("bg-red-500", h)} style={{ width: `${failedPercent}%` }} /> : null}
      </div>
    </div>
  );
}
