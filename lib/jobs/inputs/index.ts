import { jsonlInput } from "./jsonl";
import { tabularInput } from "./tabular";
import type { DataInputChoice, DataInputModule } from "./types";
import { uriFileInput } from "./uri-file";
import { uriFolderInput } from "./uri-folder";

/** The kinds of data input, in the order errors and docs list them. A new kind is one module and one line here. */
const MODULES = [uriFolderInput, uriFileInput, tabularInput, jsonlInput] as const;

export type DataInputType = (typeof MODULES)[number]["type"];
export const DATA_INPUT_TYPES = MODULES.map((m) => m.type) as [DataInputType, ...DataInputType[]];

const byType = new Map<string, DataInputModule>(MODULES.map((m) => [m.type, m]));

export function isDataInputType(type: unknown): type is DataInputType {
  return typeof type === "string" && byType.has(type);
}

/** The module of a data input kind; the type is one of DATA_INPUT_TYPES (parsed at the boundary). */
export function dataInputModule(type: DataInputType): DataInputModule {
  const m = byType.get(type);
  if (!m) throw new Error(`No data input module for type '${type}'.`);
  return m;
}

/** "a, b or c" / "a and b" */
function joinList(items: readonly string[], last: "or" | "and"): string {
  return items.length > 1 ? `${items.slice(0, -1).join(", ")} ${last} ${items[items.length - 1]}` : (items[0] ?? "no");
}

/** "uri_folder, uri_file, tabular or jsonl": for messages that list the kinds. */
export function dataInputTypeList(): string {
  return joinList(DATA_INPUT_TYPES, "or");
}

/** "tabular and jsonl": the kinds counted in rows, which allow mini-batches of more than 10,000. */
export function rowInputTypeList(): string {
  return joinList(
    DATA_INPUT_TYPES.filter((t) => dataInputModule(t).unit === "rows"),
    "and",
  );
}

/** "tabular and jsonl": the kinds that take the row controls (passthroughColumns, …). */
export function rowOptionTypeList(): string {
  return joinList(
    DATA_INPUT_TYPES.filter((t) => dataInputModule(t).rowFormat),
    "and",
  );
}

/** How a kind's rows are read for the row controls; undefined for a kind that takes none (or an unknown type). */
export function rowFormatOf(type: string | undefined): DataInputModule["rowFormat"] {
  return type ? byType.get(type)?.rowFormat : undefined;
}

/** The kinds as the dashboard's invoke and job-definition forms offer them, in registry order. */
export function dataInputChoices(): DataInputChoice[] {
  return MODULES.map((m: DataInputModule) => ({
    type: m.type,
    label: m.label,
    description: m.description,
    unit: m.unit,
    acceptsRowOptions: !!m.rowFormat,
  }));
}

export type { DataInputChoice, DataInputModule, InputUnit, RowFormat } from "./types";
