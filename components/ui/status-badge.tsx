import { Badge } from "./card";

const tones = {
  queued: "gray",
  preparing: "blue",
  running: "blue",
  finalizing: "blue",
  completed: "green",
  completed_with_errors: "amber",
  failed: "red",
  canceled: "amber",
} as const;

// A job that finished with failed inputs must not look like a clean run.
const labels: Partial<Record<keyof typeof tones, string>> = { completed_with_errors: "Completed with errors" };

export function JobStatusBadge({ status }: { status: keyof typeof tones }) {
  return <Badge tone={tones[status] ?? "gray"}>{labels[status] ?? status}</Badge>;
}
