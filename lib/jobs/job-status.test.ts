import { describe, expect, it } from "vitest";
import { JobStatus as PrismaJobStatus } from "@/lib/generated/prisma/enums";
import { FINAL_JOB_STATUSES, JOB_STATUSES, type JobStatus, jobActions, OPEN_JOB_STATUSES } from "@/shared/job-status";

// Compile-time: shared/job-status.ts names exactly the Prisma enum's values (tsc fails otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameAsPrisma: Same<JobStatus, PrismaJobStatus> = true;

describe("the job status module", () => {
  it("lists the Prisma enum's statuses, in the schema's order", () => {
    expect(sameAsPrisma).toBe(true);
    expect([...JOB_STATUSES]).toEqual(Object.values(PrismaJobStatus));
  });

  it("splits every status into open or final, never both", () => {
    expect([...OPEN_JOB_STATUSES, ...FINAL_JOB_STATUSES].sort()).toEqual([...JOB_STATUSES].sort());
  });

  const base = { miniBatchesTotal: 4, miniBatchesCompleted: 4, miniBatchesFailed: 0, filesFailed: 0 };
  it.each([
    ["queued", {}, { cancel: true, retryFailed: false, rerun: false }],
    ["running", { cancelRequestedAt: new Date() }, { cancel: false, retryFailed: false, rerun: false }],
    ["finalizing", {}, { cancel: false, retryFailed: false, rerun: false }],
    ["completed", {}, { cancel: false, retryFailed: false, rerun: true }],
    ["completed_with_errors", { filesFailed: 2, miniBatchesFailed: 1 }, { cancel: false, retryFailed: true, rerun: true }],
    ["failed", { miniBatchesCompleted: 1 }, { cancel: false, retryFailed: true, rerun: true }],
    ["canceled", { miniBatchesCompleted: 1 }, { cancel: false, retryFailed: false, rerun: true }],
  ] as const)("a %s job %o allows %o", (status, extra, allowed) => {
    expect(jobActions({ ...base, status, ...extra })).toEqual(allowed);
  });
});
