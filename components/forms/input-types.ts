import type { DataInputChoice } from "@/lib/jobs/inputs/types";

export type { DataInputChoice };

/** The input-type select's options, as the registry lists the kinds: "CSV split by rows (tabular)". */
export function inputTypeOptions(choices: DataInputChoice[]): { value: string; label: string }[] {
  return choices.map((c) => ({ value: c.type, label: `${c.label} (${c.type})` }));
}

/** "tabular and jsonl": the types of the kinds that pass `keep`, for a form's hints. */
export function typeWords(choices: DataInputChoice[], keep: (c: DataInputChoice) => boolean): string {
  const types = choices.filter(keep).map((c) => c.type);
  return types.length > 1 ? `${types.slice(0, -1).join(", ")} and ${types[types.length - 1]}` : (types[0] ?? "no");
}
