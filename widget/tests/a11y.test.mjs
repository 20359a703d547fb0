// Accessibility audit with axe-core (WCAG 2.1 A and AA rules) in the system
// Chromium, over the demo site served by `wrangler dev`: the open form, every
// state of a call (the sandbox's stages slowed to 3 s so each can be
// audited), a refusal, a failed call, the slot picker, a booked and a
// cancelled callback, the closed shop, the history with data and with a
// booked callback, a call in progress with the visitor's note (sent and
// refused), and the portal's live calls with their controls (and "End this
// call?"); each in light and dark mode, with the demo site's colours
// and with the widget's defaults. A violation fails the test with what axe
// said.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { API_KEY, PORTAL_SECRET, ROOT, TICKET_SECRET, freePort, mintToken, nowSeconds, startSandbox, startWrangler, pickSlot, launchChromium, shownAs } from "../../edge/tests/support.mjs";

const AXE = readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const WCAG21AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
let sandbox, edge, closedEdge, browser;

before(async () => {
  sandbox = await startSandbox(["--step-ms", "3000"]);
  const port = await freePort();
  edge = await startWrangler(port, {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET, PORTAL_TOKEN_SECRET: PORTAL_SECRET,
    ALLOWED_ORIGINS: `http://127.0.0.1:${port}`, ALLOWED_COUNTRIES: "NL,BE,GB", RATE_LIMIT_PER_IP: "100/1h", RATE_LIMIT_PER_PHONE: "20/1h",
  });
  // The sandbox tells this edge of every change, as the platform would.
  await sandbox.webhook(edge.eventsUrl, edge.webhookSecret);
  // The same demo site on days it is closed (today and tomorrow in
  // Amsterdam are closed dates).
  const day = (d) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" }).format(new Date(Date.now() + d * 86_400_000));
  const closedPort = await freePort();
  closedEdge = await startWrangler(closedPort, {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET, PORTAL_TOKEN_SECRET: PORTAL_SECRET,
    ALLOWED_ORIGINS: `http://127.0.0.1:${closedPort}`, ALLOWED_COUNTRIES: "NL,BE,GB",
    TIME_ZONE: "Europe/Amsterdam", OPENING_HOURS: "mon-sun 09:00-17:00", CLOSED_DATES: `${day(0)},${day(1)}`,
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await edge?.stop();
  await closedEdge?.stop();
  await sandbox?.stop();
});

/** The page's violations of WCAG 2.1 AA, as "rule: target (summary)". */
async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }), WCAG21AA);
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} (${n.failureSummary.replace(/\s+/g, " ")})`));
}

/** Audits `page` in every colour scheme and palette; `what` names the moment. */
async function audit(page, what) {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const palette of ["the demo site's colours", "the widget's defaults"]) {
      // The site's custom properties set on the elements themselves win;
      // `initial` makes `var()` fall back to the widget's own colours.
      await page.evaluate((defaults) => {
        for (const el of document.querySelectorAll("callme-button, callme-history")) {
          for (const name of ["--callme-accent", "--callme-text", "--callme-background"]) {
            if (defaults) el.style.setProperty(name, "initial");
            else el.style.removeProperty(name);
          }
        }
      }, palette === "the widget's defaults");
      assert.deepEqual(await violations(page), [], `${what}, ${scheme} mode, ${palette}`);
    }
  }
}

const testid = (root, id) => root.locator(`[data-testid="${id}"]`);

/** Opens the demo site of the edge at `url` and its inline button's panel; the button. */
async function openButton(page, url) {
  await page.goto(`${url}/`);
  const button = page.locator("callme-button.inline-cta");
  await testid(button, "launcher").click();
  return button;
}

async function fillAndSubmit(button, phone) {
  await testid(button, "phone").fill(phone);
  if (!(await testid(button, "consent").isChecked())) await testid(button, "consent").click();
  await testid(button, "submit").click();
}

test("the loader's early form, before any wasm, passes WCAG 2.1 AA in both modes and palettes", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // No wasm arrives: what is audited is the loader's own form.
  await page.route("**/*.wasm", () => {});
  const button = await openButton(page, edge.url);
  await page.waitForFunction(() => document.querySelector("callme-button.inline-cta").shadowRoot.querySelectorAll("[data-testid=country] option").length > 0);
  assert.equal(await button.locator("[data-testid=closed]").count(), 0, "the component is not there");
  await testid(button, "phone").fill("06 1234");
  await testid(button, "consent").check();
  await audit(page, "the early form");
  await context.close();
});

test("the form, every state of a call, a refusal and a failed call pass WCAG 2.1 AA in both modes and palettes", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const button = await openButton(page, edge.url);
  await page.waitForFunction(() => document.querySelector("callme-button.inline-cta").shadowRoot.querySelectorAll("[data-testid=country] option").length > 0 && document.querySelector("callme-button.inline-cta").shadowRoot.querySelector("[data-testid=closed]"));
  await audit(page, "the open form");

  // The first poll waits until "dialing" is audited.
  let releasePoll;
  const pollHeld = new Promise((resolve) => (releasePoll = resolve));
  await page.route("**/api/callback/status", async (route) => {
    await pollHeld;
    await route.continue();
  });
  await fillAndSubmit(button, "06 1234 5678");
  await button.locator('[data-testid="tracking"][data-state="dialing"]').waitFor();
  await audit(page, "a call dialing");
  releasePoll();
  for (const state of ["connecting", "in-progress", "ended"]) {
    await button.locator(`[data-testid="tracking"][data-state="${state}"]`).waitFor({ timeout: 30_000 });
    await audit(page, `a call ${state}`);
  }
  await page.unroute("**/api/callback/status");

  await testid(button, "again").click();
  await fillAndSubmit(button, "+49 151 23456789");
  await page.waitForFunction(() => document.querySelector("callme-button.inline-cta").shadowRoot.querySelector("[data-testid=phone]").getAttribute("aria-invalid") === "true");
  await audit(page, "a refused number");

  await fillAndSubmit(button, "06 1234 0000");
  await button.locator('[data-testid="tracking"][data-state="failed"]').waitFor({ timeout: 30_000 });
  await audit(page, "a failed call");
  await context.close();
});

test("the portal's history with data passes WCAG 2.1 AA in both modes and palettes", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read" });
  await page.goto(`${edge.url}/portal.html#token=${token}`);
  const history = page.locator("callme-history");
  await testid(history, "table").waitFor({ timeout: 20_000 });
  // Open one summary, so that its text is audited too.
  await history.locator("details summary").first().click();
  await audit(page, "the history");
  await context.close();
});

