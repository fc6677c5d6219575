-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "scheduledFor" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "JobDefinition" ADD COLUMN     "description" TEXT,
ADD COLUMN     "lastRunNote" TEXT,
ADD COLUMN     "nextRunAt" TIMESTAMP(3),
ADD COLUMN     "overlapPolicy" TEXT NOT NULL DEFAULT 'skip',
ADD COLUMN     "runClaimUntil" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Job_jobDefinitionId_createdAt_idx" ON "Job"("jobDefinitionId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "JobDefinition_enabled_nextRunAt_idx" ON "JobDefinition"("enabled", "nextRunAt");

