// The widget end to end in the system Chromium (playwright-core): the real
// edge in `wrangler dev` with the committed wrangler.toml and static assets,
// the sandbox as the voice platform, and a second origin that embeds the
// widget as a customer's site would, under a strict CSP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { API_KEY, PORTAL_SECRET, ROOT, TICKET_SECRET, freePort, mintToken, nowSeconds, startSandbox, startTurnstileFake, startWrangler, waitFor, launchChromium } from "../../edge/tests/support.mjs";

const SHOTS = path.join(ROOT, "artifacts/screenshots");
let sandbox, edge, host, hostUrl, browser;

/** The customer's site: another origin, a strict CSP allowing only the edge. */
function hostPages(edgeUrl, token) {
  const csp = `default-src 'none'; script-src 'self' ${edgeUrl} 'wasm-unsafe-eval'; connect-src ${edgeUrl}; style-src 'self'`;
  const page = (body) => `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<script type="module" src="${edgeUrl}/callme.js"></script></head><body><h1>Bakkerij de Vries</h1>${body}</body></html>`;
  return {
    "/shop-nl.html": page(`<callme-button endpoint="${edgeUrl}" lang="nl"></callme-button>`),
    "/portal.html": page(`<callme-history endpoint="${edgeUrl}" token="${token}" page-size="20"></callme-history>`),
    // A stand-in of Cloudflare's Turnstile client with its documented API
    // (render, reset, remove): the token comes when the "human" clicks.
    "/turnstile-fake.js": `window.turnstile = {
      render(el, options) {
        const button = document.createElement("button");
        button.type = "button"; button.textContent = "I am human"; button.dataset.testid = "fake-turnstile";
        button.onclick = () => options.callback("XXXX.DUMMY.TOKEN.XXXX");
        el.append(button);
        return "widget-1";
      },
      reset() {}, remove() {},
    };`,
    csp,
  };
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sandbox = await startSandbox();
  const edgePort = await freePort();
  const hostPort = await freePort();
  hostUrl = `http://127.0.0.1:${hostPort}`;
  edge = await startWrangler(edgePort, {
    UPSTREAM_URL: sandbox.url,
    VOICE_API_KEY: API_KEY,
    TICKET_SECRET,
    PORTAL_TOKEN_SECRET: PORTAL_SECRET,
    ALLOWED_ORIGINS: `http://127.0.0.1:${edgePort},${hostUrl}`,
    ALLOWED_COUNTRIES: "NL,BE,GB",
    RATE_LIMIT_PER_IP: "100/1h",
    RATE_LIMIT_PER_PHONE: "2/1h",
  });
  // The sandbox tells this edge of every change, as the platform would.
  await sandbox.webhook(edge.eventsUrl, edge.webhookSecret);
  const pages = hostPages(edge.url, mintToken({ exp: nowSeconds() + 3600, scope: "calls:read" }));
  host = createServer((req, res) => {
    const body = pages[req.url];
    const type = req.url.endsWith(".js") ? "text/javascript" : "text/html";
    // /turnstile.html?edge=URL: a shop page for another edge, with its CSP.
    const url = new URL(req.url, hostUrl);
    if (url.pathname === "/turnstile.html") {
      const other = url.searchParams.get("edge");
      // As embed.html asks: Cloudflare's challenge host allowed for scripts
      // and frames. The `turnstile-src` attribute (an old override) must be
      // ignored: the script comes from Cloudflare's host only.
      const csp = hostPages(other, "").csp.replace("script-src 'self'", "script-src 'self' https://challenges.cloudflare.com") +
        "; frame-src https://challenges.cloudflare.com";
      res.writeHead(200, { "content-type": "text/html", "content-security-policy": csp });
      res.end(`<!doctype html><html><head><script type="module" src="${other}/callme.js"></script></head><body>
        <callme-button endpoint="${other}" lang="en" turnstile-src="${hostUrl}/turnstile-fake.js"></callme-button></body></html>`);
      return;
    }
    res.writeHead(body ? 200 : 404, { "content-type": type, "content-security-policy": pages.csp });
    res.end(body ?? "not found");
  }).listen(hostPort, "127.0.0.1");
  await once(host, "listening");
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (host ? host.close(resolve) : resolve()));
  await edge?.stop();
  await sandbox?.stop();
});

/** A fresh page that records wasm requests and fails on page errors. */
async function open(url, { prepare, ...options } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...options });
  await prepare?.(context);
  const page = await context.newPage();
  page.wasm = [];
  page.errors = [];
  page.on("request", (r) => r.url().endsWith(".wasm") && page.wasm.push(r.url()));
  page.on("pageerror", (e) => page.errors.push(e.message));
  page.consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && page.consoleErrors.push(m.text()));
  await page.goto(url);
  return page;
}

