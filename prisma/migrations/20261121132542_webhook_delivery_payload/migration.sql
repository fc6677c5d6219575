-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "payload" JSONB;

