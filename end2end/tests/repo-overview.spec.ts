import { APIRequestContext, expect, test } from "@playwright/test";
import { collectErrors, open } from "./support";

/** A chart's ready JSON, asked again while its job runs. */
async function readyData(request: APIRequestContext, url: string) {
  let body: { status: string; data: { rows: string[][] } } | undefined;
  await expect
    .poll(async () => (body = await (await request.get(url)).json()).status, { timeout: 45_000 })
    .toBe("ready");
  return body!.data;
}

test("the repo overview draws its charts and tables; the picker changes the tables and lives in the URL", async ({ page, request }) => {
  const errors = collectErrors(page);
  await open(page, "/repo-overview?orgs=chaoss");
  for (const chart of ["code-languages", "package-versions"]) {
    await expect(page.locator(`[data-chart="${chart}"] .chart[data-state="ready"] svg`)).toBeVisible({ timeout: 45_000 });
  }
  const picker = page.locator("select#repo-pick");
  const options = picker.locator("option");
  // "None", then every repo of the selection; the first is picked.
  expect(await options.count()).toBeGreaterThan(2);
  await expect(options.first()).toHaveText("None");
  const ids = await options.evaluateAll((list) => list.map((o) => (o as HTMLOptionElement).value).filter((v) => v));
  await expect(picker).toHaveValue(ids[0]);

  const scorecard = page.locator('[data-chart="ossf-scorecard"]');
  const rowsOf = async (repo: string) => {
    const data = await readyData(request, `/api/v1/charts/ossf-scorecard?orgs=chaoss&repo=${repo}`);
    return data.rows.map((row) => row.join(""));
  };
  const shown = scorecard.locator(".table-chart tbody tr");
  await expect(shown).toHaveText(await rowsOf(ids[0]), { timeout: 45_000 });
  await expect(scorecard.locator("table thead th")).toHaveText(["Check", "Score"]);

  // Another repo: the URL names it, both tables follow, straight from the cached result.
  await picker.selectOption(ids[1]);
  await expect(page).toHaveURL(new RegExp(`[?&]repo=${ids[1]}(&|$)`));
  await expect(shown).toHaveText(await rowsOf(ids[1]));
  const info = page.locator('[data-chart="repo-info"]');
  const infoRows = (await readyData(request, `/api/v1/charts/repo-info?orgs=chaoss&repo=${ids[1]}`)).rows.map((row) =>
    row.join(""),
  );
  await expect(info.locator(".table-chart tbody tr, .status.empty")).toHaveText(
    infoRows.length ? infoRows : ["No data for the selected repositories and controls."],
  );
  await expect(info.locator('a.download[data-format="csv"]')).toHaveAttribute("href", new RegExp(`repo=${ids[1]}`));

  // A reload keeps the pick; "None" empties both tables without a wait.
  await page.reload();
  await expect(page.locator(".layout")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
  await expect(page.locator("select#repo-pick")).toHaveValue(ids[1]);
  await page.locator("select#repo-pick").selectOption("");
  await expect(page).toHaveURL(/[?&]repo=(&|$)/);
  for (const card of [scorecard, info]) {
    await expect(card.locator('[data-empty="no-repo"]')).toHaveText("Pick a repository above to see this table.");
  }

  // The navigation keeps the selection.
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Affiliation" }).click();
  await expect(page).toHaveURL(/\/affiliation\?.*orgs=chaoss/);
  await page.screenshot({ path: "screenshots/repo-overview-next.png" });
  expect(errors).toEqual([]);
});
