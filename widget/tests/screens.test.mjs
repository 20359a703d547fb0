// Every state a visitor and a portal user meet, at 375×667, 390×844 and
// 1280×800, light and dark, English and Dutch, in the system Chromium on
// the demo site (`wrangler dev`, the sandbox as the platform): the page,
// the form, a refusal, everything open, a call followed to its end, a
// booking with its cancel question, a cancelled booking, and the portal.
// Each state is checked (the panel inside the screen, nothing wider than
// the page, no page error) and photographed into
// artifacts/screenshots/screens/ for a person to look at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { API_KEY, PORTAL_SECRET, ROOT, TICKET_SECRET, freePort, mintToken, nowSeconds, startSandbox, startWrangler, waitFor, launchChromium } from "../../edge/tests/support.mjs";

const SHOTS = path.join(ROOT, "artifacts/screenshots/screens");
let sandbox, edge, browser, token;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Short call stages: a call is over within seconds.
  sandbox = await startSandbox(["--demo-calls", "60", "--step-ms", "300"]);
  const port = await freePort();
  edge = await startWrangler(port, {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET, PORTAL_TOKEN_SECRET: PORTAL_SECRET,
    ALLOWED_ORIGINS: `http://127.0.0.1:${port}`, ALLOWED_COUNTRIES: "NL,BE,GB",
    RATE_LIMIT_PER_IP: "1000/1h", RATE_LIMIT_PER_NETWORK: "1000/1h", RATE_LIMIT_HISTORY: "1000/1m",
    TIME_ZONE: "Europe/Amsterdam", SLOT_MINUTES: "30", SCHEDULE_DAYS: "3",
  });
  await sandbox.webhook(edge.eventsUrl, edge.webhookSecret);
  await edge.cron();
  token = mintToken({ exp: nowSeconds() + 3600, scope: "calls:read" });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await edge?.stop();
  await sandbox?.stop();
});

const testid = (root, id) => root.locator(`[data-testid="${id}"]`);

/** The state is on screen as it should be: the panel (when open) inside
 * the visual viewport, nothing wider than the page. */
async function checked(page, button, what) {
  // Within a few frames: an inline panel that grew scrolls into view once
  // its size is known.
  await waitFor(async () => {
    try {
      await inScreen(page, button, what);
      return true;
    } catch {
      return false;
    }
  }, 2_000, what).catch(() => {});
  await inScreen(page, button, what);
}

async function inScreen(page, button, what) {
  const facts = await page.evaluate((selector) => {
    const view = window.visualViewport;
    const panel = selector && document.querySelector(selector)?.shadowRoot.querySelector("[data-testid=panel]");
    const box = panel && !panel.hidden ? panel.getBoundingClientRect() : null;
    return {
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      panel: box && { top: box.top, bottom: box.bottom, left: box.left, right: box.right },
      height: view.height, width: view.width,
    };
  }, button);
  assert.ok(facts.overflow <= 0, `${what}: the page is ${facts.overflow} px wider than the screen`);
  if (facts.panel) {
    const { top, bottom, left, right } = facts.panel;
    assert.ok(top >= -0.5 && bottom <= facts.height + 0.5 && left >= -0.5 && right <= facts.width + 0.5, `${what}: the panel leaves the screen ${JSON.stringify(facts)}`);
  }
}

let nextNumber = 100;

for (const lang of ["en", "nl"]) {
  for (const scheme of ["light", "dark"]) {
    for (const [width, height] of [[375, 667], [390, 844], [1280, 800]]) {
      test(`${lang}, ${scheme}, ${width}×${height}: every state on screen and photographed`, async () => {
        const phone = width < 600;
        const context = await browser.newContext({
          viewport: { width, height }, isMobile: phone, hasTouch: phone, colorScheme: scheme,
          locale: lang === "nl" ? "nl-NL" : "en-GB", timezoneId: "Europe/Amsterdam",
        });
        const errors = [];
        const shot = async (page, state) => page.screenshot({ path: path.join(SHOTS, `${lang}-${scheme}-${width}x${height}-${state}.png`) });
        try {
          const page = await context.newPage();
          page.on("pageerror", (e) => errors.push(e.message));
          await page.goto(`${edge.url}/`);
          // A phone's visitor taps the floating button; a desktop's the inline one.
          const selector = phone ? "callme-button[floating]" : "callme-button.inline-cta";
          const button = page.locator(selector);
          await testid(button, "launcher").waitFor();
          await checked(page, selector, "the page");
          await shot(page, "1-page");

          await testid(button, "launcher").click();
          await waitFor(async () => (await testid(button, "closed").count()) > 0 && (await testid(button, "country").locator("option").count()) > 0, 15_000, "the form");
          await checked(page, selector, "the form");
          await shot(page, "2-form");

          await testid(button, "phone").fill("06 12");
          await testid(button, "phone").blur();
          await waitFor(async () => (await testid(button, "phone-message").textContent()).length > 10, 5_000, "the refusal");
          await checked(page, selector, "a refusal");
          await shot(page, "3-refusal");

          await testid(button, "later").click();
          await waitFor(async () => (await testid(button, "slot").locator("option").count()) > 0, 15_000, "the slots");
          await button.locator("summary").click();
          await checked(page, selector, "everything open");
          await shot(page, "4-everything-open");

          // A call now, followed to its end.
          await testid(button, "now").click();
          nextNumber += 1;
          await testid(button, "phone").fill(`06 12345${nextNumber}`);
          await testid(button, "consent").check();
          await testid(button, "submit").click();
          await button.locator('[data-testid="tracking"][data-state="ended"]').waitFor({ timeout: 30_000 });
          await checked(page, selector, "a call ended");
          await shot(page, "5-call-ended");

          // A booking, the question before cancelling it, then cancelled.
          await testid(button, "again").click();
          await testid(button, "form").waitFor();
          if (!(await testid(button, "panel").isVisible())) await testid(button, "launcher").click();
          nextNumber += 1;
          await testid(button, "phone").fill(`06 12345${nextNumber}`);
          await testid(button, "consent").check();
          await testid(button, "later").click();
          await waitFor(async () => (await testid(button, "slot").locator("option").count()) > 0, 15_000, "the slots");
          await testid(button, "submit").click();
          await button.locator('[data-testid="tracking"][data-state="scheduled"]').waitFor({ timeout: 15_000 });
          await checked(page, selector, "a booking");
          await shot(page, "6-booked");
          await testid(button, "cancel").click();
          await testid(button, "cancel-yes").waitFor();
          await checked(page, selector, "the cancel question");
          await shot(page, "7-cancel-question");
          await testid(button, "cancel-yes").click();
          await button.locator('[data-testid="tracking"][data-state="cancelled"]').waitFor({ timeout: 15_000 });
          await checked(page, selector, "a cancelled booking");
          await shot(page, "8-cancelled");

          const portal = await context.newPage();
          portal.on("pageerror", (e) => errors.push(e.message));
          await portal.goto(`${edge.url}/portal.html#token=${token}`);
          const history = portal.locator("callme-history");
          await testid(history, "table").waitFor({ timeout: 20_000 });
          await testid(history, "chart-sum").waitFor({ timeout: 20_000 });
          await checked(portal, null, "the portal");
          await portal.screenshot({ path: path.join(SHOTS, `${lang}-${scheme}-${width}x${height}-9-portal.png`), fullPage: true });
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      });
    }
  }
}
