// Page weight and time to interactive of one page in Debian's Chromium:
//   node end2end/bench/page-weight.mjs <url> [runs]
// BEFORE_EACH, when set, is a shell command run before each run (say, one that empties the
// cache, for cold pages).
// Prints the bytes sent over the wire (as the server compressed them) and decoded, per kind
// (document, script, wasm, stylesheet), and per run the time from navigation to the page
// being hydrated (data-hydrated="true") and to its last chart drawn.
import { execSync } from "node:child_process";
import { chromium } from "playwright-core";

const [url, runs = "3"] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
for (let run = 0; run < Number(runs); run++) {
  if (process.env.BEFORE_EACH) execSync(process.env.BEFORE_EACH, { stdio: "inherit", shell: "/bin/bash" });
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const kinds = {};
  const sizes = new Map();
  cdp.on("Network.responseReceived", (e) => sizes.set(e.requestId, { url: e.response.url, mime: e.response.mimeType }));
  cdp.on("Network.loadingFinished", (e) => {
    const r = sizes.get(e.requestId);
    if (r) r.wire = e.encodedDataLength;
  });
  cdp.on("Network.dataReceived", (e) => {
    const r = sizes.get(e.requestId);
    if (r) r.decoded = (r.decoded ?? 0) + e.dataLength;
  });
  const start = Date.now();
  await page.goto(url);
  await page.locator('.layout[data-hydrated="true"]').waitFor({ timeout: 60_000 });
  const interactive = Date.now() - start;
  await page.locator(".status.pending").first().waitFor({ state: "detached", timeout: 60_000 }).catch(() => {});
  await page.waitForFunction(() => document.querySelectorAll(".status.pending").length === 0, null, { timeout: 60_000 });
  const drawn = Date.now() - start;
  for (const r of sizes.values()) {
    const kind = r.url.endsWith(".wasm") ? "wasm" : r.mime.includes("javascript") ? "script" : r.mime.includes("css") ? "stylesheet" : r.mime.includes("html") ? "document" : "other";
    kinds[kind] ??= { wire: 0, decoded: 0 };
    kinds[kind].wire += r.wire ?? 0;
    kinds[kind].decoded += r.decoded ?? 0;
  }
  console.log(JSON.stringify({ run, interactive_ms: interactive, all_drawn_ms: drawn, bytes: kinds }));
  await context.close();
}
await browser.close();