const inside = (page, selector) => page.locator(selector);
const testid = (root, id) => root.locator(`[data-testid="${id}"]`);

/** The form is complete once the component has taken it over and
 * /api/config has answered (countries listed). */
async function ready(button) {
  try {
    // The component (only its form has the hours notice) with the site's
    // countries; the loader's early form has the countries sooner.
    await waitFor(async () => (await testid(button, "country").locator("option").count()) > 0 && (await testid(button, "closed").count()) > 0, 10_000, "the widget's config");
  } catch (error) {
    // Say what the page and the element show, so a failure can be traced.
    const page = button.page();
    const shadow = await button.evaluate((el) => el.shadowRoot.innerHTML.slice(0, 1200)).catch(() => "?");
    throw new Error(`${error.message}; page errors ${JSON.stringify(page.errors)}; console errors ${JSON.stringify(page.consoleErrors)}; shadow root: ${shadow}`);
  }
}

async function fillAndSubmit(button, phone) {
  await ready(button);
  await testid(button, "phone").fill(phone);
  const consent = testid(button, "consent");
  if (!(await consent.isChecked())) {
    await consent.click();
    assert.ok(await consent.isChecked(), "the first click on the consent box ticks it");
  }
  await testid(button, "submit").click();
}

test("no wasm loads before intent; a callback is requested and followed to ended", async () => {
  const page = await open(`${edge.url}/`);
  await page.waitForLoadState("networkidle");
  assert.deepEqual(page.wasm, [], "no wasm before the first intent");
  const button = inside(page, "callme-button[floating]");
  await testid(button, "launcher").hover();
  // The early sender first, then the component; never the history's.
  await waitFor(() => page.wasm.length === 2, 10_000, "the wasm after hover");
  assert.deepEqual(page.wasm.map((u) => u.split("/").pop()), ["callme_send_bg.wasm", "callme_button_bg.wasm"]);
  await testid(button, "launcher").click();
  await testid(button, "phone").waitFor();
  await testid(button, "phone").fill("06 1234 5678");
  await waitFor(async () => (await testid(button, "phone-message").textContent()) === "We will call +31 6 12345678", 10_000, "the hint");
  await testid(button, "consent").check();
  await page.screenshot({ path: path.join(SHOTS, "home-form.png") });
  const before = await sandbox.outboundCount();
  await testid(button, "submit").click();
  await testid(button, "tracking").waitFor();
  assert.match(await testid(button, "tracking").textContent(), /Calling \+31 6 12345678/);
  await button.locator('[data-testid="tracking"][data-state="ended"]').waitFor({ timeout: 20_000 });
  assert.equal(await testid(button, "status").textContent(), "Call ended");
  assert.match(await testid(button, "status-detail").textContent(), /^Duration: \d+:\d\d$/);
  await page.screenshot({ path: path.join(SHOTS, "home-ended.png") });
  assert.equal(await sandbox.outboundCount(), before + 1);
  await testid(button, "again").click();
  await testid(button, "form").waitFor();
  assert.deepEqual(page.errors, []);
});

test("bad and refused numbers are explained in plain words, and nothing is dialled", async () => {
  const page = await open(`${edge.url}/`);
  const button = inside(page, "callme-button.inline-cta");
  await testid(button, "launcher").click();
  await ready(button);
  const before = await sandbox.outboundCount();

  await testid(button, "phone").fill("06 1234");
  await testid(button, "phone").blur();
  assert.equal(await testid(button, "phone-message").textContent(), "This number is too short. Enter your full number, with its area code.");
  assert.equal(await testid(button, "phone").getAttribute("aria-invalid"), "true");
  await testid(button, "submit").click();

  await fillAndSubmit(button, "+49 151 23456789");
  await waitFor(async () => (await testid(button, "phone-message").textContent()) === "We cannot call numbers in this country.", 10_000, "the country message");
  // A premium-rate number the widget's own plan knows: named at once.
  await testid(button, "phone").fill("0900 1234567");
  await testid(button, "phone").blur();
  assert.equal(await testid(button, "phone-message").textContent(), "This is a premium-rate number: we can't call it. Enter a mobile or landline number.");
  await testid(button, "submit").click();
  // A kind only the edge can tell (a UK personal number): its refusal.
  await fillAndSubmit(button, "+44 70 1234 5678");
  await waitFor(async () => (await testid(button, "phone-message").textContent()) === "We can't call premium-rate, shared-cost or other special numbers. Enter a mobile or landline number.", 10_000, "the number type message");
  assert.equal(await sandbox.outboundCount(), before, "no refused number was dialled");
});

