"use client";

import Link from "next/link";
import { useState } from "react";
import { buttonClass } from "@/components/ui/button";

/** From a folder of the data browser to the invoke form of an endpoint, with this folder as input. */
export function InvokeHere({ slug, endpoints, inputPath }: { slug: string; endpoints: string[]; inputPath: string }) {
  const [endpoint, setEndpoint] = useState(endpoints[0] ?? "");
  if (!endpoints.length) return null;
  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-5 py-3 text-sm dark:border-zinc-800">
      <span>Score this folder with</span>
      <select
        aria-label="Endpoint to invoke"
        value={endpoint}
        onChange={(e) => setEndpoint(e.target.value)}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
      >
        {endpoints.map((e) => (
          <option key={e} value={e}>
            {e}
          </option>
        ))}
      </select>
      <Link
        className={buttonClass("primary", "px-3 py-1.5")}
        href={`/w/${slug}/endpoints/${endpoint}/invoke?input=${encodeURIComponent(inputPath)}`}
      >
        Invoke over this folder
      </Link>
    </div>
  );
}
