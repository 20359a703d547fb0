// The host-page API in the system Chromium: a shop on another origin
// (strict CSP) that prefills the button for its signed-in customer, drives
// it with open() and close(), and follows it through callme:* events. The
// sandbox's stages last 3 s so that the widget's polls (after 1, 2.5, 4.75
// and 8.1 s) see every status of the call.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { API_KEY, PORTAL_SECRET, TICKET_SECRET, freePort, mintToken, nowSeconds, startSandbox, startWrangler, waitFor, pickSlot, launchChromium } from "../../edge/tests/support.mjs";

let sandbox, edge, closedEdge, slotEdge, host, hostUrl, browser;

before(async () => {
  sandbox = await startSandbox(["--step-ms", "3000"]);
  const edgePort = await freePort();
  const hostPort = await freePort();
  hostUrl = `http://127.0.0.1:${hostPort}`;
  edge = await startWrangler(edgePort, {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET,
    ALLOWED_ORIGINS: hostUrl, ALLOWED_COUNTRIES: "NL,BE,GB", RATE_LIMIT_PER_IP: "100/1h",
  });
  // The sandbox tells this edge of every change, as the platform would.
  await sandbox.webhook(edge.eventsUrl, edge.webhookSecret);
  // The same shop's edge on a day it is closed (today and tomorrow in
  // Amsterdam are closed dates).
  const day = (d) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" }).format(new Date(Date.now() + d * 86_400_000));
  closedEdge = await startWrangler(await freePort(), {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET,
    ALLOWED_ORIGINS: hostUrl, ALLOWED_COUNTRIES: "NL,BE,GB", RATE_LIMIT_PER_IP: "100/1h",
    TIME_ZONE: "Europe/Amsterdam", OPENING_HOURS: "mon-sun 09:00-17:00", CLOSED_DATES: `${day(0)},${day(1)}`,
  });
  // And one that books slots a minute apart (the site's zone is not the
  // visitor's).
  slotEdge = await startWrangler(await freePort(), {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET,
    ALLOWED_ORIGINS: hostUrl, ALLOWED_COUNTRIES: "NL,BE,GB", RATE_LIMIT_PER_IP: "100/1h",
    TIME_ZONE: "Europe/Amsterdam", SLOT_MINUTES: "1", SCHEDULE_DAYS: "1", PORTAL_TOKEN_SECRET: PORTAL_SECRET,
  });
  const portalToken = mintToken({ exp: nowSeconds() + 3600, scope: "calls:read", phone: "+31612345677" });
  const edges = `${edge.url} ${closedEdge.url} ${slotEdge.url}`;
  const csp = `default-src 'none'; script-src 'self' ${edges} 'wasm-unsafe-eval'; connect-src ${edges}; style-src 'self'`;
  const pages = {
    "/shop.html": `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<script src="/heard.js"></script><script type="module" src="${edge.url}/callme.js"></script></head>
<body><callme-button endpoint="${edge.url}" lang="en" phone="06 1234 5699" name="Ada Lovelace"></callme-button></body></html>`,
    "/closed.html": `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<script src="/heard.js"></script><script type="module" src="${closedEdge.url}/callme.js"></script></head>
<body><callme-button endpoint="${closedEdge.url}" lang="en"></callme-button></body></html>`,
    "/booking.html": `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<script src="/heard.js"></script><script type="module" src="${slotEdge.url}/callme.js"></script></head>
<body><callme-button endpoint="${slotEdge.url}" lang="en"></callme-button></body></html>`,
    "/portal.html": `<!doctype html><html><head><meta charset="utf-8"><title>portal</title>
<script type="module" src="${slotEdge.url}/callme.js"></script></head>
<body><callme-history endpoint="${slotEdge.url}" token="${portalToken}" lang="en"></callme-history></body></html>`,
    // What a shop's analytics would do: record every event it hears.
    "/heard.js": `window.heard = [];
for (const name of ["open", "close", "requested", "status", "error"]) {
  document.addEventListener("callme:" + name, (event) => window.heard.push({
    type: event.type, detail: event.detail, bubbles: event.bubbles, composed: event.composed,
    fromButton: event.target.tagName === "CALLME-BUTTON",
  }));
}`,
  };
  host = createServer((req, res) => {
    const body = pages[req.url];
    res.writeHead(body ? 200 : 404, {
      "content-type": req.url.endsWith(".js") ? "text/javascript" : "text/html",
      "content-security-policy": csp,
    });
    res.end(body ?? "not found");
  }).listen(hostPort, "127.0.0.1");
  await once(host, "listening");
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (host ? host.close(resolve) : resolve()));
  await edge?.stop();
  await closedEdge?.stop();
  await slotEdge?.stop();
  await sandbox?.stop();
});