test("the rate limit is shown with the wait", async () => {
  const page = await open(`${edge.url}/`);
  const button = inside(page, "callme-button.inline-cta");
  await testid(button, "launcher").click();
  for (let i = 0; i < 2; i++) {
    await fillAndSubmit(button, "06 8765 4321");
    await testid(button, "again").waitFor({ timeout: 20_000 });
    await testid(button, "again").click();
  }
  await fillAndSubmit(button, "06 8765 4321");
  await waitFor(async () => /^Too many requests\. Try again in \d+ (minutes|seconds)\.$/.test(await testid(button, "form-error").textContent()), 10_000, "the 429 message");
});

test("the whole flow works by keyboard alone", async () => {
  const page = await open(`${edge.url}/`);
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.matches("callme-button.inline-cta"));
    if (focused) break;
  }
  const button = inside(page, "callme-button.inline-cta");
  await page.keyboard.press("Enter");
  await testid(button, "phone").waitFor();
  // Until /api/config answers, a national number has no country here (the
  // browser says en-US) and Enter is refused locally: wait as a person would.
  await ready(button);
  await waitFor(() => page.evaluate(() => document.querySelector("callme-button.inline-cta").shadowRoot.activeElement?.dataset.testid === "phone"), 5_000, "focus in the phone field");
  await page.keyboard.type("0612345670");
  await page.keyboard.press("Tab");
  const focusedAfterTab = await page.evaluate(() => {
    const el = document.querySelector("callme-button.inline-cta").shadowRoot.activeElement;
    return el ? `${el.tagName}:${el.dataset.testid}` : "none";
  });
  assert.equal(focusedAfterTab, "INPUT:consent");
  await page.keyboard.press(" ");
  await waitFor(() => testid(button, "consent").isChecked(), 5_000, "the consent box ticked by Space");
  await page.keyboard.press("Enter");
  await button.locator('[data-testid="tracking"][data-state="ended"]').waitFor({ timeout: 20_000 });
  await page.keyboard.press("Escape");
  assert.ok(await testid(button, "panel").isHidden());
  assert.equal(await page.evaluate(() => document.querySelector("callme-button.inline-cta").shadowRoot.activeElement?.dataset.testid), "launcher",
    "the focus goes back to the launcher");
  assert.equal(await testid(button, "launcher").getAttribute("aria-expanded"), "false");
});

test("a time is picked, booked and cancelled by keyboard alone", async () => {
  const page = await open(`${edge.url}/`);
  const button = inside(page, "callme-button.inline-cta");
  const focused = () => page.evaluate(() => document.querySelector("callme-button.inline-cta").shadowRoot.activeElement?.dataset.testid);
  /** Tabs forward until `id` has the focus (a few stops at most). */
  async function tabTo(id) {
    for (let i = 0; i < 8 && (await focused()) !== id; i++) await page.keyboard.press("Tab");
    assert.equal(await focused(), id, `Tab reaches ${id}`);
  }
  const sent = [];
  page.on("request", (r) => r.url().endsWith("/api/callback") && r.method() === "POST" && sent.push(JSON.parse(r.postData())));
  await testid(button, "launcher").focus();
  await page.keyboard.press("Enter");
  await ready(button);
  await waitFor(async () => (await focused()) === "phone", 5_000, "focus in the phone field");
  await page.keyboard.type("0612345679");
  await tabTo("consent");
  await page.keyboard.press(" ");
  await tabTo("later");
  await page.keyboard.press("Enter");
  assert.equal(await testid(button, "later").getAttribute("aria-pressed"), "true");
  await waitFor(async () => (await testid(button, "slot").locator("option").count()) > 1, 10_000, "the slots");
  // A day first, then a time within it.
  assert.ok((await testid(button, "slot-day").locator("option").count()) > 1, "days to choose from");
  const firstTime = () => testid(button, "slot").locator("option").first().getAttribute("value");
  const today = await firstTime();
  await tabTo("slot-day");
  await page.keyboard.press("ArrowDown");
  assert.equal(await testid(button, "slot-day").inputValue(), "1", "ArrowDown picks the next day");
  await waitFor(async () => (await firstTime()) !== today, 5_000, "the next day's times");
  await tabTo("slot");
  await page.keyboard.press("ArrowDown");
  const second = await testid(button, "slot").locator("option").nth(1).getAttribute("value");
  assert.equal(await testid(button, "slot").inputValue(), second, "ArrowDown picks the next time");
  await tabTo("submit");
  await page.keyboard.press("Enter");
  await button.locator('[data-testid="tracking"][data-state="scheduled"]').waitFor({ timeout: 10_000 });
  assert.deepEqual(sent.map((body) => body.at), [second], "the time booked is the one picked");
  await tabTo("cancel");
  await page.keyboard.press("Enter");
  // It asks first, with the focus on "Keep it": Enter again keeps it.
  await waitFor(async () => (await focused()) === "cancel-keep", 5_000, "the focus on Keep it");
  await page.keyboard.press("Enter");
  assert.equal(await button.locator('[data-testid="tracking"]').getAttribute("data-state"), "scheduled");
  // The focus goes back to Cancel in the next frame: wait for it (tabbing
  // before it got there started from the removed question, off the panel).
  await waitFor(async () => (await focused()) === "cancel", 5_000, "the focus back on Cancel");
  await page.keyboard.press("Enter");
  await waitFor(async () => (await focused()) === "cancel-keep", 5_000, "the focus on Keep it");
  await tabTo("cancel-yes");
  await page.keyboard.press("Enter");
  await button.locator('[data-testid="tracking"][data-state="cancelled"]').waitFor({ timeout: 10_000 });
  assert.equal((await testid(button, "again").textContent()).trim(), "Book another time");
  assert.deepEqual(page.errors, []);
});

