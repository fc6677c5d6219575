import { jsonlInput } from "./jsonl";
import { tabularInput } from "./tabular";
import type { DataInputModule } from "./types";
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

/** "uri_folder, uri_file, tabular or jsonl": for messages that list the kinds. */
export function dataInputTypeList(): string {
  return `${DATA_INPUT_TYPES.slice(0, -1).join(", ")} or ${DATA_INPUT_TYPES[DATA_INPUT_TYPES.length - 1]}`;
}

/** "tabular and jsonl": the kinds counted in rows, which allow mini-batches of more than 10,000. */
export function rowInputTypeList(): string {
  const rows = DATA_INPUT_TYPES.filter((t) => dataInputModule(t).unit === "rows");
  return rows.length > 1 ? `${rows.slice(0, -1).join(", ")} and ${rows[rows.length - 1]}` : (rows[0] ?? "no");
}

export type { DataInputModule, InputUnit } from "./types";
