// The widget in headless Chromium against plain JavaScript, each figure
// against a baseline measured in the same run (run by `cargo xtask bench`,
// which prints the verdicts and writes BENCHMARKS.md from the JSON this
// prints last):
//
// - start-up, on localhost and again under DevTools' "Slow 4G" profile
//   (through CDP): script tag to the button painted (first contentful
//   paint: the button is all the page shows), first intent (a click) to
//   a form that takes keystrokes (panel shown, phone field focused), and
//   to a submittable form (the code that sends it running, the site's
//   countries in it), for <callme-button> and for the plain-JavaScript
//   button of plain-button.js;
// - rendering: 1000 calls in <callme-history> against plain-table.js in the
//   same page, from the parsed answer in hand to the rows in the DOM, then
//   to a laid-out table (forced style and layout), then a status filter.
//
// Every run is a fresh browser context (cold cache, as a first visit). The
// pages come from a local server sending gzip, as Cloudflare would; the
// edge is the real worker in workerd with the sandbox as its platform.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { ROOT, mintToken, nowSeconds, settings, startEdge, startSandbox, launchChromium } from "../../edge/tests/support.mjs";

const STARTUP_RUNS = 20;
const RENDER_RUNS = 10;
const CALLS = 1000;
// DevTools' "Slow 4G" preset: 150 ms RTT and 1.6/0.75 Mbit/s, with the
// adjustment factors DevTools applies (x3.75 latency, x0.9 throughput).
const SLOW_4G = { offline: false, latency: 150 * 3.75, downloadThroughput: (1.6e6 * 0.9) / 8, uploadThroughput: (750e3 * 0.9) / 8 };

/** `promise`, or an error naming `what` after `ms`: a page that never gets there must not hang the bench. */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const progress = (text) => process.stderr.write(`bench: ${text}\n`);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".css": "text/css", ".json": "application/json" };