test("a booked callback is there again after a reload and on the site's other tabs, until it is cancelled", async () => {
  const page = await open(`${edge.url}/`);
  const button = inside(page, "callme-button.inline-cta");
  const posted = [];
  page.context().on("request", (r) => r.url().endsWith("/api/callback") && r.method() === "POST" && posted.push(r.url()));
  // A second tab, its form open before the booking exists.
  const early = await page.context().newPage();
  await early.goto(`${edge.url}/`);
  const earlyButton = inside(early, "callme-button.inline-cta");
  await testid(earlyButton, "launcher").click();
  await ready(earlyButton);
  await testid(button, "launcher").click();
  await ready(button);
  await testid(button, "later").click();
  await waitFor(async () => (await testid(button, "slot").locator("option").count()) > 1, 10_000, "the slots");
  const last = await testid(button, "slot").locator("option").last().getAttribute("value");
  await testid(button, "slot").selectOption(last);
  await testid(button, "phone").fill("06 1234 5681");
  await testid(button, "consent").check();
  await testid(button, "submit").click();
  await button.locator('[data-testid="tracking"][data-state="scheduled"]').waitFor({ timeout: 10_000 });
  const booked = await button.locator(".calling").textContent();
  const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("callme.booking ")));
  assert.equal(keys.length, 1);

  /** Opens the button on `where` and says what it shows. */
  async function shown(where) {
    const again = inside(where, "callme-button.inline-cta");
    await testid(again, "launcher").click();
    await waitFor(async () => (await testid(again, "tracking").count()) + (await testid(again, "form").count()) > 0, 10_000, "the panel");
    return again;
  }
  await page.reload();
  let again = await shown(page);
  await again.locator('[data-testid="tracking"][data-state="scheduled"]').waitFor({ timeout: 10_000 });
  assert.equal(await again.locator(".calling").textContent(), booked);
  const other = await page.context().newPage();
  await other.goto(`${edge.url}/`);
  const there = await shown(other);
  await there.locator('[data-testid="tracking"][data-state="scheduled"]').waitFor({ timeout: 10_000 });
  await other.close();
  assert.equal(posted.length, 1, "shown again, never booked again");

  // A call now from the early tab, over before the booking's time, leaves
  // the booking kept.
  await testid(earlyButton, "phone").fill("06 1234 5682");
  await testid(earlyButton, "consent").check();
  await testid(earlyButton, "submit").click();
  await earlyButton.locator('[data-testid="tracking"][data-state="ended"]').waitFor({ timeout: 20_000 });
  await early.close();
  await page.reload();
  again = await shown(page);
  await again.locator('[data-testid="tracking"][data-state="scheduled"]').waitFor({ timeout: 10_000 });

  await testid(again, "cancel").click();
  await testid(again, "cancel-yes").click();
  await again.locator('[data-testid="tracking"][data-state="cancelled"]').waitFor({ timeout: 10_000 });
  await page.reload();
  again = await shown(page);
  await testid(again, "phone").waitFor();
  assert.equal(await testid(again, "tracking").count(), 0, "a cancelled booking is not kept");

  // What any script of the page may write there is read as untrusted.
  await page.evaluate((key) => localStorage.setItem(key, "callme-booking-1\nsched-x\n<img src=x onerror=alert(1)>\n2099-01-01T00:00:00Z\n+31612345681"), keys[0]);
  await page.reload();
  again = await shown(page);
  await testid(again, "phone").waitFor();
  assert.equal(await testid(again, "tracking").count(), 0, "a tampered entry is not shown");
  await waitFor(() => page.evaluate((key) => localStorage.getItem(key) === null, keys[0]), 5_000, "the unreadable entry removed");
  assert.deepEqual(page.errors, []);
});

test("in Dutch, from another origin, under a strict CSP", async () => {
  const page = await open(`${hostUrl}/shop-nl.html`);
  const button = inside(page, "callme-button");
  assert.equal((await testid(button, "launcher").textContent()).trim(), "Bel mij terug");
  await testid(button, "launcher").click();
  await testid(button, "phone").fill("06 1111 2222");
  await waitFor(async () => (await testid(button, "phone-message").textContent()) === "We bellen +31 6 11112222", 10_000, "the Dutch hint");
  await testid(button, "consent").check();
  await testid(button, "submit").click();
  await button.locator('[data-testid="tracking"][data-state="ended"]').waitFor({ timeout: 20_000 });
  assert.equal(await testid(button, "status").textContent(), "Gesprek beëindigd");
  assert.deepEqual(page.errors, []);
});

