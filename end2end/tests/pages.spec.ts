import { expect, test } from "@playwright/test";
import { collectErrors, open, pick } from "./support";

test("the navigation keeps the selection and bot filter; a chart's view lives in the URL", async ({ page, request }) => {
  const errors = collectErrors(page);
  await open(page);
  await pick(page, "augur", "chaoss/augur");
  await page.locator('input[name="hide-bots"]').uncheck();
  await expect(page).toHaveURL(/bots=show/);

  const nav = page.getByRole("navigation", { name: "Pages" });
  await nav.getByRole("link", { name: "Contributor Types" }).click();
  await expect(page).toHaveURL(/\/contributors\/types\?.*repos=\d+/);
  await expect(page).toHaveURL(/bots=show/);
  await expect(nav.locator('[aria-current="page"]')).toHaveText("Contributor Types");
  await expect(page.locator(".chips .chip")).toHaveText(["chaoss/augur×"]);

  const card = page.locator('[data-chart="activity-cycle"]');
  await expect(card.locator('.chart[data-state="ready"] svg')).toBeVisible({ timeout: 45_000 });
  await expect(card.locator(".chart svg")).toContainText("Author time (UTC)");
  await card.locator('button[data-choice="hour"]').click();
  await expect(page).toHaveURL(/activity-cycle\.view=hour/);
  const json = card.locator('a.download[data-format="json"]');
  await expect(json).toHaveAttribute("href", /view=hour/);
  const body = await (await request.get((await json.getAttribute("href"))!)).json();
  expect(body.data.categories).toHaveLength(24);
  expect(body.data.series[0].name).toBe("commits");

  // Back to Contributions: the selection comes along, the chart's own view stays behind.
  await nav.getByRole("link", { name: "Contributions" }).click();
  await expect(page).toHaveURL(/\/contributions\?.*repos=\d+/);
  await expect(page).not.toHaveURL(/activity-cycle/);
  await expect(page.locator('[data-chart="commits-over-time"]')).toBeVisible();
  expect(errors).toEqual([]);
});

test("every page of the registry draws its charts for an org, each in the navigation", async ({ page, request }) => {
  const errors = collectErrors(page);
  const registry = await (await request.get("/api/v1/charts")).json();
  for (const { path, title, charts } of registry.pages as { path: string; title: string; charts: string[] }[]) {
    await open(page, `${path}?orgs=chaoss`);
    await expect(page.getByRole("navigation", { name: "Pages" }).locator('[aria-current="page"]')).toHaveText(title);
    await expect(page.locator(".card")).toHaveCount(charts.length);
    for (const chart of charts) {
      const card = page.locator(`[data-chart="${chart}"]`);
      await expect(card.locator('.chart[data-state="ready"] svg, .chart[data-state="ready"] table, .status.empty[data-state="ready"]').first()).toBeVisible({
        timeout: 45_000,
      });
    }
  }
  await page.screenshot({ path: "screenshots/last-page.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("the welcome page links every page and explains the app; definitions and old Contributions links work", async ({ page, request }) => {
  const errors = collectErrors(page);
  const registry = await (await request.get("/api/v1/charts")).json();
  await open(page, "/");
  const nav = page.getByRole("navigation", { name: "Pages" });
  await expect(nav.locator('[aria-current="page"]')).toHaveText("Welcome");
  const list = page.locator(".page-list");
  for (const { path, title } of registry.pages as { path: string; title: string }[]) {
    await expect(list.getByRole("link", { name: title, exact: true })).toHaveAttribute("href", path);
  }
  await expect(page.getByRole("img", { name: /workers take jobs, query Augur/ })).toBeVisible();

  await nav.getByRole("link", { name: "Definitions" }).click();
  await expect(page).toHaveURL(/\/definitions$/);
  for (const term of ["contributor", "contribution", "recency", "consistency", "staleness", "bots", "unresolved", "data-as-of"]) {
    await expect(page.locator(`dt#${term}`)).toBeVisible();
  }

  // A link from before the Contributions page moved: `/` with a selection.
  await open(page, "/?orgs=chaoss");
  await expect(nav.locator('[aria-current="page"]')).toHaveText("Contributions");
  await expect(page.locator('[data-chart="commits-over-time"] .chart[data-state="ready"] svg')).toBeVisible({ timeout: 45_000 });
  expect(errors).toEqual([]);
});
