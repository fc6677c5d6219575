-- AlterEnum
ALTER TYPE "JobStatus" ADD VALUE 'completed_with_errors';

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "progressAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "MiniBatch" ADD COLUMN     "firstLine" INTEGER;

-- CreateTable
CREATE TABLE "JobOutputClaim" (
    "location" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobOutputClaim_pkey" PRIMARY KEY ("location")
);

-- CreateTable
CREATE TABLE "JobRetryRound" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "deploymentVersion" INTEGER NOT NULL,
    "versionChoice" TEXT NOT NULL,
    "miniBatches" INTEGER NOT NULL,
    "inputs" INTEGER NOT NULL,
    "completedBefore" INTEGER NOT NULL,
    "succeeded" INTEGER,
    "failed" INTEGER,
    "status" "JobStatus",
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "JobRetryRound_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "JobOutputClaim_jobId_key" ON "JobOutputClaim"("jobId");

-- CreateIndex
CREATE UNIQUE INDEX "JobRetryRound_jobId_round_key" ON "JobRetryRound"("jobId", "round");

-- AddForeignKey
ALTER TABLE "JobOutputClaim" ADD CONSTRAINT "JobOutputClaim_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobRetryRound" ADD CONSTRAINT "JobRetryRound_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