test("the demo portal takes its token from the link's fragment, forgets it from the address, and says so without one", async () => {
  const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read" });
  const page = await open(`${edge.url}/portal.html#token=${token}`);
  const history = inside(page, "callme-history");
  await testid(history, "table").waitFor({ timeout: 20_000 });
  assert.equal(await testid(history, "row").count(), 20);
  assert.ok(!page.url().includes("#") && !page.url().includes(token), `the token left the address bar: ${page.url()}`);
  await page.reload();
  await testid(inside(page, "callme-history"), "table").waitFor({ timeout: 20_000 });
  assert.deepEqual(page.errors, []);

  const signedOut = await open(`${edge.url}/portal.html`);
  await signedOut.locator("#signed-out").waitFor({ state: "visible" });
  assert.equal(await signedOut.locator("callme-history").count(), 0);
  assert.deepEqual(signedOut.wasm, [], "no code loaded for a history that cannot be shown");
  assert.deepEqual(signedOut.errors, []);
});

test("history pages, filters, and shows hostile text as text", async () => {
  const page = await open(`${hostUrl}/portal.html`);
  const history = inside(page, "callme-history");
  await testid(history, "table").waitFor({ timeout: 20_000 });
  assert.equal(await testid(history, "row").count(), 20);
  const range = await testid(history, "range").textContent();
  const total = Number(range.match(/of (\d+)$/)[1]);
  assert.ok(total >= 160, range);
  assert.ok(await testid(history, "chart").isVisible());

  // The sandbox's hostile summary is on the first page: shown literally.
  const details = history.locator("details");
  for (let i = 0; i < (await details.count()); i++) await details.nth(i).locator("summary").click();
  const summaries = await testid(history, "summary").allTextContents();
  assert.ok(summaries.some((s) => s.includes('<img src=x onerror="window.__callmePwned=1">') && s.includes("<script>")), "hostile text shown as text");
  assert.equal(await page.evaluate(() => window.__callmePwned), undefined, "hostile text never ran");
  assert.equal(await history.locator("td img, td script").count(), 0);
  await page.screenshot({ path: path.join(SHOTS, "portal.png"), fullPage: true });

  await testid(history, "next").click();
  await waitFor(async () => (await testid(history, "range").textContent()) === `21–40 of ${total}`, 10_000, "page two");
  await testid(history, "status-filter").selectOption("failed");
  await waitFor(async () => /^1–\d+ of \d+$/.test((await testid(history, "range").textContent()) ?? ""), 10_000, "the filtered page");
  const badges = await history.locator(".badge").allTextContents();
  assert.ok(badges.length > 0 && badges.every((b) => b === "Failed"), badges.join());
  assert.deepEqual(page.errors, []);
});

/** Reads CSV as RFC 4180 says (quoted fields, doubled quotes, CRLF). */
function readCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') { field += '"'; i++; }
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ",") { row.push(field); field = ""; }
    else if (!quoted && c === "\r") continue;
    else if (!quoted && c === "\n") { row.push(field); rows.push(row); row = []; field = ""; }
    else field += c;
  }
  return rows;
}

test("the portal exports the filtered history as CSV: every page, in order, with progress", async () => {
  const page = await open(`${hostUrl}/portal.html`, { acceptDownloads: true });
  const history = inside(page, "callme-history");
  await testid(history, "table").waitFor({ timeout: 20_000 });
  const save = async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), testid(history, "export").click()]);
    const file = path.join(SHOTS, "..", download.suggestedFilename());
    await download.saveAs(file);
    return { name: download.suggestedFilename(), text: readFileSync(file, "utf8") };
  };
  // The API's own view of everything, newest first, to compare with.
  const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read" });
  const api = async (query) => (await (await fetch(`${edge.url}/api/calls?limit=200&${query}`, { headers: { authorization: `Bearer ${token}`, origin: edge.url } })).json()).calls;

  const all = await save();
  assert.match(all.name, /^calls-\d{4}-\d\d-\d\d\.csv$/);
  assert.ok(all.text.startsWith("\ufeff"), "a BOM, so spreadsheets read UTF-8");
  const rows = readCsv(all.text.slice(1));
  assert.deepEqual(rows[0], ["id", "created_at", "started_at", "ended_at", "caller_phone", "agent_name", "status", "duration_seconds", "error", "summary"]);
  const expected = await api("");
  const ids = rows.slice(1).map((r) => r[0]);
  assert.ok(ids.length >= 160, `${ids.length} rows`);
  assert.equal(new Set(ids).size, ids.length, "no call twice");
  // Same order as the API's (calls placed during the export are not in it).
  assert.deepEqual(expected.map((c) => c.id).filter((id) => ids.includes(id)), ids);
  assert.match(await testid(history, "export-status").textContent(), new RegExp(`^Exported ${ids.length} calls$`));
  // Text from the network arrives as it was, in its own field.
  const hostile = expected.find((c) => c.summary?.includes("<script>"));
  assert.ok(hostile, "the sandbox's hostile summary is in the history");
  assert.equal(rows.find((r) => r[0] === hostile.id)[9], hostile.summary);

  // Filtered: only failed calls, all of them.
  await testid(history, "status-filter").selectOption("failed");
  await waitFor(async () => /^1–\d+ of \d+$/.test((await testid(history, "range").textContent()) ?? ""), 10_000, "the filtered page");
  const failed = readCsv((await save()).text.slice(1)).slice(1);
  const failedTotal = Number((await testid(history, "range").textContent()).match(/of (\d+)$/)[1]);
  assert.equal(failed.length, failedTotal);
  assert.ok(failed.every((r) => r[6] === "failed"), "only failed calls");
  assert.deepEqual(page.errors, []);
});

