-- AlterTable
ALTER TABLE "MiniBatch" ADD COLUMN     "claimedBy" TEXT,
ADD COLUMN     "claimedUntil" TIMESTAMP(3);

