/** "KEY=value" lines as [key, value] pairs; blank lines and lines without "=" are skipped. */
export function parseKeyValueLines(text: string): [string, string][] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.includes("="))
    .map((l) => [l.slice(0, l.indexOf("=")).trim(), l.slice(l.indexOf("=") + 1).trim()]);
}