test("the embedding guide renders its live example, and its analytics example logs what happens", async () => {
  const page = await open(`${edge.url}/embed.html`);
  const button = inside(page, "#guide-button");
  await testid(button, "launcher").waitFor();
  const log = page.locator('[data-testid="event-log"] li');
  // The page's own link opens the form through open(), code loading and all.
  await page.locator("#talk-to-us").click();
  await testid(button, "phone").waitFor();
  await waitFor(async () => (await log.count()) === 1, 10_000, "the open event in the log");
  assert.equal(await log.nth(0).textContent(), "callme:open {}");
  await testid(button, "phone").press("Escape");
  await waitFor(async () => (await log.count()) === 2, 5_000, "the close event in the log");
  assert.equal(await log.nth(1).textContent(), "callme:close {}");
  await page.screenshot({ path: path.join(SHOTS, "embed.png"), fullPage: true });
  // The types are served beside the loader, as text.
  const types = await fetch(`${edge.url}/callme.d.ts`);
  assert.equal(types.status, 200);
  assert.match(types.headers.get("content-type"), /^text\/plain/);
  assert.match(await types.text(), /"callme:requested": CustomEvent<CallmeRequestedDetail>/);
  assert.deepEqual(page.errors, []);
});

test("two buttons on a page are independent, and a removed one stops polling", async () => {
  const page = await open(`${edge.url}/`);
  const accepted = [];
  page.on("response", async (r) => {
    if (r.request().method() === "POST" && r.url().endsWith("/api/callback") && r.status() === 202) accepted.push((await r.json()).ticket);
  });
  // Polls carry the ticket alone: no call id or number in any URL.
  const polls = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/callback/")) polls.push({ url: r.url(), ticket: r.headers().authorization });
  });
  const statusRequests = (ticket) => polls.filter((p) => p.ticket === `Ticket ${ticket}`).length;

  const inline = inside(page, "callme-button.inline-cta");
  const floating = inside(page, "callme-button[floating]");
  await testid(inline, "launcher").click();
  await fillAndSubmit(inline, "06 2222 3333");
  await testid(inline, "tracking").waitFor();
  await waitFor(() => accepted.length === 1, 10_000, "the first call's answer");
  assert.equal(await testid(floating, "launcher").getAttribute("aria-expanded"), "false", "the other button is untouched");
  // Removed before its first poll (1 s after acceptance).
  await page.evaluate(() => document.querySelector("callme-button.inline-cta").remove());

  await testid(floating, "launcher").click();
  await fillAndSubmit(floating, "06 4444 5555");
  await floating.locator('[data-testid="tracking"][data-state="ended"]').waitFor({ timeout: 20_000 });
  assert.equal(accepted.length, 2);
  assert.ok(statusRequests(accepted[1]) >= 1, "the remaining button polled its call");
  assert.equal(statusRequests(accepted[0]), 0, "the removed button never polled again");
  assert.ok(polls.every((p) => p.url.endsWith("/api/callback/status")), polls.map((p) => p.url).join(" "));
  assert.deepEqual(page.errors, []);
});

