import { z } from "zod";

export interface Page<T> {
  data: T[];
  count: number;
  page: number;
  perPage: number;
  totalPages: number;
}

export const pageParamsSchema = z.object({
  page: z.coerce.number().int().min(1, "page must be 1 or more").default(1),
  perPage: z.coerce.number().int().min(1).max(200, "perPage must be at most 200").default(20),
});

/** Turns page/perPage into skip/take, and wraps a result as a Page. */
export function paginate(opts: { page?: number; perPage?: number }) {
  const page = Math.max(1, Math.floor(opts.page ?? 1));
  const perPage = Math.min(200, Math.max(1, Math.floor(opts.perPage ?? 20)));
  return {
    skip: (page - 1) * perPage,
    take: perPage,
    wrap<T>(data: T[], count: number): Page<T> {
      return { data, count, page, perPage, totalPages: Math.max(1, Math.ceil(count / perPage)) };
    },
  };
}