/** Serves www/ and this folder (under /bench/), gzip-compressed, plus the bench pages. */
async function startPages(pages) {
  const cache = new Map();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    let body = pages[url.pathname];
    let type = "text/html";
    if (body === undefined) {
      const file = url.pathname.startsWith("/bench/")
        ? path.join(ROOT, "widget/bench", url.pathname.slice(7))
        : path.join(ROOT, "www", url.pathname);
      body = await readFile(file).catch(() => null);
      type = TYPES[path.extname(file)] ?? "application/octet-stream";
    }
    if (body == null) {
      res.writeHead(404).end();
      return;
    }
    if (!cache.has(url.pathname)) cache.set(url.pathname, gzipSync(body, { level: 9 }));
    res.writeHead(200, { "content-type": type, "content-encoding": "gzip", "cache-control": "no-store" });
    res.end(cache.get(url.pathname));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

const startupPage = (module, tag, edge) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>start-up</title>
<script>window.__t0 = performance.now();</script>
<script type="module" src="${module}"></script></head>
<body><${tag} lang="en" endpoint="${edge}"></${tag}></body></html>`;

async function freshPage(browser, network) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  if (network) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", network);
  }
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.errors = errors;
  return page;
}

/** One start-up: ms from the script tag to the first paint, and from a click to the form. */
async function startupOnce(browser, url, tag, network) {
  const page = await freshPage(browser, network);
  await page.goto(url);
  const painted = await within(30_000, `${tag} painted`, page.evaluate(() => new Promise((resolve) => {
    const seen = (entry) => resolve(entry.startTime - window.__t0);
    const entry = performance.getEntriesByName("first-contentful-paint")[0];
    if (entry) return seen(entry);
    new PerformanceObserver((list) => {
      const fcp = list.getEntriesByName("first-contentful-paint")[0];
      if (fcp) seen(fcp);
    }).observe({ type: "paint", buffered: true });
  })));
  await page.waitForFunction((tag) => document.querySelector(tag)?.shadowRoot?.querySelector("[data-testid=launcher]"), tag);
  const { interactive, submittable } = await within(60_000, `${tag} interactive`, page.evaluate((tag) => new Promise((resolve) => {
    const root = document.querySelector(tag).shadowRoot;
    // A key pressed now lands in the phone field.
    const typing = () => {
      const panel = root.querySelector("[data-testid=panel]");
      return panel && !panel.hidden && root.activeElement === root.querySelector("[data-testid=phone]");
    };
    // A press now sends: the countries are in, and (for callme) the early
    // sender is running (the early form says so with data-sends) or the
    // component is (only its form has the hours notice).
    const sending = () =>
      root.querySelector("[data-testid=country] option") &&
      (tag !== "callme-button" || root.querySelector("[data-sends], [data-testid=closed]"));
    const intent = performance.now();
    const times = {};
    const check = () => {
      if (times.interactive === undefined && typing()) times.interactive = performance.now() - intent;
      if (times.submittable === undefined && sending()) times.submittable = performance.now() - intent;
      return times.interactive !== undefined && times.submittable !== undefined;
    };
    const observer = new MutationObserver(() => check() && (observer.disconnect(), resolve(times)));
    observer.observe(root, { subtree: true, childList: true, attributes: true });
    // Focus moves without a mutation: looked at on every frame too.
    const frame = () => (check() ? (observer.disconnect(), resolve(times)) : requestAnimationFrame(frame));
    root.querySelector("[data-testid=launcher]").click();
    check();
    requestAnimationFrame(frame);
  }), tag));
  if (page.errors.length) throw new Error(`${tag}: ${page.errors.join("; ")}`);
  await page.context().close();
  return { painted, interactive, submittable };
}

async function startup(browser, pages, network) {
  const runs = { callme: [], plain: [] };
  // Alternating, so that machine noise hits both alike.
  for (let i = 0; i < STARTUP_RUNS; i++) {
    progress(`start-up ${network ? "slow 4G" : "localhost"} run ${i + 1}/${STARTUP_RUNS}`);
    runs.callme.push(await startupOnce(browser, `${pages}/startup-callme.html`, "callme-button", network));
    runs.plain.push(await startupOnce(browser, `${pages}/startup-plain.html`, "plain-button", network));
  }
  const summary = (list) => ({
    painted: median(list.map((r) => r.painted)),
    interactive: median(list.map((r) => r.interactive)),
    submittable: median(list.map((r) => r.submittable)),
    n: list.length,
  });
  return { callme: summary(runs.callme), plain: summary(runs.plain) };
}

// Recorded before any page script: when a parsed /api/calls answer is in
// the widget's hands, and the parsed answer itself for the baseline.
const RECORD_ANSWERS = () => {
  const json = Response.prototype.json;
  Response.prototype.json = function () {
    const url = this.url;
    return json.call(this).then((value) => {
      // The list, not the chart's /api/calls/summary.
      if (url.includes("/api/calls?")) window.__answer = { at: performance.now(), value };
      return value;
    });
  };
};

/** Waits for <callme-history> to show `rows` rows; ms from the answer to the DOM and to layout. */
function historyTimes(page, rows) {
  return within(60_000, `the history's ${rows} rows`, page.evaluate((rows) => new Promise((resolve) => {
    const root = document.querySelector("callme-history").shadowRoot;
    const done = () => {
      const table = root.querySelector("table[data-testid=table]");
      if (!table || table.tBodies[0].rows.length !== rows || !window.__answer) return false;
      const dom = performance.now();
      void table.offsetHeight;
      const layout = performance.now();
      resolve({ dom: dom - window.__answer.at, layout: layout - window.__answer.at });
      return true;
    };
    if (done()) return;
    new MutationObserver((_, observer) => done() && observer.disconnect()).observe(root, { subtree: true, childList: true });
  }), rows));
}

/** The baseline on the same parsed answer, in a shadow root with the history's styles. */
function plainTimes(page) {
  return page.evaluate(() => {
    const host = document.querySelector("#plain");
    const root = host.shadowRoot ?? host.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = document.querySelector("callme-history").shadowRoot.adoptedStyleSheets;
    const started = performance.now();
    const table = window.buildTable(root, window.__answer.value.calls, "en");
    const dom = performance.now();
    void table.offsetHeight;
    return { dom: dom - started, layout: performance.now() - started };
  });
}

