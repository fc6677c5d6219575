import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/api/openapi";

// Public: the API's description, generated from the request schemas.
export function GET(request: Request) {
  return NextResponse.json(openApiDocument(new URL(request.url).origin));
}
