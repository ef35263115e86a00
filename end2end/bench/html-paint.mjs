// First paint and DOMContentLoaded of saved server HTML of one page, files alternated in one
// run with the same live assets (wasm, JS, CSS):
//   node end2end/bench/html-paint.mjs <url> <runs> <before.html> <after.html>
// Every chart is drawn in the HTML, so DOMContentLoaded is when all of them are parsed and laid out.
import fs from "node:fs";
import { chromium } from "playwright-core";
const [url, runs, ...files] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const results = {};
for (let run = 0; run < Number(runs); run++) {
  for (const file of files) {
    const body = fs.readFileSync(file);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body }));
    await page.goto(url, { waitUntil: "load" });
    await page.waitForTimeout(200);
    const t = await page.evaluate(() => {
      const n = performance.getEntriesByType("navigation")[0];
      const fcp = performance.getEntriesByType("paint").find((e) => e.name === "first-contentful-paint");
      return { fcp: Math.round(fcp?.startTime ?? -1), dcl: Math.round(n.domContentLoadedEventEnd) };
    });
    (results[file] ??= []).push(t);
    await context.close();
  }
}
for (const [file, list] of Object.entries(results)) {
  const fcp = list.map((t) => t.fcp).sort((a, b) => a - b), dcl = list.map((t) => t.dcl).sort((a, b) => a - b);
  console.log(file, "fcp", fcp.join(" "), "| dcl", dcl.join(" "));
}
await browser.close();
