import NextAuth from "next-auth";
import { NextRequest, NextResponse } from "next/server";
import { readBody } from "@/lib/api/read-body";
import { authOptions } from "@/lib/auth/options";
import { AppError } from "@/lib/errors";

/** Sign-in, sign-out and CSRF posts are small forms; anything larger is refused before next-auth reads it. */
const MAX_AUTH_BODY_BYTES = 64 * 1024;

const handler = async (req: NextRequest, ctx: unknown) => {
  if (req.method === "POST") {
    try {
      const body = await readBody(req, { limit: MAX_AUTH_BODY_BYTES });
      req = new NextRequest(req.url, { method: req.method, headers: req.headers, body: new Uint8Array(body) });
    } catch (e) {
      if (e instanceof AppError) return NextResponse.json({ error: { code: e.code, message: e.message } }, { status: e.status });
      throw e;
    }
  }
  return NextAuth(authOptions())(req, ctx);
};

export { handler as GET, handler as POST };
