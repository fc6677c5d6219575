-- CreateTable
CREATE TABLE "DeploymentVersion" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "codeDatastoreId" TEXT,
    "codePath" TEXT,
    "scoringScript" TEXT NOT NULL,
    "runtime" "Runtime" NOT NULL,
    "interpreter" TEXT,
    "modelVersionId" TEXT,
    "modelRef" TEXT,
    "settings" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeploymentVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeploymentVersion_workspaceId_idx" ON "DeploymentVersion"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "DeploymentVersion_deploymentId_version_key" ON "DeploymentVersion"("deploymentId", "version");

-- AddForeignKey
ALTER TABLE "DeploymentVersion" ADD CONSTRAINT "DeploymentVersion_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

