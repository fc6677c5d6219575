/** A "retry failed" round as the API and the dashboard show it. */
export function presentRetryRound(r: {
  round: number;
  deploymentVersion: number;
  versionChoice: string;
  miniBatches: number;
  inputs: number;
  succeeded: number | null;
  failed: number | null;
  status: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}) {
  return {
    round: r.round,
    deploymentVersion: r.deploymentVersion,
    versionChoice: r.versionChoice,
    counts: { miniBatches: r.miniBatches, inputs: r.inputs, succeeded: r.succeeded, failed: r.failed },
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}
