-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "actorWebhookId" TEXT;

