import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { expect, test } from "@playwright/test";
import { collectErrors, open, pick } from "./support";

// Breaks the query behind two charts by renaming its view in the test's Augur database,
// then checks that the page shows the failure with "Try again", and that the button brings
// the chart once the database is mended. scripts/test.sh exports the server's settings, and
// the database's owner URL: the server reads as a role that may not rename anything.
const databaseUrl = process.env.AUGUR_OWNER_URL;
const worker = path.resolve(__dirname, "../../target/debug/worker");

function sql(statement: string) {
  execFileSync("psql", [databaseUrl!, "-qc", statement]);
}

test("a failed chart offers Try again, which works once the cause is fixed", async ({ page }) => {
  expect(databaseUrl, "AUGUR_OWNER_URL names the server's database: run through scripts/test.sh").toBeTruthy();
  const errors = collectErrors(page);
  // Earlier tests cached this query's results: forget them so the job runs.
  execFileSync(worker, ["invalidate", "--query", "pr_responses"]);
  sql("ALTER MATERIALIZED VIEW augur_data.explorer_pr_response RENAME TO explorer_pr_response_gone");
  try {
    await open(page);
    await pick(page, "flask", "pallets/flask");
    const card = page.locator('[data-chart="pr-first-response"]');
    const failed = card.locator('[data-state="failed"]');
    await expect(failed).toBeVisible({ timeout: 45_000 });
    // The reason names the SQLSTATE, never the database's own text (the log has that).
    await expect(failed).toContainText("PostgreSQL error 42P01");
    await expect(failed).not.toContainText("explorer_pr_response");
    await expect(failed).toContainText("Trying again helps only once the cause is fixed");
  } finally {
    sql("ALTER MATERIALIZED VIEW augur_data.explorer_pr_response_gone RENAME TO explorer_pr_response");
  }
  const card = page.locator('[data-chart="pr-first-response"]');
  await card.getByRole("button", { name: "Try again" }).click();
  await expect(card.locator('.chart[data-state="ready"] svg')).toBeVisible({ timeout: 45_000 });
  expect(errors).toEqual([]);
});
