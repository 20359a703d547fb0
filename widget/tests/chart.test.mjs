// The portal's chart ("Calls per day") in the system Chromium, on the demo
// portal served by `wrangler dev` with the sandbox's history reconciled into
// the call record: it covers the whole filtered range (not the page), its
// days are the reader's (a browser in Kathmandu, +05:45), its numbers agree
// with Node's ICU counting the whole list, its axes and legend say what it
// draws, dark mode keeps its text and bars readable, and screen readers get
// a table. Screenshots land in artifacts/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { API_KEY, PORTAL_SECRET, ROOT, TICKET_SECRET, freePort, mintToken, nowSeconds, startSandbox, startWrangler, waitFor, launchChromium } from "../../edge/tests/support.mjs";

const SHOTS = path.join(ROOT, "artifacts/screenshots");
const ZONE = "Asia/Kathmandu";
let sandbox, edge, browser, token, everything;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sandbox = await startSandbox(["--demo-calls", "240"]);
  const port = await freePort();
  edge = await startWrangler(port, {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET, PORTAL_TOKEN_SECRET: PORTAL_SECRET,
    ALLOWED_ORIGINS: `http://127.0.0.1:${port}`, RATE_LIMIT_HISTORY: "1000/1m",
  });
  token = mintToken({ exp: nowSeconds() + 3600, scope: "calls:read" });
  everything = await everyCall();
  assert.equal(everything.length, 240);
  await edge.cron();
  // The record holds the whole history once the run is done.
  await waitFor(async () => (await summary("?tz=UTC")).total === 240, 15_000, "the record reconciled");
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await edge?.stop();
  await sandbox?.stop();
});

const api = (pathAndQuery) => fetch(`${edge.url}${pathAndQuery}`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.json());
const summary = (query) => api(`/api/calls/summary${query}`);

/** The whole history as the platform lists it, page by page. */
async function everyCall(query = "") {
  const all = [];
  for (let offset = 0; ; offset += 100) {
    const page = await api(`/api/calls?limit=100&offset=${offset}${query}`);
    all.push(...page.calls);
    if (page.calls.length < 100) return all;
  }
}

const FAILED = ["failed", "ended-with-error", "rejected", "insufficient-credits"];
const outcome = (status) => (status === "ended" ? "ended" : FAILED.includes(status) ? "failed" : "other");
const dayOf = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" });
/** "1 Dec": how an en-GB reader's chart names a YYYY-MM-DD day. */
const label = (day) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));

/** ICU's count of `calls` per day of ZONE by outcome, oldest first. */
function perDay(calls) {
  const days = new Map();
  for (const call of calls) {
    const day = dayOf.format(new Date(call.created_at));
    const entry = days.get(day) ?? { ended: 0, failed: 0, other: 0 };
    entry[outcome(call.status)] += 1;
    days.set(day, entry);
  }
  return new Map([...days].sort(([a], [b]) => a.localeCompare(b)));
}

const testid = (root, id) => root.locator(`[data-testid="${id}"]`);

async function openPortal({ width = 1280, height = 800, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: "en-GB", timezoneId: ZONE, colorScheme });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  await page.goto(`${edge.url}/portal.html#token=${token}`);
  const history = page.locator("callme-history");
  await testid(history, "chart-sum").waitFor({ timeout: 20_000 });
  await testid(history, "table").waitFor({ timeout: 20_000 });
  return { context, page, history };
}

/** What the chart shows: its sentence, legend, axes and the screen-reader table. */
function chartFacts(history) {
  return history.evaluate((el) => {
    const chart = el.shadowRoot.querySelector("[data-testid=chart]");
    const texts = (selector) => [...chart.querySelectorAll(selector)].map((n) => n.textContent.trim());
    return {
      sum: chart.querySelector("[data-testid=chart-sum]").textContent,
      legend: texts("[data-testid=chart-legend] li"),
      yTitle: chart.querySelector("[data-testid=y-title]")?.textContent,
      yTicks: texts("[data-testid=y-axis] text").map(Number),
      xTicks: texts("[data-testid=x-axis] text"),
      bars: chart.querySelectorAll("[data-testid=bar]").length,
      rows: [...chart.querySelectorAll("[data-testid=chart-table] tbody tr")].map((tr) => [...tr.children].map((c) => c.textContent)),
      hiddenFromReaders: [...chart.querySelectorAll("svg")].every((svg) => svg.getAttribute("aria-hidden") === "true"),
      html: chart.innerHTML,
    };
  });
}