/** Waits until the page's inline button lists times to pick. */
const slotsListed = (page) => page.waitForFunction(() =>
  document.querySelector("callme-button.inline-cta").shadowRoot.querySelectorAll("[data-testid=slot] option").length > 0);

test("picking a time, a booked and a cancelled callback, the closed shop and the portal's booked callbacks pass WCAG 2.1 AA in both modes and palettes", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "America/New_York" });
  try {
    const page = await context.newPage();
    const button = await openButton(page, edge.url);
    await testid(button, "later").click();
    await slotsListed(page);
    await audit(page, "the slot picker");

    const offered = (await (await fetch(`${edge.url}/api/slots`, { headers: { Origin: edge.url } })).json()).slots;
    await pickSlot(button, offered.at(-1));
    await fillAndSubmit(button, "06 1234 5670");
    await button.locator('[data-testid="tracking"][data-state="scheduled"]').waitFor();
    await audit(page, "a booked callback");

    const portal = await context.newPage();
    const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read", phone: "+31612345670" });
    await portal.goto(`${edge.url}/portal.html#token=${token}`);
    await testid(portal.locator("callme-history"), "booked").waitFor({ timeout: 20_000 });
    await audit(portal, "the history with a booked callback");
    await portal.close();

    await testid(button, "cancel").click();
    await testid(button, "cancel-yes").waitFor();
    await audit(page, "cancelling a callback: asked first");
    await testid(button, "cancel-yes").click();
    await button.locator('[data-testid="tracking"][data-state="cancelled"]').waitFor();
    await audit(page, "a cancelled callback");

    const closed = await openButton(page, closedEdge.url);
    await testid(closed, "closed").waitFor();
    await slotsListed(page);
    await audit(page, "the closed shop with its times");
  } finally {
    await context.close();
  }
});

test("a call in progress with the visitor's note, and the portal's live calls with their controls, pass WCAG 2.1 AA in both modes and palettes", async () => {
  // Calls placed now talk for a minute (the file's sandbox steps are 3 s),
  // long enough to audit the note and the controls while the call lasts.
  const talk = async (body) => (await fetch(`${sandbox.url}/_sandbox/talk`, body && { method: "POST", body: JSON.stringify(body) })).json();
  const { talk_ms: usual } = await talk();
  await talk({ talk_ms: 60_000 });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const button = await openButton(page, edge.url);
    await page.waitForFunction(() => document.querySelector("callme-button.inline-cta").shadowRoot.querySelectorAll("[data-testid=country] option").length > 0 && document.querySelector("callme-button.inline-cta").shadowRoot.querySelector("[data-testid=closed]"));
    await fillAndSubmit(button, "06 1234 5690");
    await button.locator('[data-testid="tracking"][data-state="in-progress"]').waitFor({ timeout: 30_000 });
    await testid(button, "note-text").fill("Order ORD-2231");
    await testid(button, "note-send").click();
    await page.waitForFunction(() => document.querySelector("callme-button.inline-cta").shadowRoot.querySelector("[data-testid=note-message]").textContent === "Sent");
    await audit(page, "a call in progress with a sent note");
    await testid(button, "note-text").fill("   ");
    await testid(button, "note-send").click();
    await page.waitForFunction(() => document.querySelector("callme-button.inline-cta").shadowRoot.querySelector("[data-testid=note-text]").getAttribute("aria-invalid") === "true");
    await audit(page, "a call in progress with a refused note");

    const portal = await context.newPage();
    const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read calls:control", sub: "op-ada" });
    await portal.goto(`${edge.url}/portal.html#token=${token}`);
    const history = portal.locator("callme-history");
    const item = history.locator('[data-testid="live-call"]', { has: portal.locator(".number", { hasText: shownAs("+31612345690") }) });
    await item.waitFor({ timeout: 30_000 });
    // The note shows among the commands, so its line is audited too.
    await testid(item, "commands").waitFor();
    await audit(portal, "the portal's live calls with their controls");
    await testid(item, "say-text").fill(" ");
    await testid(item, "say").click();
    await testid(item, "end-call").click();
    await testid(item, "end-confirm").waitFor();
    await audit(portal, "the portal asking to end a call, with a refused sentence");
    await testid(item, "end-yes").click();
    await button.locator('[data-testid="tracking"][data-state="ended"]').waitFor({ timeout: 30_000 });
  } finally {
    await context.close();
    await talk({ talk_ms: usual });
  }
});
