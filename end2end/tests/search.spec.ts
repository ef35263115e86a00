import { expect, test } from "@playwright/test";
import { collectErrors, open, searchBox } from "./support";

test("search by keyboard: an org first, Escape closes, a picked org draws its repos' charts", async ({ page }) => {
  const errors = collectErrors(page);
  await open(page);
  const box = searchBox(page);
  await box.click();
  await box.pressSequentially("chaoss");
  const options = page.getByRole("option");
  // The org matches exactly and comes first; its two repos follow.
  await expect(options.first()).toContainText("chaoss");
  await expect(options.first()).toHaveAttribute("data-kind", "org");
  await expect(options.first()).toContainText("2 repos");
  await expect(box).toHaveAttribute("aria-expanded", "true");
  await box.press("Escape");
  await expect(box).toHaveAttribute("aria-expanded", "false");

  await box.press("ArrowDown");
  await expect(box).toHaveAttribute("aria-activedescendant", "repo-search-option-0");
  await box.press("Enter");
  await expect(page).toHaveURL(/orgs=chaoss/);
  await expect(page.locator('.chip[data-org="chaoss"]')).toContainText("chaoss · 2 repos");
  await page.locator(".repo-list summary").click();
  await expect(page.locator(".repo-list li")).toHaveText([
    "https://github.com/chaoss/augur",
    "https://github.com/chaoss/grimoirelab",
  ]);
  const card = page.locator('[data-chart="commits-over-time"]');
  await expect(card.locator('.chart[data-state="ready"] svg')).toBeVisible({ timeout: 45_000 });

  // "repo:" keeps to repositories; a typo still finds one.
  await box.fill("repo:flsk");
  await expect(options.first()).toHaveAttribute("data-kind", "repo");
  await expect(options.first()).toContainText("pallets/flask");

  // Reloading the URL gives the same view; removing the org empties it; back restores it.
  await page.reload();
  await expect(page.locator(".layout")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
  await expect(page.locator('.chip[data-org="chaoss"]')).toBeVisible();
  await page.getByRole("button", { name: "Remove org chaoss" }).click();
  await expect(page.locator('[data-selection="empty"]')).toBeVisible();
  await expect(page).not.toHaveURL(/orgs=/);
  await page.goBack();
  await expect(page.locator('.chip[data-org="chaoss"]')).toBeVisible();
  expect(errors).toEqual([]);
});