const testid = (root, id) => root.locator(`[data-testid="${id}"]`);
const element = (method) => (page) => page.evaluate((m) => document.querySelector("callme-button")[m](), method);
const [openIt, closeIt] = [element("open"), element("close")];

test("the host page prefills, drives and hears the button: every event in order, statuses and codes only", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${hostUrl}/shop.html`);
  const button = page.locator("callme-button");
  await testid(button, "launcher").waitFor();
  const heard = () => page.evaluate(() => window.heard);
  const count = async () => (await heard()).length;

  // open() before the code is there: the form opens once it arrives.
  await openIt(page);
  await waitFor(async () => (await testid(button, "country").locator("option").count()) > 0 && (await testid(button, "closed").count()) > 0, 10_000, "the form and its config");
  assert.ok(await testid(button, "panel").isVisible());
  await openIt(page);
  assert.equal(await count(), 1, "open() on an open form says nothing more");
  // Prefilled from the attributes, and read as the number it is.
  assert.equal(await testid(button, "phone").inputValue(), "06 1234 5699");
  assert.equal(await testid(button, "name").inputValue(), "Ada Lovelace");
  await waitFor(async () => (await testid(button, "phone-message").textContent()) === "We will call +31 6 12345699", 5_000, "the prefilled number read");

  // A number the widget refuses, then one the edge refuses: both told, no call.
  const calls = await sandbox.outboundCount();
  await testid(button, "phone").fill("06 123");
  // The message appears as the field loses the focus, on the press: the
  // box must not move away before the release.
  await testid(button, "consent").click();
  assert.ok(await testid(button, "consent").isChecked(), "the click right after typing ticks the box");
  await testid(button, "submit").click();
  await waitFor(async () => (await count()) === 2, 5_000, "the widget's refusal");
  await testid(button, "phone").fill("+49 30 12345678");
  await testid(button, "submit").click();
  await waitFor(async () => (await count()) === 3, 10_000, "the edge's refusal");
  assert.equal(await sandbox.outboundCount(), calls, "refusals cost no call");

  // The prefilled number again: requested, then each status to ended.
  await testid(button, "phone").fill("06 1234 5699");
  await testid(button, "submit").click();
  await waitFor(async () => (await heard()).at(-1).detail.status === "ended", 30_000, "the call to end");
  assert.equal(await sandbox.outboundCount(), calls + 1);

  // close() closes; a second close() says nothing. Then the visitor opens
  // and closes it: told the same way.
  await closeIt(page);
  await closeIt(page);
  assert.ok(await testid(button, "panel").isHidden());
  await testid(button, "launcher").click();
  await testid(button, "again").press("Escape");
  assert.ok(await testid(button, "panel").isHidden());

  const events = await heard();
  // `connecting` reaches the edge by a lookup (the platform sends no event
  // for it), so it shows when a poll falls in that stage; every other
  // event is certain.
  const seen = events.map((e) => [e.type, e.detail]);
  const connecting = seen.some(([, detail]) => detail.status === "connecting");
  assert.deepEqual(seen, [
    ["callme:open", {}],
    ["callme:error", { code: "phone_too_short", field: "phone" }],
    ["callme:error", { code: "country_not_allowed", field: "phone" }],
    ["callme:requested", { status: "dialing" }],
    ...(connecting ? [["callme:status", { status: "connecting" }]] : []),
    ["callme:status", { status: "in-progress" }],
    ["callme:status", { status: "ended" }],
    ["callme:close", {}],
    ["callme:open", {}],
    ["callme:close", {}],
  ]);
  for (const event of events) {
    assert.ok(event.bubbles && event.composed && event.fromButton, `${event.type} bubbles and is composed, from the element`);
  }
  // Nothing personal in any of them: no form of the numbers, not the name.
  const said = JSON.stringify(events);
  for (const secret of ["5699", "612345", "3012345678", "Ada", "Lovelace"]) {
    assert.ok(!said.includes(secret), `${secret} in ${said}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("while the site is closed the form says until when, in the visitor's time, and a request is refused without a call", async () => {
  const context = await browser.newContext({ timezoneId: "America/New_York", locale: "en-US" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${hostUrl}/closed.html`);
  const button = page.locator("callme-button");
  await testid(button, "launcher").click();
  const notice = testid(button, "closed");
  await notice.waitFor();
  // The edge says when (the day after tomorrow, 09:00 in Amsterdam); the
  // visitor reads it in New York's time, in their language.
  const config = await (await fetch(`${closedEdge.url}/api/config`)).json();
  assert.equal(config.hours.open_now, false);
  const expected = new Intl.DateTimeFormat("en", { timeZone: "America/New_York", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })
    .format(new Date(config.hours.next_open));
  assert.equal(await notice.textContent(), `We are closed now. We can call you from ${expected}.`);
  // 6 hours apart; 5 in the weeks when only one of the two keeps summer time.
  assert.match(expected, /0[34]:00 AM$/, "09:00 in Amsterdam is 03:00 (or 04:00) in New York");

  // Closed: the form offers times; asking for a call now is refused.
  assert.equal(await testid(button, "later").getAttribute("aria-pressed"), "true");
  await testid(button, "slot").waitFor();
  const calls = await sandbox.outboundCount();
  await testid(button, "phone").fill("06 1234 5688");
  await testid(button, "consent").click();
  await testid(button, "now").click();
  await testid(button, "submit").click();
  await waitFor(async () => (await testid(button, "form-error").textContent()) === "We are closed now. Ask again when we are open.", 10_000, "the refusal");
  assert.equal(await sandbox.outboundCount(), calls);
  const heard = await page.evaluate(() => window.heard);
  assert.deepEqual(heard.map((e) => [e.type, e.detail]), [["callme:open", {}], ["callme:error", { code: "closed" }]]);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a visitor picks a time, sees it booked in their own time, can cancel it, and a booked call is placed at its slot and followed to ended", async () => {
  const context = await browser.newContext({ timezoneId: "America/New_York", locale: "en-US" });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${hostUrl}/booking.html`);
    const button = page.locator("callme-button");
    await testid(button, "launcher").click();
    await waitFor(async () => (await testid(button, "country").locator("option").count()) > 0 && (await testid(button, "closed").count()) > 0, 10_000, "the form");
    await testid(button, "later").click();
    // The times come grouped by the visitor's own day, in their own time,
    // naming the site's zone, which differs.
    await waitFor(async () => (await testid(button, "slot").locator("option").count()) > 10, 10_000, "the slots");
    // A day first (named as the visitor's locale names it), then its times
    // grouped by part of the day.
    const days = await testid(button, "slot-day").locator("option").allTextContents();
    assert.match(days[0], /^[A-Z][a-z]{2}, [A-Z][a-z]{2} \d+$/, days[0]);
    const groups = await testid(button, "slot").locator("optgroup").evaluateAll((gs) => gs.map((g) => g.label));
    assert.ok(groups.length > 0 && groups.every((g) => ["Night", "Morning", "Afternoon", "Evening"].includes(g)), groups.join());
    assert.match(await testid(button, "slot-message").textContent(), /We are in Europe\/Amsterdam\./);
    const offered = await (await fetch(`${slotEdge.url}/api/slots`, { headers: { Origin: hostUrl } })).json();

    // Book the third slot (the first may pass while the test types), then cancel it.
    await pickSlot(button, offered.slots[2]);
    await testid(button, "phone").fill("06 1234 5677");
    await testid(button, "consent").click();
    assert.equal((await testid(button, "submit").textContent()).trim(), "Book this time");
    await testid(button, "submit").click();
    await button.locator('[data-testid="tracking"][data-state="scheduled"]').waitFor();
    assert.equal(await testid(button, "status").textContent(), "Callback booked");
    const when = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })
      .format(new Date(offered.slots[2]));
    assert.equal(await button.locator(".calling").textContent(), `We will call +31 6 12345677 on ${when}.`);
    // The customer's portal lists it above the past calls.
    const portal = await context.newPage();
    await portal.goto(`${hostUrl}/portal.html`);
    const booked = portal.locator("callme-history").locator('[data-testid="booked"]');
    await booked.first().waitFor({ timeout: 15_000 });
    assert.match(await booked.first().textContent(), /\+31 6 12345677 · support$/);
    await portal.close();
    await testid(button, "cancel").click();
    await testid(button, "cancel-yes").click();
    await button.locator('[data-testid="tracking"][data-state="cancelled"]').waitFor();
    assert.equal(await testid(button, "status").textContent(), "Callback cancelled");
    assert.equal(await button.locator(".calling").textContent(), `We will not call +31 6 12345677 on ${when}.`);
    assert.ok(await testid(button, "cancel").isHidden());

    // Again, for the soonest slot still ahead: the Scheduler places it then,
    // and the widget follows the call to its end.
    await testid(button, "again").click();
    await testid(button, "later").click();
    await waitFor(async () => (await testid(button, "slot").locator("option").count()) > 0, 10_000, "the slots again");
    const fresh = (await (await fetch(`${slotEdge.url}/api/slots`, { headers: { Origin: hostUrl } })).json()).slots;
    const soon = fresh.findIndex((at) => Date.parse(at) > Date.now() + 5_000);
    await pickSlot(button, fresh[soon]);
    const calls = await sandbox.outboundCount();
    await testid(button, "submit").click();
    await button.locator('[data-testid="tracking"][data-state="scheduled"]').waitFor();
    await button.locator('[data-testid="tracking"][data-state="ended"]').waitFor({ timeout: 120_000 });
    assert.equal(await sandbox.outboundCount(), calls + 1);
    const placed = (await sandbox.requests("/calls/outbound")).at(-1);
    assert.ok(placed.at_ms >= Date.parse(fresh[soon]), "placed at its slot, not before");
    const heard = await page.evaluate(() => window.heard.map((e) => [e.type, e.detail.status ?? e.detail.code]));
    const events = heard.filter(([type]) => type !== "callme:open");
    assert.deepEqual(events.slice(0, 3), [
      ["callme:requested", "scheduled"], ["callme:status", "cancelled"], ["callme:requested", "scheduled"],
    ]);
    // The placed call's own statuses, each once and in its order: its
    // first (`dialing`, the outbound answer's) and `connecting` (seen by a
    // lookup, not an event) show when a poll falls in them.
    const statuses = events.slice(3).map(([type, status]) => (type === "callme:status" ? status : type));
    const life = ["dialing", "connecting", "in-progress", "ended"];
    assert.deepEqual(statuses, life.filter((s) => statuses.includes(s)), statuses.join());
    assert.ok(statuses.includes("in-progress") && statuses.at(-1) === "ended", statuses.join());
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
