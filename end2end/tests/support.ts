import { expect, Page } from "@playwright/test";

/** Collects page errors and console errors: a hydration mismatch shows only there. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console error: ${message.text()}`);
  });
  return errors;
}

export function searchBox(page: Page) {
  return page.getByRole("combobox", { name: "Find repositories and orgs" });
}

/** Types into the search box and picks the hit whose text holds `label`, with the keyboard. */
export async function pick(page: Page, text: string, label: string) {
  const box = searchBox(page);
  await box.fill(text);
  const option = page.getByRole("option").filter({ hasText: label }).first();
  await expect(option).toBeVisible();
  const options = await page.getByRole("option").allTextContents();
  const index = options.findIndex((t) => t.includes(label));
  for (let i = 0; i <= index; i++) await box.press("ArrowDown");
  await expect(option).toHaveAttribute("aria-selected", "true");
  await box.press("Enter");
}

/** Opens the page and waits until it is interactive. */
export async function open(page: Page, path = "/contributions") {
  await page.goto(path);
  // The debug build's wasm is several megabytes: on a busy machine it takes seconds to compile.
  await expect(page.locator(".layout")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
}
