-- DropIndex
DROP INDEX "WebhookDelivery_webhookId_eventId_key";

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "displayName" TEXT,
ADD COLUMN     "tags" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "redeliveryOfId" TEXT,
ADD COLUMN     "sequence" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "WebhookDelivery_webhookId_createdAt_idx" ON "WebhookDelivery"("webhookId", "createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_webhookId_eventId_sequence_key" ON "WebhookDelivery"("webhookId", "eventId", "sequence");

