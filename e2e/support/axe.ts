import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** WCAG 2.1 A and AA, plus axe's best practices; the run fails on serious and critical findings only. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/**
 * Runs axe-core on the page as it is now and fails with a readable list (rule, impact, the first
 * elements) when a serious or critical violation is found. `label` names the page in the failure.
 */
export async function expectAccessible(page: Page, label: string) {
  // Legacy mode runs axe.run in the page itself; the default runs it per frame and then merges the
  // results in a new blank page, one more page and one more copy of axe-core per check. The app has
  // no frames, and legacy mode still checks same-origin ones.
  const results = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode().analyze();
  const blocking = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(" ")} - ${n.failureSummary?.split("\n").slice(1).join(" ").trim()}`)
          .join("\n    ")}`,
    );
  // Soft: one run reports every page's findings, and the test still fails.
  expect.soft(blocking, `axe on ${label} (${page.url()})`).toEqual([]);
}
