"use client";

export interface SummaryItem {
  /** The id of the invalid control, so the link can move focus to it. */
  id: string;
  label: string;
  message: string;
}

/**
 * The list of what needs fixing, shown beside the submit button: a form submitted from its
 * bottom must not fail silently with its errors scrolled out of view.
 */
export function ErrorSummary({ items }: { items: SummaryItem[] }) {
  if (!items.length) return null;
  return (
    <div
      role="alert"
      aria-labelledby="error-summary-title"
      className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200"
    >
      <p id="error-summary-title" className="font-semibold">
        {items.length === 1 ? "1 field needs attention" : `${items.length} fields need attention`}
      </p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {items.map((i) => (
          <li key={i.id + i.message}>
            <a
              href={`#${i.id}`}
              className="underline underline-offset-2"
              onClick={(e) => {
                e.preventDefault();
                const el = document.getElementById(i.id);
                el?.focus();
                el?.scrollIntoView({ block: "center" });
              }}
            >
              {i.label}
            </a>
            : {i.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
