import AxeBuilder from "@axe-core/playwright";
import { APIRequestContext, expect, Locator, Page, test } from "@playwright/test";
import { collectErrors, open } from "./support";

type Series = { name: string; values: number[] };
type Ready = { status: string; data: { periods: string[]; series: Series[] } };

/** A chart's ready JSON, asked again while its job runs. */
async function ready(request: APIRequestContext, url: string): Promise<Ready["data"]> {
  let body: Ready | undefined;
  await expect.poll(async () => (body = await (await request.get(url)).json()).status, { timeout: 45_000 }).toBe("ready");
  return body!.data;
}

async function drawn(page: Page, chart: string): Promise<Locator> {
  const card = page.locator(`[data-chart="${chart}"]`);
  await expect(card.locator('.chart[data-state="ready"] svg')).toBeVisible({ timeout: 45_000 });
  return card;
}

test("hover and the arrow keys read a mark's exact values, as the API has them", async ({ page, request }) => {
  const errors = collectErrors(page);
  await open(page, "/contributions?orgs=chaoss");
  const card = await drawn(page, "commits-over-time");
  const data = await ready(request, "/api/v1/charts/commits-over-time?orgs=chaoss");
  const commits = data.series[0].values;
  // The busiest month: a bar a reader would hover.
  const index = commits.indexOf(Math.max(...commits));
  const expected = `${data.periods[index].slice(0, 7)}: commits ${commits[index]}`;
  // One band over the plot, as many periods wide as the API has; the pointer over the
  // middle of the busiest period's column names it.
  const band = card.locator(".marks > .band");
  await expect(band).toHaveAttribute("data-n", String(data.periods.length));
  await expect(card.locator(".marks title")).toHaveCount(0);
  const box = (await band.boundingBox())!;
  await band.hover({ position: { x: ((index + 0.5) * box.width) / data.periods.length, y: box.height / 2 } });
  const readout = card.locator(".readout");
  await expect(readout).toHaveText(expected);
  await expect(card.locator(".marks > .cursor.focused")).toHaveCount(1);

  // From the keyboard: Home is the first period, an arrow the next.
  await card.locator(".chart").focus();
  await page.keyboard.press("Home");
  await expect(readout).toHaveText(`${data.periods[0].slice(0, 7)}: commits ${commits[0]}`);
  await page.keyboard.press("ArrowRight");
  await expect(readout).toHaveText(`${data.periods[1].slice(0, 7)}: commits ${commits[1]}`);
  // The cursor stands on the second period's column.
  const cursor = card.locator(".marks > .cursor.focused");
  const step = Number(await band.getAttribute("width")) / data.periods.length;
  const expectedX = Number(await band.getAttribute("x")) + step;
  await expect.poll(async () => Math.abs(Number(await cursor.getAttribute("x")) - expectedX)).toBeLessThan(0.1);
  expect(errors).toEqual([]);
});

test("a legend entry hides its series without a request, and the URL keeps it", async ({ page }) => {
  const errors = collectErrors(page);
  await open(page, "/contributions?orgs=chaoss");
  const card = await drawn(page, "prs-over-time");
  const open_ = card.locator('.legend button[data-series="open"]');
  await expect(open_).toHaveAttribute("aria-pressed", "true");
  // The first period's readout names every series, "open" among them.
  const readout = card.locator(".readout");
  await card.locator(".chart").focus();
  await page.keyboard.press("Home");
  await expect(readout).toContainText(", open ");
  let requests = 0;
  page.on("request", (r) => {
    if (r.url().includes("/api/")) requests++;
  });
  await open_.click();
  await expect(open_).toHaveAttribute("aria-pressed", "false");
  await expect(page).toHaveURL(/prs-over-time\.hide=open/);
  await expect(readout).not.toContainText(", open ");
  await expect(readout).toContainText(": opened ");
  expect(requests).toBe(0);
  // A reload draws it hidden; another click brings it back.
  await page.reload();
  await expect(page.locator(".layout")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
  const again = (await drawn(page, "prs-over-time")).locator('.legend button[data-series="open"]');
  await expect(again).toHaveAttribute("aria-pressed", "false");
  await again.click();
  await expect(page).not.toHaveURL(/hide=/);
  expect(errors).toEqual([]);
});

test("show as table gives the API's numbers; the PNG is a real image of the chart's size", async ({ page, request }) => {
  const errors = collectErrors(page);
  await open(page, "/contributions?orgs=chaoss");
  const card = await drawn(page, "issues-over-time");
  const data = await ready(request, "/api/v1/charts/issues-over-time?orgs=chaoss");
  await card.getByText("Show as table").click();
  const rows = card.locator(".as-table tbody tr");
  await expect(rows).toHaveCount(data.periods.length);
  const last = data.periods.length - 1;
  const cells = [data.periods[last].slice(0, 7), ...data.series.map((s) => String(s.values[last]))];
  await expect(rows.nth(last).locator("th, td")).toHaveText(cells);
  await expect(card.locator(".as-table thead th")).toHaveText(["period", ...data.series.map((s) => s.name)]);

  const png = card.locator('a.download[data-format="png"]');
  const response = await request.get((await png.getAttribute("href"))!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("image/png");
  const bytes = await response.body();
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: twice the SVG's 900 × 360.
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1800, 720]);
  expect(errors).toEqual([]);
});

test("the page says how many charts are ready, and copies the link to the view", async ({ page, context, request }) => {
  const errors = collectErrors(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const registry = await (await request.get("/api/v1/charts")).json();
  const charts = registry.pages.find((p: { path: string }) => p.path === "/contributions").charts.length;
  await open(page, "/contributions?orgs=chaoss&bots=show");
  await expect(page.locator(".progress [role=status]")).toHaveText(`${charts} of ${charts} ready`, { timeout: 45_000 });
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByRole("button", { name: "Link copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
  expect(errors).toEqual([]);
});

test("a phone-sized window scrolls no page sideways, and the dark theme follows the system", async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 360, height: 780 });
  for (const path of ["/", "/contributions?orgs=chaoss", "/repo-overview?orgs=chaoss", "/definitions"]) {
    await open(page, path);
    if (path.includes("contributions")) await drawn(page, "commits-over-time");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  }
  await page.emulateMedia({ colorScheme: "dark" });
  await open(page, "/contributions?orgs=chaoss");
  await drawn(page, "commits-over-time");
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const [r, g, b] = background.match(/\d+/g)!.map(Number);
  expect(r + g + b, background).toBeLessThan(150);
  await page.screenshot({ path: "screenshots/dark-phone.png", fullPage: false });
  expect(errors).toEqual([]);
});

test("every page has no serious or critical accessibility violation, in either theme", async ({ page, request }) => {
  test.setTimeout(300_000);
  const registry = await (await request.get("/api/v1/charts")).json();
  const paths = ["/", "/definitions", ...registry.pages.map((p: { path: string }) => `${p.path}?orgs=chaoss`)];
  for (const path of paths) {
    await open(page, path);
    // Charts drawn, so their marks are checked too.
    await expect(page.locator(".status.pending")).toHaveCount(0, { timeout: 45_000 });
    // The same page in the dark theme: its colours are the theme's, checked apart.
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0]?.target.join(" ")}`);
      expect(bad, `${path} (${scheme})`).toEqual([]);
    }
  }
});
