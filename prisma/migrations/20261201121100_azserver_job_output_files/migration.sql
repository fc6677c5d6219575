-- CreateTable
CREATE TABLE "JobOutputFile" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "miniBatchIndex" INTEGER NOT NULL,
    "size" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobOutputFile_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "JobOutputFile_jobId_miniBatchIndex_idx" ON "JobOutputFile"("jobId", "miniBatchIndex");

-- CreateIndex
CREATE UNIQUE INDEX "JobOutputFile_jobId_path_key" ON "JobOutputFile"("jobId", "path");

-- AddForeignKey
ALTER TABLE "JobOutputFile" ADD CONSTRAINT "JobOutputFile_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobOutputFile" ADD CONSTRAINT "JobOutputFile_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
