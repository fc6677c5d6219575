import "server-only";
import { Readable } from "node:stream";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { parseSearchParams } from "@/lib/search-params";

/** JSON with dates as ISO strings and BigInts as numbers. */
export function json(data: unknown, status = 200, headers: Record<string, string> = {}) {
  return new NextResponse(JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? Number(v) : v)), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export function queryOf<S extends z.ZodObject>(schema: S, request: Request): z.infer<S> {
  return parseSearchParams(schema, Object.fromEntries(new URL(request.url).searchParams));
}

/** The request's JSON body; invalid JSON is a 400 that says so. Validation is the lib function's job. */
export async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body is not valid JSON.");
  }
}

/** Streams a Node readable as the response body. */
export function streamResponse(stream: Readable, headers: Record<string, string>) {
  return new Response(Readable.toWeb(stream) as ReadableStream, { status: 200, headers });
}

export function baseUrlOf(request: Request) {
  return new URL(request.url).origin;
}
