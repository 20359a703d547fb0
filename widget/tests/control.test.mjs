// Live call control in Chromium (playwright-core), against the real edge in
// `wrangler dev` with the committed wrangler.toml and static assets and the
// sandbox as the voice platform (its calls answer within a second and then
// talk for a minute; its signed events reach the edge): a visitor types a
// note for the agent during the call; an operator ends a live call from the
// portal and the visitor's widget shows it ended; an operator has the agent
// speak and transfers the call; a token without `calls:control` shows no
// controls and does not follow live calls.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { API_KEY, PORTAL_SECRET, ROOT, TICKET_SECRET, freePort, mintToken, nowSeconds, startSandbox, startWrangler, waitFor, launchChromium, shownAs } from "../../edge/tests/support.mjs";

const SHOTS = path.join(ROOT, "artifacts/screenshots");
let sandbox, edge, browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sandbox = await startSandbox(["--step-ms", "300", "--talk-ms", "60000"]);
  const port = await freePort();
  edge = await startWrangler(port, {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET, PORTAL_TOKEN_SECRET: PORTAL_SECRET,
    ALLOWED_ORIGINS: `http://127.0.0.1:${port}`, ALLOWED_COUNTRIES: "NL,BE,GB",
    RATE_LIMIT_PER_IP: "100/1h", RATE_LIMIT_PER_PHONE: "20/1h",
    TRANSFER_TARGETS: "sales=+31201234567",
  });
  // The sandbox tells this edge of every change, as the platform would.
  await sandbox.webhook(edge.eventsUrl, edge.webhookSecret);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await edge?.stop();
  await sandbox?.stop();
});

const testid = (root, id) => root.locator(`[data-testid="${id}"]`);

/** A fresh page (its own context) that fails the test on page errors. */
async function open(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  await page.goto(url);
  return page;
}

/** Asks the demo site's inline button to call `phone` and waits until the call is in progress; the button. */
async function visitorInCall(phone) {
  const page = await open(`${edge.url}/`);
  const button = page.locator("callme-button.inline-cta");
  await testid(button, "launcher").click();
  await waitFor(async () => (await testid(button, "country").locator("option").count()) > 0 && (await testid(button, "closed").count()) > 0, 10_000, "the widget's config");
  await testid(button, "phone").fill(phone);
  await testid(button, "consent").check();
  await testid(button, "submit").click();
  await button.locator('[data-testid="tracking"][data-state="in-progress"]').waitFor({ timeout: 20_000 });
  return { page, button };
}

/** An operator's portal token (`sub` names them in the call record). */
const operatorToken = (sub) => mintToken({ exp: nowSeconds() + 600, scope: "calls:read calls:control", sub });

/** The demo portal with `token`; the history element. */
async function portal(token) {
  const page = await open(`${edge.url}/portal.html#token=${token}`);
  const history = page.locator("callme-history");
  await testid(history, "table").waitFor({ timeout: 20_000 });
  return { page, history };
}

/** The live call of the portal whose number is `phone`. */
async function liveItem(history, phone) {
  const item = history.locator('[data-testid="live-call"]', { has: history.page().locator(".number", { hasText: shownAs(phone) }) });
  await item.waitFor({ timeout: 20_000 });
  return item;
}

// Times are the reader's (en-US here: "10:42 AM").

/** The text of `locator`'s elements now, without waiting for one ("" for none). */
const textNow = (locator) => locator.evaluateAll((els) => els.map((el) => el.textContent).join("|"));

/** Whether `locator`'s element has the focus (inside its shadow root). */
const focused = (locator) => locator.evaluate((el) => el.getRootNode().activeElement === el);

