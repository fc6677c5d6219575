-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "condaFile" TEXT,
ADD COLUMN     "requirementsFile" TEXT,
ADD COLUMN     "sandboxSettings" JSONB NOT NULL DEFAULT '{}';

