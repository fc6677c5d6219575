-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "supportsExplanations" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "explain" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "secretsCiphertext" TEXT;