async function rendering(browser, pages) {
  const runs = { full: { callme: [], plain: [] }, filter: { callme: [], plain: [] }, failed: 0 };
  for (let i = 0; i < RENDER_RUNS; i++) {
    progress(`rendering run ${i + 1}/${RENDER_RUNS}`);
    const page = await freshPage(browser);
    await page.addInitScript(RECORD_ANSWERS);
    await page.goto(`${pages}/render.html`);
    const profiler = process.env.BENCH_PROFILE && i === RENDER_RUNS - 1 ? await page.context().newCDPSession(page) : null;
    if (profiler) {
      await profiler.send("Profiler.enable");
      await profiler.send("Profiler.setSamplingInterval", { interval: 100 });
      await profiler.send("Profiler.start");
    }
    runs.full.callme.push(await historyTimes(page, CALLS).catch(async (error) => {
      const shown = await page.evaluate(() => document.querySelector("callme-history").shadowRoot.textContent.slice(0, 300));
      throw new Error(`${error.message}; the history shows: ${shown}`);
    }));
    if (profiler) {
      const { profile } = await profiler.send("Profiler.stop");
      (await import("node:fs")).writeFileSync(process.env.BENCH_PROFILE, JSON.stringify(profile));
    }
    runs.full.plain.push(await plainTimes(page));
    // A status filter: the answer's failed calls replace the table.
    await page.evaluate(() => (window.__answer = null));
    const filtered = historyTimes(page, await page.evaluate(() => window.__failedCount));
    await page.evaluate(() => {
      const select = document.querySelector("callme-history").shadowRoot.querySelector("[data-testid=status-filter]");
      select.value = "failed";
      select.dispatchEvent(new Event("change"));
    });
    runs.filter.callme.push(await filtered);
    runs.filter.plain.push(await plainTimes(page));
    runs.failed = await page.evaluate(() => window.__answer.value.calls.length);
    if (page.errors.length) throw new Error(page.errors.join("; "));
    await page.context().close();
  }
  const summary = (list) => ({ dom: median(list.map((r) => r.dom)), layout: median(list.map((r) => r.layout)), n: list.length });
  return {
    calls: CALLS,
    failed_calls: runs.failed,
    full: { callme: summary(runs.full.callme), plain: summary(runs.full.plain) },
    filter: { callme: summary(runs.filter.callme), plain: summary(runs.filter.plain) },
  };
}

const sandbox = await startSandbox(["--demo-calls", String(CALLS + 200)]);
const token = mintToken({ exp: nowSeconds() + 3600, scope: "calls:read" });
// The pages name the edge, and the edge must allow the pages' origin: the
// pages' server starts first, and its pages are written once the edge runs.
const html = {};
const pages = await startPages(html);
let edge, browser;
try {
  edge = await startEdge(settings(sandbox.url, {
    ALLOWED_ORIGINS: pages.url,
    RATE_LIMIT_HISTORY: "10000/1m",
    HISTORY_SCAN_MAX: "20000",
    HISTORY_MAX_LIMIT: String(CALLS),
  }));
  const edgeUrl = new URL(edge.url).origin;
  // How many of the first 1000 calls failed: the rows the filter shows.
  const failed = await (await fetch(`${edgeUrl}/api/calls?limit=${CALLS}&status=failed`, { headers: { Authorization: `Bearer ${token}` } })).json();
  Object.assign(html, {
    "/startup-callme.html": startupPage("/callme.js", "callme-button", edgeUrl),
    "/startup-plain.html": startupPage("/bench/plain-button.js", "plain-button", edgeUrl),
    "/render.html": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>render</title>
<script type="module" src="/callme.js"></script>
<script type="module">import { buildTable } from "/bench/plain-table.js"; window.buildTable = buildTable; window.__failedCount = ${failed.calls.length};</script>
</head><body><callme-history lang="en" endpoint="${edgeUrl}" token="${token}" page-size="${CALLS}"></callme-history><div id="plain"></div></body></html>`,
  });
  browser = await launchChromium();
  // BENCH_ONLY=render (or startup) measures one part, for quick loops.
  const only = process.env.BENCH_ONLY;
  const result = {
    render: only === "startup" ? null : await rendering(browser, pages.url),
    startup: only === "render" ? null : { localhost: await startup(browser, pages.url), slow_4g: await startup(browser, pages.url, SLOW_4G) },
  };
  console.log(`BENCH-JSON ${JSON.stringify(result)}`);
} finally {
  await browser?.close();
  await pages.stop();
  await edge?.stop();
  await sandbox.stop();
}
