import { z } from "zod";

/** Azure's literal input types; `float` is Azure's name for `number`, both are kept as given. */
export const LITERAL_INPUT_TYPES = ["string", "integer", "number", "float", "boolean"] as const;

/** A literal job input whose value must have its declared type: `{ type: "integer", value: "5" }` is an error, not a string. */
export const literalInputSchema = z
  .object({
    type: z.enum(LITERAL_INPUT_TYPES, {
      error: "Use string, integer, number, float or boolean (or uri_folder, uri_file, tabular for data).",
    }),
    value: z.union([z.string(), z.number(), z.boolean()], { error: "Give the input's value: a string, a number or true/false." }),
  })
  .superRefine((v, ctx) => {
    const bad = (what: string) =>
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: `${v.type === "integer" ? "An" : "A"} ${v.type} input needs ${what}, not ${JSON.stringify(v.value)}.`,
      });
    if (v.type === "string" && typeof v.value !== "string") bad("a string (quote it)");
    if (v.type === "boolean" && typeof v.value !== "boolean") bad("true or false");
    if (v.type === "integer" && !(typeof v.value === "number" && Number.isSafeInteger(v.value))) bad("a whole number");
    if ((v.type === "number" || v.type === "float") && !(typeof v.value === "number" && Number.isFinite(v.value))) bad("a number");
  });
