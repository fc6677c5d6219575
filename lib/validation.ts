import { z } from "zod";

/** Azure's rule for endpoint and deployment names. */
export const resourceNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9-]{2,31}$/, "Use 3-32 characters: letters, digits and dashes, starting with a letter.");

export const datastoreNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]{2,63}$/, "Use 3-64 characters: letters, digits and underscores, starting with a letter.");

export const workspaceSlugSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,47}$/, "Use 2-48 lowercase letters, digits and dashes.");

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address."));

export const passwordSchema = z.string().min(8, "Use at least 8 characters.").max(200, "Use at most 200 characters.");

export const roleSchema = z.enum(["owner", "contributor", "scientist", "reader"], {
  error: "Choose one of owner, contributor, scientist or reader.",
});