test("with Turnstile on, the form waits for the check and passes its token", async () => {
  const verifier = await startTurnstileFake();
  const port = await freePort();
  const guarded = await startWrangler(port, {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET, ALLOWED_COUNTRIES: "NL",
    ALLOWED_ORIGINS: hostUrl, TURNSTILE_SITEKEY: "1x00000000000000000000AA",
    TURNSTILE_SECRET: "1x0000000000000000000000000000000AA", TURNSTILE_VERIFY_URL: verifier.url,
  });
  try {
    // Cloudflare's script is served by the browser itself, from the
    // stand-in: the machine has no way out, and tests never leave it.
    const scripts = [];
    const page = await open(`${hostUrl}/turnstile.html?edge=${encodeURIComponent(guarded.url)}`, {
      prepare: (context) => {
        context.on("request", (r) => r.resourceType() === "script" && scripts.push(r.url()));
        return context.route("https://challenges.cloudflare.com/**", (route) =>
          route.fulfill({ contentType: "text/javascript", body: hostPages("", "")["/turnstile-fake.js"] }));
      },
    });
    const button = inside(page, "callme-button");
    await testid(button, "launcher").click();
    await fillAndSubmit(button, "06 3333 4444");
    await waitFor(async () => (await testid(button, "form-error").textContent()) === "Complete the security check first.", 10_000, "the check to be asked for");
    await page.locator('[data-testid="fake-turnstile"]').click();
    await testid(button, "submit").click();
    await button.locator('[data-testid="tracking"][data-state="ended"]').waitFor({ timeout: 20_000 });
    assert.equal(verifier.seen.at(-1).response, "XXXX.DUMMY.TOKEN.XXXX");
    assert.deepEqual(scripts.filter((u) => !u.startsWith(guarded.url)),
      ["https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit"], "the challenge script comes from Cloudflare's host only");
    assert.deepEqual(page.errors, []);
  } finally {
    await guarded.stop();
    await verifier.stop();
  }
});

/**
 * Holds back every request matching `pattern` until `release()`; `held`
 * resolves once one arrives.
 */
async function hold(page, pattern) {
  let release;
  const released = new Promise((resolve) => (release = resolve));
  let arrived;
  const held = new Promise((resolve) => (arrived = resolve));
  await page.route(pattern, async (route) => {
    arrived();
    await released;
    await route.continue().catch(() => {});
  });
  return { held, release: () => release() };
}

/** Records, in the page, every change of the panel's `hidden` and the launcher's `aria-expanded`. */
function watchPanel(page, selector) {
  return page.evaluate((selector) => {
    const root = document.querySelector(selector).shadowRoot;
    window.__changes = [];
    new MutationObserver((records) => {
      for (const r of records) window.__changes.push(`${r.target.dataset.testid}.${r.attributeName}=${r.target.getAttribute(r.attributeName)}`);
    }).observe(root, { subtree: true, attributes: true, attributeFilter: ["hidden", "aria-expanded"] });
  }, selector);
}

