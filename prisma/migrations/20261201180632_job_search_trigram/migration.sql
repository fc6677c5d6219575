-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "Job_name_trgm_idx" ON "Job" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Job_displayName_trgm_idx" ON "Job" USING GIN ("displayName" gin_trgm_ops);

