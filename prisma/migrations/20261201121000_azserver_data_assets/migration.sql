-- CreateEnum
CREATE TYPE "DataAssetType" AS ENUM ('uri_folder', 'uri_file');

-- CreateTable
CREATE TABLE "DataAsset" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "type" "DataAssetType" NOT NULL,
    "path" TEXT NOT NULL,
    "description" TEXT,
    "createdById" TEXT,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataAsset_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DataAsset_workspaceId_name_createdAt_idx" ON "DataAsset"("workspaceId", "name", "createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "DataAsset_workspaceId_name_version_key" ON "DataAsset"("workspaceId", "name", "version");

-- AddForeignKey
ALTER TABLE "DataAsset" ADD CONSTRAINT "DataAsset_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
