import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** Replaces (or appends) one "## <title>" section of BENCHMARKS.md, keeping the others. */
export function writeBenchmarkSection(title: string, body: string, file = "BENCHMARKS.md") {
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const heading = `## ${title}`;
  const start = current.indexOf(`${heading}\n`);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start === -1) {
    writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf("\n## ", start + heading.length);
  writeFileSync(file, current.slice(0, start) + section + (next === -1 ? "" : current.slice(next)));
}
