-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "requestBody" TEXT,
ADD COLUMN     "requestBytes" INTEGER,
ADD COLUMN     "requestHeaders" JSONB;

