import type { Metadata } from "next";
import { ForbiddenPage } from "./_components/forbidden-page";

export const metadata: Metadata = { title: "No access" };

// The 403 page outside a workspace's shell; `forbidden()` in a page renders it with HTTP 403.
export default function Forbidden() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <ForbiddenPage />
    </main>
  );
}
