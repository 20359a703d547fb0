// Layout on small phones and the desktop, in the system Chromium, on the
// demo site served by `wrangler dev`: the button's panel stays inside the
// visual viewport with everything in it open (a sheet on phones, scrolling
// inside), the floating launcher never covers the panel's controls, an
// inline panel opens over the page instead of pushing it down, and the
// portal fits a phone's width. Screenshots of each land in
// artifacts/screenshots/ for a person to look at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { API_KEY, PORTAL_SECRET, ROOT, TICKET_SECRET, freePort, mintToken, nowSeconds, startSandbox, startWrangler, waitFor, launchChromium } from "../../edge/tests/support.mjs";

const SHOTS = path.join(ROOT, "artifacts/screenshots");
let sandbox, edge, browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sandbox = await startSandbox(["--demo-calls", "30"]);
  const port = await freePort();
  edge = await startWrangler(port, {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET, PORTAL_TOKEN_SECRET: PORTAL_SECRET,
    ALLOWED_ORIGINS: `http://127.0.0.1:${port}`, ALLOWED_COUNTRIES: "NL,BE,GB", RATE_LIMIT_PER_IP: "100/1h",
    TIME_ZONE: "Europe/Amsterdam", SLOT_MINUTES: "30", SCHEDULE_DAYS: "3",
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await edge?.stop();
  await sandbox?.stop();
});

const testid = (root, id) => root.locator(`[data-testid="${id}"]`);

/** The demo site at `width`×`height` with `selector`'s panel open and everything in it open. */
async function openEverything(width, height, selector, scheme = "light") {
  const context = await browser.newContext({ viewport: { width, height }, isMobile: width < 600, hasTouch: width < 600, colorScheme: scheme });
  const page = await context.newPage();
  await page.goto(`${edge.url}/`);
  const button = page.locator(selector);
  await testid(button, "launcher").click();
  // The component, with the site's countries.
  await waitFor(async () => (await button.locator("[data-testid=closed]").count()) > 0 && (await testid(button, "country").locator("option").count()) > 0, 15_000, "the form");
  await testid(button, "later").click();
  await waitFor(async () => (await testid(button, "slot").count()) > 0 || (await button.locator("[data-testid=slots] select, [data-testid=slot-day]").count()) > 0, 15_000, "the slot picker");
  await button.locator("summary").click();
  return { context, page, button };
}

/** The panel's box and whether each of its controls can be hit where it is drawn. */
function panelFacts(button) {
  return button.evaluate((el) => {
    const root = el.shadowRoot;
    const panel = root.querySelector("[data-testid=panel]");
    const box = panel.getBoundingClientRect();
    const view = window.visualViewport;
    // Every control scrolled into the panel's view, then hit-tested at its centre.
    const blocked = [];
    for (const control of panel.querySelectorAll("button, input, select, textarea, summary")) {
      control.scrollIntoView({ block: "nearest" });
      const r = control.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!(hit === control || control.contains(hit) || hit?.closest("label")?.contains(control))) {
        blocked.push(`${control.dataset.testid ?? control.className ?? control.tagName} under ${hit?.className || hit?.tagName}`);
      }
    }
    panel.scrollTop = 0;
    return { top: box.top, bottom: box.bottom, left: box.left, right: box.right, viewWidth: view.width, viewHeight: view.height, scrolls: panel.scrollHeight > panel.clientHeight, blocked };
  });
}

for (const [width, height] of [[375, 667], [390, 844]]) {
  test(`a ${width}×${height} phone: the floating panel with everything open is a sheet inside the screen, nothing under the launcher`, async () => {
    const { context, page, button } = await openEverything(width, height, "callme-button[floating]");
    try {
      const facts = await panelFacts(button);
      await page.screenshot({ path: path.join(SHOTS, `layout-floating-${width}x${height}.png`) });
      assert.ok(facts.top >= 0, `the panel starts on screen (top ${facts.top})`);
      assert.ok(facts.bottom <= facts.viewHeight + 0.5, `and ends on it (bottom ${facts.bottom} of ${facts.viewHeight})`);
      assert.ok(facts.left >= 0 && facts.right <= facts.viewWidth + 0.5, "and is no wider than it");
      assert.deepEqual(facts.blocked, [], "every control can be reached");
      // The title and × are on screen before any scrolling.
      const close = await button.locator(".close").boundingBox();
      assert.ok(close.y >= 0 && close.y + close.height <= facts.viewHeight);
    } finally {
      await context.close();
    }
  });
}

