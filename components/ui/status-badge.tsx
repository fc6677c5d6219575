import { Badge } from "./card";

const tones = {
  queued: "gray",
  preparing: "blue",
  running: "blue",
  finalizing: "blue",
  completed: "green",
  failed: "red",
  canceled: "amber",
} as const;

export function JobStatusBadge({ status }: { status: keyof typeof tones }) {
  return <Badge tone={tones[status] ?? "gray"}>{status}</Badge>;
}
