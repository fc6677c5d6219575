// Not in theme-toggle.tsx: a "use client" module's exports reach server components as references, not strings.
/** Inline in <head>: sets the class before the first paint, so a dark page never flashes white. */
export const THEME_SCRIPT = `try{var t=localStorage.getItem("theme")||"system";var d=t==="dark"||(t==="system"&&matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d);document.documentElement.style.colorScheme=d?"dark":"light"}catch(e){}`;