test("a desktop: the inline panel opens over the page (the page's content stays where it was), every control reachable", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(`${edge.url}/`);
    // Where the page's next section is in the document (not the viewport).
    const place = () => page.evaluate(() => document.querySelector(".features").getBoundingClientRect().top + scrollY);
    const before = await place();
    const { button } = { button: page.locator("callme-button.inline-cta") };
    await testid(button, "launcher").click();
    await waitFor(async () => (await button.locator("[data-testid=closed]").count()) > 0, 15_000, "the form");
    await button.locator("summary").click();
    assert.equal(await place(), before, "the page's content did not move");
    const facts = await panelFacts(button);
    // Over the page, every control reachable (scrolled to, hit where drawn).
    assert.deepEqual(facts.blocked, []);
    await page.screenshot({ path: path.join(SHOTS, "layout-inline-1280x800.png") });
  } finally {
    await context.close();
  }
});

/** The demo portal at `width`, signed in, with the history's rows drawn. */
async function portal(width, height, scheme = "light") {
  const context = await browser.newContext({ viewport: { width, height }, isMobile: width < 600, colorScheme: scheme, locale: "en-GB" });
  const page = await context.newPage();
  const token = mintToken({ exp: nowSeconds() + 3600, scope: "calls:read calls:control" });
  await page.goto(`${edge.url}/portal.html#token=${token}`);
  const history = page.locator("callme-history");
  await waitFor(async () => (await testid(history, "row").count()) > 0, 15_000, "the history's rows");
  return { context, page, history };
}

for (const [width, height] of [[390, 844], [375, 667]]) {
  test(`the portal on a ${width} px phone: no horizontal overflow, each date on one line`, async () => {
    const { context, page, history } = await portal(width, height);
    try {
      await page.screenshot({ path: path.join(SHOTS, `layout-portal-${width}x${height}.png`), fullPage: true });
      await history.locator("tr[data-testid=row]").nth(4).screenshot({ path: path.join(SHOTS, `layout-portal-card-${width}.png`) });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, "the page does not scroll sideways");
      const facts = await history.evaluate((el) => {
        const root = el.shadowRoot;
        const box = el.getBoundingClientRect();
        const cells = [...root.querySelectorAll("tr[data-testid=row] td:first-child")];
        const lineHeight = parseFloat(getComputedStyle(cells[0]).lineHeight) || 20;
        const row = root.querySelector("tr[data-testid=row]");
        return {
          labels: [...row.cells].slice(0, 5).map((td) => getComputedStyle(td, "::before").content.replace(/^"|"$/g, "")),
          inside: [...root.querySelectorAll("tr[data-testid=row], .filters, .pager")].every((n) => {
            const r = n.getBoundingClientRect();
            return r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
          }),
          margin: box.left,
          // A date on one line: its text is no taller than one line.
          wrapped: cells.filter((td) => {
            const range = document.createRange();
            range.selectNodeContents(td);
            return range.getClientRects().length > 1 && [...range.getClientRects()].some((r) => r.top - range.getClientRects()[0].top > lineHeight / 2);
          }).length,
        };
      });
      assert.ok(facts.inside, "rows, filters and pager inside the history's box");
      // Each value of a card is named (the date, the duration...).
      assert.deepEqual(facts.labels, ["Date", "Number", "Agent", "Status", "Duration"]);
      assert.ok(facts.margin >= 12, `text does not touch the screen's edge (${facts.margin} px)`);
      assert.equal(facts.wrapped, 0, "no date wraps");
    } finally {
      await context.close();
    }
  });
}

test("the demo's floating button is a compact round phone button, named as the inline one is", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.goto(`${edge.url}/`);
    const floating = page.locator("callme-button[floating]");
    const inline = page.locator("callme-button.inline-cta");
    const facts = (button) => button.evaluate((el) => {
      const launcher = el.shadowRoot.querySelector("[data-testid=launcher]");
      const box = launcher.getBoundingClientRect();
      const label = launcher.querySelector("span");
      return { width: box.width, height: box.height, title: launcher.title, label: label.textContent, labelWidth: label.getBoundingClientRect().width };
    });
    const round = await facts(floating);
    const wide = await facts(inline);
    assert.deepEqual([round.width, round.height], [56, 56], JSON.stringify(round));
    assert.ok(round.labelWidth <= 1, "the words are not drawn");
    assert.equal(round.title, "Call me back");
    assert.ok(wide.width > 100 && wide.labelWidth > 40 && wide.title === "", JSON.stringify(wide));
    // Screen readers hear the same name for both.
    const named = await page.getByRole("button", { name: "Call me back" }).count();
    assert.equal(named, 2);
    await page.screenshot({ path: path.join(SHOTS, "layout-demo-compact-390x844.png") });
  } finally {
    await context.close();
  }
});