test("a click while the code is still on its way opens the form once, and it stays open", async () => {
  for (const press of ["click", "held press"]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const wasm = await hold(page, "**/pkg/callme_button_bg.wasm");
    await page.goto(`${edge.url}/`);
    const selector = "callme-button.inline-cta";
    const button = inside(page, selector);
    await testid(button, "launcher").waitFor();
    await watchPanel(page, selector);
    if (press === "click") {
      await testid(button, "launcher").click();
      await wasm.held;
      wasm.release();
    } else {
      // The press starts before the code arrives and ends after it mounted.
      await testid(button, "launcher").hover();
      await wasm.held;
      await page.mouse.down();
      wasm.release();
      await page.waitForFunction((s) => document.querySelector(s).mounted, selector);
      await page.mouse.up();
    }
    await testid(button, "phone").waitFor();
    await testid(button, "phone").fill("06 1234 5678");
    await waitFor(async () => (await testid(button, "phone-message").textContent()) === "We will call +31 6 12345678", 10_000, `the hint (${press})`);
    assert.ok(await testid(button, "panel").isVisible(), press);
    assert.equal(await button.locator('[data-testid="panel"]').count(), 1);
    // Mounted open, the panel may drop a `hidden` it was built with; it
    // must never get one (a close), and the launcher must flip once.
    const changes = await page.evaluate(() => window.__changes);
    assert.deepEqual(changes.filter((c) => c.startsWith("launcher.")), ["launcher.aria-expanded=true"], `${press}: ${changes}`);
    assert.deepEqual(changes.filter((c) => c === "panel.hidden="), [], `${press}: the panel never closed: ${changes}`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("removing a button at any moment of its life never traps, and one put back works", async () => {
  const selector = "callme-button.inline-cta";
  const moments = {
    // The code is on its way.
    loading: async (page, button) => {
      const wasm = await hold(page, "**/pkg/callme_button_bg.wasm");
      await testid(button, "launcher").click();
      await wasm.held;
      return wasm.release;
    },
    open: async (page, button) => {
      await testid(button, "launcher").click();
      await testid(button, "phone").waitFor();
      return () => {};
    },
    submitting: async (page, button) => {
      const post = await hold(page, "**/api/callback");
      await testid(button, "launcher").click();
      await fillAndSubmit(button, "06 4444 5555");
      await post.held;
      return post.release;
    },
    // Removed in the very microtask the status view appears: the focus
    // moves to it on the next frame, when the component is gone (this
    // trapped, and killed every button on the page, until the frame
    // callback checked for it).
    accepted: async (page, button) => {
      await testid(button, "launcher").click();
      await page.evaluate((s) => {
        const element = document.querySelector(s);
        new MutationObserver((_, observer) => {
          if (!element.shadowRoot.querySelector("[data-testid=tracking]")) return;
          observer.disconnect();
          window.__removed = element;
          element.remove();
        }).observe(element.shadowRoot, { subtree: true, childList: true });
      }, selector);
      await fillAndSubmit(button, "06 4444 7777");
      await page.waitForFunction(() => window.__removed?.isConnected === false);
      // Two frames: the focus callback has run.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      return () => {};
    },
    polling: async (page, button) => {
      const poll = await hold(page, "**/api/callback/status");
      await testid(button, "launcher").click();
      await fillAndSubmit(button, "06 4444 6666");
      await poll.held;
      return poll.release;
    },
  };
  for (const [moment, reach] of Object.entries(moments)) {
    const page = await open(`${edge.url}/`);
    const button = inside(page, selector);
    const release = await reach(page, button);
    const removed = await page.evaluate((s) => {
      if (!window.__removed) {
        window.__removed = document.querySelector(s);
        window.__removed.remove();
      }
      return !document.querySelector(s);
    }, selector);
    assert.ok(removed, moment);
    release();
    // What was held completes against a component that is gone; then the
    // same element goes back and must work from the start.
    await page.waitForLoadState("networkidle");
    await page.evaluate(() => document.querySelector("main").append(window.__removed));
    await testid(button, "launcher").click();
    await testid(button, "phone").waitFor();
    await testid(button, "phone").fill("06 1234 5678");
    await waitFor(async () => (await testid(button, "phone-message").textContent()) === "We will call +31 6 12345678", 10_000, `the form after ${moment}`);
    assert.equal(await button.locator('[data-testid="failed"]').count(), 0, moment);
    assert.deepEqual(page.errors, [], moment);
    await page.context().close();
  }
});

test("a dead wasm instance makes its elements say so, and Reload brings them back", async () => {
  // A trap the product cannot cause on purpose is made here the way the
  // runtime makes one when memory runs out: an allocation the allocator
  // must refuse, which aborts (the `unreachable` instruction).
  const page = await open(`${edge.url}/`, {
    prepare: (context) => context.route("**/pkg/callme_button.js", async (route) => {
      const response = await route.fetch();
      const glue = await response.text();
      const instance = glue.match(/(\w+)\.__wbindgen_malloc/)[1];
      await route.fulfill({ response, body: `${glue}\nexport function __trapForTest() { ${instance}.__wbindgen_malloc(0xFFFFFFF0, 8); }\n` });
    }),
  });
  const inline = inside(page, "callme-button.inline-cta");
  const floating = inside(page, "callme-button[floating]");
  await testid(inline, "launcher").click();
  // The component, not the loader's early form: its instance is the one
  // made to trap.
  await testid(inline, "closed").waitFor({ state: "attached" });
  await page.evaluate(async () => {
    const glue = await import("/pkg/callme_button.js");
    setTimeout(() => glue.__trapForTest());
  });
  for (const button of [inline, floating]) {
    await testid(button, "failed").waitFor();
    assert.equal(await testid(button, "failed").getAttribute("data-reason"), "broken");
    assert.equal(await testid(button, "failed").locator("p").textContent(), "Something went wrong. Reload the page to try again.");
  }
  assert.ok(page.errors.some((e) => e.includes("unreachable")), page.errors.join());
  // The dead instance is never called again: opening the other button
  // says the same instead of throwing.
  const before = page.errors.length;
  await testid(floating, "launcher").click();
  await testid(floating, "failed").waitFor();
  assert.equal(page.errors.length, before);
  await testid(inline, "failed-action").click();
  await page.waitForLoadState("load");
  await testid(inline, "launcher").click();
  await testid(inline, "phone").waitFor();
});

test("a download that fails says so, and Try again loads it", async () => {
  const page = await open(`${edge.url}/`);
  let fail = true;
  await page.route("**/pkg/callme_button_bg.wasm", (route) => (fail ? route.abort("internetdisconnected") : route.continue()));
  const button = inside(page, "callme-button.inline-cta");
  await testid(button, "launcher").click();
  await testid(button, "failed").waitFor();
  assert.equal(await testid(button, "failed").getAttribute("data-reason"), "offline");
  fail = false;
  await testid(button, "failed-action").click();
  await testid(button, "phone").waitFor();
  assert.equal(await testid(button, "launcher").getAttribute("aria-expanded"), "true");
  assert.deepEqual(page.errors, []);
});