test("the chart counts the whole history per day of the reader's zone, with labelled axes and a legend, and paging leaves it alone", async () => {
  const { context, page, history } = await openPortal();
  try {
    const expected = perDay(everything);
    const days = [...expected.keys()];
    const today = dayOf.format(new Date());
    const facts = await chartFacts(history);
    assert.equal(facts.sum, `240 calls, ${label(days[0])} – ${label(today)}`);
    const totals = { ended: 0, failed: 0, other: 0 };
    for (const entry of expected.values()) for (const k of Object.keys(totals)) totals[k] += entry[k];
    assert.deepEqual(facts.legend, [`Ended ${totals.ended}`, `Failed ${totals.failed}`, `Other ${totals.other}`]);
    // The screen readers' table is ICU's count, day by day.
    assert.deepEqual(facts.rows, days.map((d) => [label(d), String(expected.get(d).ended), String(expected.get(d).failed), String(expected.get(d).other)]));
    assert.equal(facts.bars, days.length);
    assert.ok(facts.hiddenFromReaders);
    // The y axis: "Calls", from 0 in even steps to at least the busiest day.
    const busiest = Math.max(...[...expected.values()].map((e) => e.ended + e.failed + e.other));
    assert.equal(facts.yTitle, "Calls");
    assert.equal(facts.yTicks[0], 0);
    assert.ok(facts.yTicks.at(-1) >= busiest && facts.yTicks.length >= 2 && facts.yTicks.length <= 5, facts.yTicks.join());
    const step = facts.yTicks[1] - facts.yTicks[0];
    assert.ok(facts.yTicks.every((v, i) => v === i * step), facts.yTicks.join());
    // The x axis: dated from the first day with a call to today.
    assert.equal(facts.xTicks[0], label(days[0]));
    assert.equal(facts.xTicks.at(-1), label(today));
    // The tallest bar reaches as high as its count says on the drawn scale.
    const geometry = await history.evaluate((el) => {
      const chart = el.shadowRoot.querySelector("[data-testid=chart]");
      const plot = chart.querySelector("[data-testid=chart-bars]").getBoundingClientRect();
      const tops = [...chart.querySelectorAll("[data-testid=bar]")].map((g) => Math.min(...[...g.querySelectorAll("rect")].map((r) => r.getBoundingClientRect().top)));
      const boxes = [...chart.querySelectorAll("[data-testid=bar] rect")].map((r) => r.getBoundingClientRect());
      return { plotTop: plot.top, plotBottom: plot.bottom, plotLeft: plot.left, plotRight: plot.right, highest: Math.min(...tops), inside: boxes.every((b) => b.left >= plot.left - 0.5 && b.right <= plot.right + 0.5 && b.top >= plot.top - 0.5 && b.bottom <= plot.bottom + 0.5) };
    });
    assert.ok(geometry.inside, "every bar inside the plot");
    const drawn = (geometry.plotBottom - geometry.highest) / (geometry.plotBottom - geometry.plotTop);
    assert.ok(Math.abs(drawn - busiest / facts.yTicks.at(-1)) < 0.02, `${drawn} vs ${busiest}/${facts.yTicks.at(-1)}`);
    await page.screenshot({ path: path.join(SHOTS, "chart-1280x800-light.png"), fullPage: true });
    // The table under it: each row's cells start and end together (the
    // date cell once took the slot picker's flex box, a class shared).
    const cells = await history.evaluate((el) => [...el.shadowRoot.querySelector("[data-testid=row]").children].map((td) => { const r = td.getBoundingClientRect(); return [Math.round(r.top), Math.round(r.bottom)]; }));
    assert.ok(cells.every(([top, bottom]) => top === cells[0][0] && bottom === cells[0][1]), JSON.stringify(cells));

    // The next page of the table: the same chart.
    await testid(history, "next").click();
    await waitFor(async () => (await testid(history, "range").textContent()).startsWith("21–40"), 10_000, "page two");
    assert.equal((await chartFacts(history)).html, facts.html);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("the chart follows the status and date filters over their whole range", async () => {
  const { context, page, history } = await openPortal();
  try {
    const failed = everything.filter((c) => c.status === "failed");
    assert.ok(failed.length > 20, "more failed calls than one page holds");
    await testid(history, "status-filter").selectOption("failed");
    await waitFor(async () => (await chartFacts(history)).sum.startsWith(`${failed.length} calls,`), 10_000, "the failed calls' chart");
    let facts = await chartFacts(history);
    assert.deepEqual(facts.legend, ["Ended 0", `Failed ${failed.length}`, "Other 0"]);
    const expected = perDay(failed);
    assert.deepEqual(facts.rows.map((r) => r[0]), [...expected.keys()].map(label));

    // A date range: every day of it drawn, calls or not.
    await testid(history, "status-filter").selectOption("");
    const days = [...perDay(everything).keys()];
    const [from, to] = [days[1], days.at(-2)];
    await testid(history, "from").fill(from);
    await testid(history, "to").fill(to);
    const inRange = everything.filter((c) => { const d = dayOf.format(new Date(c.created_at)); return d >= from && d <= to; });
    await waitFor(async () => (await chartFacts(history)).sum === `${inRange.length} calls, ${label(from)} – ${label(to)}`, 10_000, "the range's chart");
    facts = await chartFacts(history);
    assert.deepEqual([facts.xTicks[0], facts.xTicks.at(-1)], [label(from), label(to)]);
    const range = await testid(history, "range").textContent();
    assert.ok(range.endsWith(`of ${inRange.length}`), `the table agrees: ${range}`);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

/** WCAG contrast of two `rgb(...)` colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

for (const colorScheme of ["light", "dark"]) {
  test(`in ${colorScheme} mode the chart's words and bars stand out from the page, on a phone too`, async () => {
    for (const [width, height] of [[1280, 800], [390, 844]]) {
      const { context, page, history } = await openPortal({ width, height, colorScheme });
      try {
        const colours = await history.evaluate((el) => {
          const chart = el.shadowRoot.querySelector("[data-testid=chart]");
          // The first opaque background from the chart up (the shadow host, then the page).
          let node = chart, background = "rgba(0, 0, 0, 0)";
          while (node && /rgba\(.*, 0\)$/.test(background)) {
            background = getComputedStyle(node).backgroundColor;
            node = node.parentElement ?? node.getRootNode().host ?? null;
          }
          if (/rgba\(.*, 0\)$/.test(background)) background = getComputedStyle(document.body).backgroundColor;
          const fill = (selector) => getComputedStyle(chart.querySelector(selector)).fill;
          return {
            background,
            tick: fill("[data-testid=y-axis] text"),
            date: fill("[data-testid=x-axis] text"),
            bars: ["rect.ended", "rect.failed", "rect.other"].filter((s) => chart.querySelector(s)).map(fill),
            overflow: el.shadowRoot.querySelector("[data-testid=chart]").scrollWidth - el.shadowRoot.querySelector("[data-testid=chart]").clientWidth,
          };
        });
        assert.ok(contrast(colours.tick, colours.background) >= 4.5, `${colorScheme}: ticks ${colours.tick} on ${colours.background}`);
        assert.ok(contrast(colours.date, colours.background) >= 4.5, `${colorScheme}: dates ${colours.date} on ${colours.background}`);
        assert.equal(colours.bars.length, 3);
        for (const bar of colours.bars) assert.ok(contrast(bar, colours.background) >= 3, `${colorScheme}: bar ${bar} on ${colours.background}`);
        assert.ok(colours.overflow <= 0, `the chart fits ${width} px`);
        const chart = testid(history, "chart");
        await chart.screenshot({ path: path.join(SHOTS, `chart-${width}x${height}-${colorScheme}.png`) });
        assert.deepEqual(page.errors, []);
      } finally {
        await context.close();
      }
    }
  });
}
