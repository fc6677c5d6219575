"use client";

import { signOut } from "next-auth/react";
import { ThemeToggle } from "./theme-toggle";

export function UserMenu({ email, name }: { email: string; name: string | null }) {
  return (
    // Name and email on their own line (a sidebar is too narrow to share it with the buttons).
    <div className="space-y-2 text-sm">
      <div className="min-w-0">
        <p className="truncate font-medium" title={name ?? email}>
          {name ?? email}
        </p>
        {name ? (
          <p className="truncate text-xs text-zinc-600 dark:text-zinc-400" title={email}>
            {email}
          </p>
        ) : null}
      </div>
      <div className="-ml-2 flex flex-wrap items-center gap-1">
        <ThemeToggle />
        <button
          type="button"
          onClick={() => signOut({ callbackUrl: "/sign-in" })}
          className="rounded-md px-2 py-1 text-xs text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
        >
          Sign out
        </button>
      </div>
    </div>
  );
}
