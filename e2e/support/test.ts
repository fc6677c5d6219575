import { test as base, type Page, type Response } from "@playwright/test";

export { expect } from "@playwright/test";
export type { APIRequestContext, Page } from "@playwright/test";

type Navigate = (this: Page, ...args: unknown[]) => Promise<Response | null>;

/** After a full page load, waits until React has hydrated it (components/hydration-marker.tsx). */
async function untilHydrated(page: Page, response: Response | null | undefined) {
  if (response === null || (response && !(response.headers()["content-type"] ?? "").includes("text/html"))) return;
  await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 20_000 });
}

/**
 * The browser tests' `test`: every page (the `page` fixture and pages of new contexts alike) waits
 * for hydration after `goto`, `reload` and `waitForURL` (a server redirect is a full page load), so a
 * test cannot type into or change a form before its handlers exist. After a client-side navigation
 * the marker is already there and the wait returns at once.
 */
export const test = base.extend<object, { hydrationAwareNavigation: void }>({
  hydrationAwareNavigation: [
    async ({ browser }, use) => {
      const context = await browser.newContext();
      const proto = Object.getPrototypeOf(await context.newPage()) as Record<string, unknown>;
      await context.close();
      if (!proto.__waitsForHydration) {
        for (const name of ["goto", "reload", "waitForURL"] as const) {
          const original = proto[name] as Navigate;
          proto[name] = async function (this: Page, ...args: unknown[]) {
            const response = await original.apply(this, args);
            await untilHydrated(this, name === "waitForURL" ? undefined : response);
            return response;
          };
        }
        proto.__waitsForHydration = true;
      }
      await use();
    },
    { scope: "worker", auto: true },
  ],
});
