/** How a file can be opened in the browser: shown as text, as a table, as an image, or only downloaded. */
export type PreviewKind = "text" | "csv" | "image" | "none";
const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  bmp: "image/bmp",
};
const TEXT_EXT = new Set([
  "txt",
  "tsv",
  "log",
  "json",
  "jsonl",
  "ndjson",
  "md",
  "yaml",
  "yml",
  "py",
  "js",
  "ts",
  "xml",
  "ini",
  "toml",
  "sh",
  "r",
  "sql",
]);

export function previewKind(path: string): PreviewKind {
  const ext = path.split("/").pop()!.split(".").pop()!.toLowerCase();
  if (ext === "csv") return "csv";
  if (IMAGE_TYPES[ext]) return "image";
  if (TEXT_EXT.has(ext)) return "text";
  return "none";
}

/** The content type an image is served with inline: by its extension, never the uploader's claim. */
export function inlineImageType(path: string): string | null {
  return IMAGE_TYPES[path.split(".").pop()!.toLowerCase()] ?? null;
}

export function formatBytes(n: number) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}
