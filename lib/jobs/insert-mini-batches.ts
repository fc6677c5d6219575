import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";

export interface NewMiniBatch {
  workspaceId: string;
  jobId: string;
  index: number;
  /** file-level splitting: the blob paths */
  items?: string[];
  /** tabular input: the byte range of whole CSV records */
  byteStart?: number;
  byteEnd?: number;
  firstLine?: number;
  itemCount: number;
}

/**
 * Inserts a chunk of mini-batches in one statement, skipping indexes that exist (a re-planned job
 * writes nothing twice). Raw SQL with the rows as one JSON parameter rather than `createMany`:
 * Prisma's client keeps the arguments of its last 100 debug calls (DEBUG set or not), and a
 * `createMany` plan carries every value as its own object (about 2 MiB per 500 rows), so planning
 * memory grew with the input until that history filled. One JSON string is small, and it is also
 * far cheaper to compile than thousands of parameters.
 */
export async function insertMiniBatches(rows: NewMiniBatch[]): Promise<void> {
  if (!rows.length) return;
  const json = JSON.stringify(rows.map((r) => ({ ...r, id: randomUUID() })));
  await db.$executeRaw`
    INSERT INTO "MiniBatch" ("id", "workspaceId", "jobId", "index", "items", "byteStart", "byteEnd", "firstLine", "itemCount")
    SELECT r."id", r."workspaceId", r."jobId", r."index", r."items", r."byteStart", r."byteEnd", r."firstLine", r."itemCount"
    FROM jsonb_to_recordset(${json}::jsonb)
      AS r("id" text, "workspaceId" text, "jobId" text, "index" int, "items" jsonb, "byteStart" bigint, "byteEnd" bigint, "firstLine" int, "itemCount" int)
    ON CONFLICT ("jobId", "index") DO NOTHING`;
}
