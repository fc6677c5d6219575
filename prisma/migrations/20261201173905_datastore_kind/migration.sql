-- CreateEnum
CREATE TYPE "DatastoreKind" AS ENUM ('azure_blob', 'filesystem');

-- AlterTable
ALTER TABLE "Datastore" ADD COLUMN     "kind" "DatastoreKind" NOT NULL DEFAULT 'azure_blob';

