-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "outputHeader" TEXT,
ADD COLUMN     "retryGeneration" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "MiniBatch" ADD COLUMN     "traceback" TEXT;

