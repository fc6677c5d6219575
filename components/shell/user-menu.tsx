"use client";

import { signOut } from "next-auth/react";
import { ThemeToggle } from "./theme-toggle";

export function UserMenu({ email, name }: { email: string; name: string | null }) {
  return (
    <div className="flex items-center justify-between gap-2 text-sm">
      <div className="min-w-0">
        <p className="truncate font-medium">{name ?? email}</p>
        <p className="truncate text-xs text-zinc-600 dark:text-zinc-400">{email}</p>
      </div>
      <div className="flex shrink-0 flex-wrap items-center justify-end gap-1">
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