test("a visitor types a note for the agent during the call: it reaches the call once, the field clears, the page hears that one went", async () => {
  const { page, button } = await visitorInCall("06 1234 5801");
  await page.evaluate(() => {
    window.notes = [];
    document.addEventListener("callme:note", (event) => window.notes.push({ detail: event.detail, bubbles: event.bubbles, composed: event.composed }));
  });
  const note = testid(button, "note");
  assert.ok(await note.isVisible(), "the note field shows while the call is in progress");
  assert.equal(await note.locator("label > span").textContent(), "Type it for the agent");
  const field = testid(button, "note-text");
  assert.ok(await field.isVisible());

  // The shared rules first: blank is refused without a request.
  const before = (await sandbox.controls()).length;
  await field.fill("   ");
  await testid(button, "note-send").click();
  await waitFor(async () => (await textNow(testid(button, "note-message"))) === "This field is empty.", 5_000, "the refusal");
  assert.equal(await field.getAttribute("aria-invalid"), "true");
  assert.equal((await sandbox.controls()).length, before, "a refused note costs no command");

  // By keyboard: type, then Enter.
  const typed = "Order ORD-2231, e-mail ada@example.com";
  await field.fill(typed);
  await field.press("Enter");
  await waitFor(async () => (await textNow(testid(button, "note-message"))) === "Sent", 10_000, "Sent");
  assert.equal(await testid(button, "note-message").getAttribute("role"), "status", "a live region says Sent");
  assert.equal(await field.inputValue(), "", "the field clears");
  assert.equal(await field.getAttribute("aria-invalid"), "false");
  assert.ok(await focused(field), "the focus stays in the field");
  await button.screenshot({ path: path.join(SHOTS, "note-sent.png") });
  await page.emulateMedia({ colorScheme: "dark" });
  await button.screenshot({ path: path.join(SHOTS, "note-sent-dark.png") });
  await page.emulateMedia({ colorScheme: "light" });

  const injected = (await sandbox.controls()).filter((c) => c.type === "inject-context" && c.body.content.includes(typed));
  assert.equal(injected.length, 1, "exactly one inject-context with the text");
  assert.equal(injected[0].body.trigger_response, true);
  const events = await page.evaluate(() => window.notes);
  assert.deepEqual(events, [{ detail: {}, bubbles: true, composed: true }], "one callme:note, never the text");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("an operator ends a live call from the portal, after saying yes, and the visitor's widget shows it ended", async () => {
  const visitor = await visitorInCall("06 1234 5802");
  const { page, history } = await portal(operatorToken("op-ada"));
  const item = await liveItem(history, "+31612345802");
  assert.ok(await testid(history, "live-calls").isVisible(), "live calls come first");
  const callId = await item.getAttribute("data-call");

  // "End call" asks first, inline; "No" (and Escape) keep the call.
  const end = testid(item, "end-call");
  await end.click();
  assert.ok(await testid(item, "end-confirm").isVisible());
  assert.ok(!(await end.isVisible()), "the button turned into the question");
  assert.equal(await testid(item, "end-confirm").locator("span").textContent(), "End this call?");
  assert.ok(await focused(testid(item, "end-no")), "the focus is on the safe answer");
  await page.screenshot({ path: path.join(SHOTS, "portal-end-confirm.png"), fullPage: true });
  await page.keyboard.press("Escape");
  assert.ok(await end.isVisible());
  assert.ok(await focused(end), "the focus is back on End call");
  await end.press("Enter");
  await testid(item, "end-no").click();
  assert.ok(!(await testid(item, "end-confirm").isVisible()));
  assert.deepEqual((await sandbox.controls(callId)).map((c) => c.type), [], "nothing was sent yet");

  await end.click();
  await testid(item, "end-yes").click();
  await waitFor(async () => (await textNow(testid(item, "control-message"))) === "Sent", 10_000, "Sent");
  assert.deepEqual((await sandbox.controls(callId)).map((c) => c.type), ["end-call"]);

  await visitor.button.locator('[data-testid="tracking"][data-state="ended"]').waitFor({ timeout: 15_000 });
  assert.equal(await testid(visitor.button, "status").textContent(), "Call ended");
  assert.ok(!(await testid(visitor.button, "note").isVisible()), "no note once the call is over");

  // The portal follows: the call leaves the live calls, its row says who ended it.
  await waitFor(async () => (await history.locator(`[data-testid="live-call"][data-call="${callId}"]`).count()) === 0, 15_000, "the call to leave the live calls");
  const row = history.locator('[data-testid="row"]', { has: page.locator(".number", { hasText: shownAs("+31612345802") }) });
  await waitFor(async () => /^Ended by op-ada, \d\d:\d\d( [AP]M)?$/.test(await textNow(testid(row, "row-commands"))), 15_000, "the command in the row");
  assert.equal(await row.locator(".badge").textContent(), "Ended");
  await page.screenshot({ path: path.join(SHOTS, "portal-after-end.png"), fullPage: true });
  assert.deepEqual(page.errors, []);
  assert.deepEqual(visitor.page.errors, []);
  await page.context().close();
  await visitor.page.context().close();
});

test("an operator has the agent speak and transfers the call to an alias", async () => {
  const visitor = await visitorInCall("06 1234 5803");
  const { page, history } = await portal(operatorToken("op-bo"));
  const item = await liveItem(history, "+31612345803");
  const callId = await item.getAttribute("data-call");
  const transfer = testid(item, "transfer");
  assert.deepEqual(await transfer.allTextContents(), ["Transfer to sales"], "one button per alias of transfer-targets");

  // Say: the shared rules first (at most 300 characters, not blank).
  await testid(item, "say-text").fill("  ");
  await testid(item, "say").click();
  await waitFor(async () => (await textNow(testid(item, "control-message"))) === "This field is empty.", 5_000, "the refusal");
  assert.equal(await testid(item, "say-text").getAttribute("aria-invalid"), "true");
  assert.equal(await testid(item, "say-text").getAttribute("maxlength"), "300");
  await testid(item, "say-text").fill("One moment, I will put you through to sales.");
  await testid(item, "say-text").press("Enter");
  await waitFor(async () => (await textNow(testid(item, "control-message"))) === "Sent", 10_000, "Sent");
  assert.equal(await testid(item, "say-text").inputValue(), "", "the field clears");
  const said = await sandbox.controls(callId);
  assert.deepEqual(said.map((c) => [c.type, c.body.content]), [["say", "One moment, I will put you through to sales."]]);
  // What was sent shows beside the call (never its words).
  await waitFor(async () => /^Spoken by the agent for op-bo, \d\d:\d\d( [AP]M)?$/.test(await textNow(testid(item, "commands"))), 15_000, "the say in the commands");
  await page.screenshot({ path: path.join(SHOTS, "portal-live-calls.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await testid(history, "live-calls").screenshot({ path: path.join(SHOTS, "portal-live-calls-dark.png") });
  await page.emulateMedia({ colorScheme: "light" });

  await transfer.click();
  await waitFor(async () => (await sandbox.controls(callId)).length === 2, 10_000, "the transfer to reach the call");
  const sent = await sandbox.controls(callId);
  assert.deepEqual(sent.map((c) => c.type), ["say", "transfer"]);
  assert.equal(sent[1].body.destination, "+31201234567", "the alias's number, from the edge's configuration");
  await visitor.button.locator('[data-testid="tracking"][data-state="transferred"]').waitFor({ timeout: 15_000 });
  await waitFor(async () => (await history.locator(`[data-testid="live-call"][data-call="${callId}"]`).count()) === 0, 15_000, "the call to leave the live calls");
  const row = history.locator('[data-testid="row"]', { has: page.locator(".number", { hasText: shownAs("+31612345803") }) });
  const lines = await testid(row, "row-commands").locator("li").allTextContents();
  assert.equal(lines.length, 2);
  assert.match(lines[1], /^Transferred to sales by op-bo, \d\d:\d\d( [AP]M)?$/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  await visitor.page.context().close();
});

test("a token without calls:control shows no controls and does not follow live calls", async () => {
  const visitor = await visitorInCall("06 1234 5804");
  const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read", sub: "viewer" });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const reads = [];
  page.on("request", (r) => new URL(r.url()).pathname === "/api/calls" && reads.push(r.url()));
  await page.goto(`${edge.url}/portal.html#token=${token}`);
  const history = page.locator("callme-history");
  await testid(history, "table").waitFor({ timeout: 20_000 });
  const row = history.locator('[data-testid="row"]', { has: page.locator(".number", { hasText: shownAs("+31612345804") }) });
  assert.equal(await row.locator(".badge").textContent(), "In progress", "the live call is listed");
  for (const control of ["live-calls", "live-call", "end-call", "transfer", "say-text"]) {
    assert.equal(await testid(history, control).count(), 0, control);
  }
  // Nothing follows the live call: one read, however long the page is open.
  await new Promise((resolve) => setTimeout(resolve, 6_500));
  assert.equal(reads.length, 1, reads.join(", "));
  await context.close();
  await visitor.page.context().close();
});
