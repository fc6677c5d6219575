export function Logo({ compact = false }: { compact?: boolean }) {
  return (
    <span className="inline-flex items-center gap-2 font-semibold tracking-tight">
      <span className="flex h-7 w-7 items-center justify-center rounded-md bg-brand-600 text-sm text-white" aria-hidden>
        B
      </span>
      {compact ? null : <span className="text-lg">Batchpoint</span>}
    </span>
  );
}
