import jmespath from "jmespath";
import { Option, type Command } from "commander";
import { stringify as toYaml } from "yaml";
import { UsageError } from "./errors";

/** az's output formats; jsonc/yamlc (coloured in az) print as json/yaml, none prints nothing. */
export const OUTPUT_FORMATS = ["json", "jsonc", "tsv", "table", "yaml", "yamlc", "none"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface AzOutputOptions {
  query?: string;
  output?: OutputFormat;
}

/**
 * Adds az's `--query` and `-o/--output` to a show, list or invoke command, and accepts (and ignores,
 * with a note) az's workspace selectors, so a script written for `az ml` runs as it is.
 */
export function withAzOutput(cmd: Command, opts: { shortOutput?: boolean } = {}): Command {
  // A malformed --query is a usage error before anything is sent.
  cmd.hook("preAction", (_this, action) => void applyQuery({}, (action.opts() as AzOutputOptions).query));
  return cmd
    .option("--query <jmespath>", "JMESPath query over the Azure-shaped result (as in az); implies -o json unless -o is given")
    .addOption(
      new Option(
        opts.shortOutput === false ? "--output <format>" : "-o, --output <format>",
        "output format, as in az: json, tsv, table, yaml (default: Batchpoint's own text)",
      ).choices([...OUTPUT_FORMATS]),
    );
}

/** Options az scripts pass that have no meaning here (one Batchpoint server holds one workspace per token). */
export function withAzIgnored(cmd: Command): Command {
  return cmd
    .option("-g, --resource-group <group>", "accepted for az ml scripts; ignored (the token selects the workspace)")
    .option("-w, --workspace-name <workspace>", "accepted for az ml scripts; ignored (the token selects the workspace)")
    .option("--subscription <id>", "accepted for az ml scripts; ignored")
    .option("--only-show-errors", "accepted for az ml scripts; ignored");
}

/** True when the user asked for az-style output: the command then prints `azValue` instead of its own text. */
export function wantsAzOutput(opts: AzOutputOptions): boolean {
  return Boolean(opts.query || opts.output);
}

/** Evaluates a JMESPath query; a malformed one is a usage error naming it. */
export function applyQuery(value: unknown, query: string | undefined): unknown {
  if (!query) return value;
  try {
    return jmespath.search(value as never, query) as unknown;
  } catch (e) {
    throw new UsageError(`--query '${query}' is not a valid JMESPath expression: ${(e as Error).message}`);
  }
}

/** Formats a value as az does for `-o FORMAT` (null prints nothing). */
export function formatAz(value: unknown, format: OutputFormat = "json"): string {
  if (value === null || value === undefined || format === "none") return "";
  switch (format) {
    case "json":
    case "jsonc":
      return `${JSON.stringify(value, null, 2)}\n`;
    case "yaml":
    case "yamlc":
      return toYaml(value);
    case "tsv":
      return formatTsv(value);
    case "table":
      return formatAzTable(value);
  }
}

/** Prints `value` (after `--query`) in the requested format; the default format is json, as in az. */
export function printAz(value: unknown, opts: AzOutputOptions) {
  process.stdout.write(formatAz(applyQuery(value, opts.query), opts.output ?? "json"));
}

// As az (knack) writes a value: a list its length, an object nothing, null `None`, a boolean `True`/`False`.
function tsvScalar(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (Array.isArray(v)) return String(v.length);
  if (typeof v === "object") return "";
  if (typeof v === "boolean") return v ? "True" : "False";
  return String(v);
}

function tsvRow(v: unknown): string {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) return Object.values(v).map(tsvScalar).join("\t");
  if (Array.isArray(v)) return v.map(tsvScalar).join("\t");
  return tsvScalar(v);
}

/**
 * az's tsv: a list is one line per item, an object one line of its values separated by tabs (a nested
 * list counts its items, a nested object is empty, null is `None`, booleans `True`/`False`, as az's
 * Python prints them), a scalar its plain text — so `--query status -o tsv` prints `Completed` alone.
 */
export function formatTsv(value: unknown): string {
  const rows = Array.isArray(value) ? value : [value];
  return rows.map((r) => `${tsvRow(r)}\n`).join("");
}

function tableCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  return String(v).replace(/\s+/g, " ");
}

function headerOf(key: string): string {
  return key ? key[0].toUpperCase() + key.slice(1) : key;
}

/** az's table: the scalar fields of each object as columns (nested objects and lists are left out). */
export function formatAzTable(value: unknown): string {
  const rows: Record<string, unknown>[] = (Array.isArray(value) ? value : [value]).map((r) =>
    r !== null && typeof r === "object" && !Array.isArray(r) ? (r as Record<string, unknown>) : { Result: r },
  );
  const keys: string[] = [];
  for (const r of rows)
    for (const [k, v] of Object.entries(r)) if ((v === null || typeof v !== "object") && !keys.includes(k)) keys.push(k);
  if (!keys.length) return "";
  const headers = keys.map(headerOf);
  const cells = rows.map((r) => keys.map((k) => tableCell(r[k])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].map((l) => `${l}\n`).join("");
}

/**
 * az accepts unambiguous abbreviations of long options (argparse): the examples use `--f` for `--file`, and
 * `--endpoint` for `--endpoint-name`. Commander wants whole names, so a long option of the command being run
 * that is not one of its own is spelled out when exactly one of its options starts with it. `--f` is always
 * `--file`, as before.
 */
export function expandAzAbbreviations(argv: string[], program?: Command): string[] {
  const out = argv.map((a) => (a === "--f" ? "--file" : a.startsWith("--f=") ? `--file=${a.slice(4)}` : a));
  if (!program) return out;
  let cmd = program;
  let i = 2;
  for (; i < out.length; i++) {
    const sub = cmd.commands.find((c) => c.name() === out[i] || c.aliases().includes(out[i]));
    if (!sub) break;
    cmd = sub;
  }
  const longs = cmd.options.map((o) => o.long).filter((l): l is string => !!l);
  const end = out.indexOf("--", i);
  return out.map((a, k) => {
    if (k < i || (end !== -1 && k >= end) || !a.startsWith("--") || a === "--") return a;
    const eq = a.indexOf("=");
    const flag = eq === -1 ? a : a.slice(0, eq);
    if (longs.includes(flag)) return a;
    const matches = longs.filter((l) => l.startsWith(flag));
    return matches.length === 1 ? matches[0] + (eq === -1 ? "" : a.slice(eq)) : a;
  });
}
