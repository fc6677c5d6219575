import "server-only";
import { Readable } from "node:stream";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { parseSearchParams } from "@/lib/search-params";
import { readJsonBody } from "./read-body";

/** JSON with dates as ISO strings and BigInts as numbers. */
export function json(data: unknown, status = 200, headers: Record<string, string> = {}) {
  return new NextResponse(
    JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? Number(v) : v)),
    {
      status,
      headers: { "content-type": "application/json", ...headers },
    },
  );
}

export function queryOf<S extends z.ZodObject>(schema: S, request: Request): z.infer<S> {
  return parseSearchParams(schema, Object.fromEntries(new URL(request.url).searchParams));
}

/** The request's JSON body, at most 1 MiB (413 beyond, the rest unread); invalid JSON is a 400 that says so. Validation is the lib function's job. */
export function jsonBody(request: Request): Promise<unknown> {
  return readJsonBody(request);
}

/** Streams a Node readable as the response body. */
export function streamResponse(stream: Readable, headers: Record<string, string>) {
  return new Response(Readable.toWeb(stream) as ReadableStream, { status: 200, headers });
}

export function baseUrlOf(request: Request) {
  return new URL(request.url).origin;
}
