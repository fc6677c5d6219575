import { highlight } from "sugar-high";

const LANG: Record<string, "python" | "javascript" | "json" | "yaml" | "shell" | "markdown"> = {
  py: "python",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  json: "json",
  yml: "yaml",
  yaml: "yaml",
  sh: "shell",
  md: "markdown",
};

/** A read-only, syntax-highlighted source file (sugar-high escapes the text), with line numbers; the region scrolls and takes focus. */
export function CodeView({ path, source }: { path: string; source: string }) {
  const lang = LANG[path.split(".").pop() ?? ""];
  const html = lang ? highlight(source, { lang }) : highlight(source, { lang: "plaintext" });
  return (
    <pre
      tabIndex={0}
      aria-label={`Source of ${path}`}
      className="code-view max-h-[32rem] overflow-auto rounded-md bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100"
    >
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sugar-high escapes the source and adds only its own spans */}
      <code dangerouslySetInnerHTML={{ __html: html }} />
    </pre>
  );
}
