import { expect, Locator, test } from "@playwright/test";
import { collectErrors, open, pick } from "./support";

/** The bars of the first series: one path, a closed rectangle ("z") per bar. */
async function bars(svg: Locator): Promise<number> {
  const d = await svg.locator('path[fill="#316EC4"]').getAttribute("d");
  return (d?.match(/z/g) ?? []).length;
}

test("pick two repos, see the pending state, then the chart; switch the interval", async ({ page }) => {
  const errors = collectErrors(page);
  await open(page);

  const card = page.locator('[data-chart="commits-over-time"]');
  await expect(card.locator(".status.empty")).toContainText("Pick repositories or orgs");

  // The cache is cold for this run's key prefix, so the first answer is "queued".
  const pending = card.locator('[data-state="queued"], [data-state="running"]').first().waitFor();
  await pick(page, "augur", "chaoss/augur");
  await pick(page, "grimoire", "chaoss/grimoirelab");
  await pending;
  await expect(page.locator(".chips .chip")).toHaveCount(2);
  await expect(page.locator(".repo-list summary")).toHaveText("Repo list (2)");

  const chart = card.locator('.chart[data-state="ready"] svg');
  await expect(chart).toBeVisible({ timeout: 30_000 });
  await expect(card.locator(".as-of")).toContainText("Data as of");
  const monthBars = await bars(chart);
  expect(monthBars).toBeGreaterThan(12);

  await card.locator('button[data-interval="year"]').click();
  await expect(card.locator('.chart[data-interval="year"] svg')).toBeVisible();
  const yearBars = await bars(card.locator('.chart[data-interval="year"] svg'));
  expect(yearBars).toBeGreaterThan(1);
  expect(yearBars).toBeLessThan(monthBars);
  await expect(card.locator('button[data-interval="year"]')).toHaveAttribute("aria-pressed", "true");

  await page.screenshot({ path: "screenshots/commits-over-time.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("the CSV download matches the chart's API data", async ({ page, request }) => {
  const errors = collectErrors(page);
  await open(page);
  await pick(page, "8kn", "oss-aspen/8knot");
  const card = page.locator('[data-chart="commits-over-time"]');
  await expect(card.locator('.chart[data-state="ready"] svg')).toBeVisible({ timeout: 30_000 });

  const href = await card.locator('a.download[data-format="csv"]').getAttribute("href");
  expect(href).toContain("format=csv");
  const csv = await (await request.get(href!)).text();
  const json = await (await request.get(href!.replace("format=csv", "format=json"))).json();
  const rows = csv.trim().split("\n");
  expect(rows[0]).toBe("period,commits");
  expect(rows.length - 1).toBe(json.data.periods.length);
  expect(errors).toEqual([]);
});
