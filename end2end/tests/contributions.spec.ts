import { APIRequestContext, expect, Page, test } from "@playwright/test";
import { collectErrors, open, pick } from "./support";

/** The charts of a page, in order, as the registry behind the API lists them. */
async function chartsOf(request: APIRequestContext, path: string): Promise<string[]> {
  const registry = await (await request.get("/api/v1/charts")).json();
  return registry.pages.find((p: { path: string }) => p.path === path).charts;
}

/** Waits until a card is done: a drawn chart or the "no data" state. */
async function settled(page: Page, chart: string) {
  const card = page.locator(`[data-chart="${chart}"]`);
  await expect(card.locator('.chart[data-state="ready"] svg, .status.empty[data-state="ready"]').first()).toBeVisible({
    timeout: 45_000,
  });
  return card;
}

test("every Contributions chart loads for a selection kept in the URL", async ({ page, request }) => {
  const errors = collectErrors(page);
  const CHARTS = await chartsOf(request, "/contributions");
  expect(CHARTS.length).toBeGreaterThan(10);
  await open(page);
  await expect(page.locator(".card")).toHaveCount(CHARTS.length);
  // The page shows the registry's charts in the registry's order.
  const order = await page.locator(".card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-chart")));
  expect(order).toEqual(CHARTS);
  await expect(page.locator('nav[aria-label="Pages"] [aria-current="page"]')).toHaveText("Contributions");

  await pick(page, "augur", "chaoss/augur");
  await expect(page).toHaveURL(/repos=\d+/);
  for (const chart of CHARTS) await settled(page, chart);
  // The pull request charts of the tiny demo database have data to draw.
  for (const chart of ["prs-over-time", "pr-staleness", "issues-over-time"]) {
    await expect(page.locator(`[data-chart="${chart}"] .chart svg`)).toBeVisible();
    const svgLink = page.locator(`[data-chart="${chart}"] a.download[data-format="svg"]`);
    const svg = await page.request.get((await svgLink.getAttribute("href"))!);
    expect(svg.headers()["content-type"]).toBe("image/svg+xml");
    expect(await svg.text()).toMatch(/^<svg/);
  }
  await page.screenshot({ path: "screenshots/contributions.png", fullPage: true });

  // The same URL, loaded anew, draws the same selection on the server already.
  const url = page.url();
  const html = await (await page.request.get(url)).text();
  expect(html).toContain('data-chart="prs-over-time"');
  await page.goto(url);
  await expect(page.locator(".layout")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
  await expect(page.locator(".chips .chip")).toHaveText(["chaoss/augur×"]);
  await settled(page, "prs-over-time");
  expect(errors).toEqual([]);
});

test("a chart's own control redraws from the cache, and the bot filter follows the URL", async ({ page, request }) => {
  const errors = collectErrors(page);
  await open(page);
  await pick(page, "flask", "pallets/flask");
  const card = await settled(page, "pr-staleness");

  const csv = card.locator('a.download[data-format="csv"]');
  await card.locator('input[name="stale_days"]').fill("90");
  await card.locator('input[name="stale_days"]').press("Tab");
  await expect(csv).toHaveAttribute("href", /stale_days=90/);
  // The chart's own control is in the URL too: a reload keeps it.
  await expect(page).toHaveURL(/pr-staleness\.stale_days=90/);
  await page.reload();
  await expect(page.locator(".layout")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
  await expect(card.locator('input[name="stale_days"]')).toHaveValue("90");
  // Same data, other thresholds: the numbers the page links to match the API's.
  const href = (await csv.getAttribute("href"))!;
  const body = await (await request.get(href.replace("format=csv", "format=json"))).json();
  expect(body.status).toBe("ready");
  expect(body.data.series.map((s: { name: string }) => s.name)).toEqual(["new", "staling", "stale"]);

  await page.locator('input[name="hide-bots"]').uncheck();
  await expect(page).toHaveURL(/bots=show/);
  await expect(csv).toHaveAttribute("href", /bots=show/);
  await page.goBack();
  await expect(page).not.toHaveURL(/bots=show/);
  await expect(page.locator('input[name="hide-bots"]')).toBeChecked();
  expect(errors).toEqual([]);
});
