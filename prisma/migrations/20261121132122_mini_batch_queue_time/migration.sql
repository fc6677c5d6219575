-- AlterTable
ALTER TABLE "MiniBatch" ADD COLUMN     "queuedMs" INTEGER;

