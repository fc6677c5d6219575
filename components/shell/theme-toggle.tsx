"use client";

import { useEffect, useState } from "react";

type Theme = "system" | "light" | "dark";
const NEXT: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<Theme, string> = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };

/** Applies a theme: "system" follows prefers-color-scheme. Also run before paint by THEME_SCRIPT. */
function apply(theme: Theme) {
  const dark = theme === "dark" || (theme === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
  document.documentElement.style.colorScheme = dark ? "dark" : "light";
}

/** Cycles system → light → dark; the choice is kept in this browser. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme | null>(null);
  useEffect(() => {
    const saved = (localStorage.getItem("theme") as Theme | null) ?? "system";
    setTheme(saved);
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => (localStorage.getItem("theme") ?? "system") === "system" && apply("system");
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, []);
  const current = theme ?? "system";
  return (
    <button
      type="button"
      onClick={() => {
        const next = NEXT[current];
        localStorage.setItem("theme", next);
        setTheme(next);
        apply(next);
      }}
      className="rounded-md px-2 py-1 text-xs text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
    >
      {LABEL[current]}
    </button>
  );
}
