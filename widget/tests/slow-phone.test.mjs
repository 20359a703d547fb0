// A visitor on a slow phone, in the system Chromium: `/api/config` and the
// wasm are held back by route interception, so what the visitor can do
// before each arrives is tested, not raced. The browser is en-GB and the
// site's default country is NL: a number read with a country guessed from
// the browser would go to somebody in the United Kingdom.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { API_KEY, TICKET_SECRET, freePort, startSandbox, startWrangler, waitFor, launchChromium, shownAs } from "../../edge/tests/support.mjs";

let sandbox, edge, host, hostUrl, browser;

before(async () => {
  sandbox = await startSandbox();
  const hostPort = await freePort();
  hostUrl = `http://127.0.0.1:${hostPort}`;
  edge = await startWrangler(await freePort(), {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET,
    ALLOWED_ORIGINS: hostUrl, ALLOWED_COUNTRIES: "NL,BE,GB", DEFAULT_COUNTRY: "NL", RATE_LIMIT_PER_IP: "100/1h",
  });
  const csp = `default-src 'none'; script-src 'self' ${edge.url} 'wasm-unsafe-eval'; connect-src ${edge.url}; style-src 'self'`;
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<script type="module" src="${edge.url}/callme.js"></script></head>
<body><h1>Bakkerij de Vries</h1><callme-button endpoint="${edge.url}"></callme-button></body></html>`;
  host = createServer((req, res) => {
    res.writeHead(req.url === "/shop.html" ? 200 : 404, { "content-type": "text/html", "content-security-policy": csp });
    res.end(req.url === "/shop.html" ? page : "not found");
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

/** Holds every request matching `pattern` until `release()`. */
async function hold(page, pattern) {
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const held = [];
  await page.route(pattern, async (route) => {
    held.push(route.request().url());
    await gate;
    await route.continue().catch(() => {});
  });
  return { release, held };
}

/** A British visitor's page on the Dutch shop, recording callback requests. */
async function shop({ holdConfig = false, holdWasm = false, holdComponent = false } = {}) {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  page.callbacks = [];
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  page.keys = [];
  page.on("request", (r) => {
    if (!r.url().endsWith("/api/callback") || r.method() !== "POST") return;
    page.callbacks.push(JSON.parse(r.postData()));
    page.keys.push(r.headers()["idempotency-key"]);
  });
  const config = holdConfig ? await hold(page, "**/api/config") : undefined;
  const wasm = holdWasm ? await hold(page, "**/*.wasm") : holdComponent ? await hold(page, "**/callme_button_bg.wasm") : undefined;
  await page.goto(`${hostUrl}/shop.html`);
  const button = page.locator("callme-button");
  await button.locator("[data-testid=launcher]").waitFor();
  return { page, button, config, wasm, close: () => context.close() };
}

const testid = (root, id) => root.locator(`[data-testid="${id}"]`);

test("a number typed before the site's countries are known is read in the site's country, never a guessed one", async () => {
  const { page, button, config, close } = await shop({ holdConfig: true });
  try {
    await testid(button, "launcher").click();
    const phone = testid(button, "phone");
    await phone.waitFor();
    await waitFor(() => config.held.length > 0, 10_000, "the loader's /api/config request");
    await phone.pressSequentially("06 12345678");
    await testid(button, "consent").check();
    // Read with en-GB's country this was "We will call +44612345678".
    assert.equal((await testid(button, "phone-message").textContent()).trim(), "");
    assert.equal(await testid(button, "country").locator("option").count(), 0);
    config.release();
    await waitFor(async () => (await testid(button, "phone-message").textContent()) === "We will call +31 6 12345678", 10_000, "the number read in NL");
    assert.equal(await phone.inputValue(), "06 12345678", "every character kept");
    await testid(button, "submit").click();
    await waitFor(() => page.callbacks.length > 0, 10_000, "the callback request");
    assert.equal(page.callbacks[0].phone, "+31612345678");
    await testid(button, "live").locator(".tracking").waitFor();
    assert.equal(page.callbacks.length, 1);
    assert.deepEqual(page.errors, []);
  } finally {
    await close();
  }
});

test("a submit pressed before the configuration arrives is sent once it has, exactly once", async () => {
  const { page, button, config, close } = await shop({ holdConfig: true });
  try {
    await testid(button, "launcher").click();
    await testid(button, "phone").waitFor();
    await testid(button, "phone").fill("06 12345679");
    await testid(button, "consent").check();
    await testid(button, "submit").click();
    // Pressed twice: a visitor whose phone showed nothing yet.
    await testid(button, "submit").click({ force: true });
    assert.equal((await testid(button, "submit").textContent()).trim(), "Sending…");
    assert.equal(page.callbacks.length, 0, "nothing sent before the countries are known");
    config.release();
    await testid(button, "live").locator(".tracking").waitFor({ timeout: 10_000 });
    assert.equal(page.callbacks.length, 1);
    assert.equal(page.callbacks[0].phone, "+31612345679");
  } finally {
    await close();
  }
});

/** Whether the component has taken the form over (only its form has the
 * closed-hours notice). */
const mounted = (button) => button.evaluate((el) => Boolean(el.shadowRoot.querySelector("[data-testid=closed]")));

test("the tap shows the form within its frame, a second tap does not hide it, and the component takes it over", async () => {
  const { button, wasm, close } = await shop({ holdWasm: true });
  try {
    // Tapped, and looked at in the next frame.
    const shown = () =>
      button.evaluate(
        (el) =>
          new Promise((resolve) => {
            el.shadowRoot.querySelector("[data-testid=launcher]").click();
            requestAnimationFrame(() => {
              const panel = el.shadowRoot.querySelector("[data-testid=panel]");
              resolve({
                visible: Boolean(panel?.checkVisibility()),
                title: panel?.querySelector("h2")?.textContent,
                focus: el.shadowRoot.activeElement?.dataset.testid,
                expanded: el.shadowRoot.querySelector("[data-testid=launcher]").getAttribute("aria-expanded"),
              });
            });
          }),
      );
    const form = { visible: true, title: "Request a call", focus: "phone", expanded: "true" };
    assert.deepEqual(await shown(), form);
    await waitFor(() => wasm.held.length > 0, 10_000, "the wasm request");
    assert.deepEqual(await shown(), form, "the second tap keeps it open");
    assert.equal(await mounted(button), false, "the loader's form, no wasm yet");
    wasm.release();
    await waitFor(() => mounted(button), 10_000, "the component");
    assert.equal(await testid(button, "panel").count(), 1);
    await waitFor(() => button.evaluate((el) => el.shadowRoot.activeElement?.dataset.testid === "phone"), 5_000, "the focus on the phone field");
    // Once the form is there the launcher toggles again.
    await testid(button, "launcher").click();
    await testid(button, "panel").waitFor({ state: "hidden" });
  } finally {
    await close();
  }
});

test("typing and ticking before the wasm: the component keeps every character, the caret, the focus and the tick", async () => {
  const { page, button, wasm, close } = await shop({ holdWasm: true });
  try {
    await testid(button, "launcher").click();
    const phone = testid(button, "phone");
    await phone.pressSequentially("06 1234");
    await testid(button, "consent").check();
    await testid(button, "later").click();
    await phone.focus();
    await phone.evaluate((input) => input.setSelectionRange(2, 2));
    // The site's countries reached the loader's form, labelled.
    await waitFor(async () => (await testid(button, "country").locator("option").count()) === 3, 10_000, "the countries");
    assert.equal(await testid(button, "country").inputValue(), "NL");
    assert.equal(await testid(button, "country").locator("option:checked").textContent(), "NL +31");
    assert.equal(await mounted(button), false);
    wasm.release();
    await waitFor(() => mounted(button), 10_000, "the component");
    assert.equal(await phone.inputValue(), "06 1234");
    assert.equal(await testid(button, "consent").isChecked(), true);
    assert.equal(await testid(button, "later").getAttribute("aria-pressed"), "true");
    assert.deepEqual(
      await button.evaluate((el) => {
        const input = el.shadowRoot.activeElement;
        return [input?.dataset.testid, input?.selectionStart];
      }),
      ["phone", 2],
    );
    // The next key lands at the caret, in the component's field.
    await page.keyboard.type("9");
    assert.equal(await phone.inputValue(), "069 1234");
    assert.deepEqual(page.errors, []);
  } finally {
    await close();
  }
});

test("a submit pressed before the wasm is sent once it is there, exactly once, with every character typed", async () => {
  const { page, button, wasm, close } = await shop({ holdWasm: true });
  try {
    await testid(button, "launcher").click();
    await testid(button, "phone").pressSequentially("06 1234 5680");
    await testid(button, "consent").check();
    await page.keyboard.press("Enter");
    await testid(button, "submit").click({ force: true });
    assert.equal((await testid(button, "submit").textContent()).trim(), "Sending…");
    assert.equal(await mounted(button), false);
    assert.equal(page.callbacks.length, 0);
    wasm.release();
    await testid(button, "live").locator(".tracking").waitFor({ timeout: 10_000 });
    assert.equal(page.callbacks.length, 1);
    assert.equal(page.callbacks[0].phone, "+31612345680");
    assert.equal(page.callbacks[0].consent, true);
  } finally {
    await close();
  }
});

test("with only the few KB of the early sender, a press places the call; the component then shows it, and nothing is sent twice", async () => {
  const { page, button, wasm, close } = await shop({ holdComponent: true });
  const statuses = [];
  await page.exposeFunction("heard", (status) => statuses.push(status));
  await page.evaluate(() => document.addEventListener("callme:requested", (e) => window.heard(e.detail.status)));
  try {
    await testid(button, "launcher").click();
    await testid(button, "phone").pressSequentially("06 1234 5681");
    await testid(button, "consent").check();
    await waitFor(() => button.evaluate((el) => el.shadowRoot.querySelector("[data-testid=panel]")?.hasAttribute("data-sends")), 10_000, "the early sender");
    await testid(button, "submit").click();
    await waitFor(() => page.callbacks.length === 1, 10_000, "the early sender's request");
    assert.equal(page.callbacks[0].phone, "+31612345681");
    assert.equal(page.callbacks[0].locale, "en");
    assert.equal(await mounted(button), false, "sent before the component arrived");
    await waitFor(() => wasm.held.length > 0, 10_000, "the component's download");
    wasm.release();
    const tracking = testid(button, "live").locator(".tracking");
    await tracking.waitFor({ timeout: 10_000 });
    assert.match(await testid(button, "live").textContent(), shownAs("+31612345681"));
    assert.equal(page.callbacks.length, 1, "the component did not send it again");
    await waitFor(() => statuses.length > 0, 5_000, "callme:requested");
    assert.equal(statuses.length, 1);
  } finally {
    await close();
  }
});

test("a number the rules refuse is not sent early: the component says why once it is there", async () => {
  const { page, button, wasm, close } = await shop({ holdComponent: true });
  try {
    await testid(button, "launcher").click();
    await testid(button, "phone").pressSequentially("06 12");
    await testid(button, "consent").check();
    await waitFor(() => button.evaluate((el) => el.shadowRoot.querySelector("[data-testid=panel]")?.hasAttribute("data-sends")), 10_000, "the early sender");
    await testid(button, "submit").click();
    await waitFor(() => wasm.held.length > 0, 10_000, "the component's download");
    wasm.release();
    await waitFor(async () => (await testid(button, "phone-message").textContent()).includes("too short"), 10_000, "the component's message");
    assert.equal(page.callbacks.length, 0);
    assert.equal(await testid(button, "phone").inputValue(), "06 12");
  } finally {
    await close();
  }
});

test("a request the edge refuses early is sent again by the component under the same key, which shows the refusal", async () => {
  const { page, button, wasm, close } = await shop({ holdComponent: true });
  try {
    await testid(button, "launcher").click();
    // A UK personal number: well formed for the widget's plan, refused by
    // the edge's metadata.
    await testid(button, "phone").pressSequentially("+44 70 1234 5678");
    await testid(button, "consent").check();
    await waitFor(() => button.evaluate((el) => el.shadowRoot.querySelector("[data-testid=panel]")?.hasAttribute("data-sends")), 10_000, "the early sender");
    const placed = (await sandbox.requests("/")).length;
    await testid(button, "submit").click();
    await waitFor(() => page.callbacks.length === 1, 10_000, "the early request");
    await waitFor(() => wasm.held.length > 0, 10_000, "the component's download");
    wasm.release();
    // The component's preview comes first, then the edge's refusal.
    await waitFor(async () => /special numbers/.test(await testid(button, "phone-message").textContent()), 10_000, "the refusal under the number");
    assert.equal(page.callbacks.length, 2);
    assert.equal(page.keys[0], page.keys[1], "one key for one press");
    assert.equal((await sandbox.requests("/")).length, placed, "no platform request");
  } finally {
    await close();
  }
});

/** The form's controls and words as a visitor meets them, in order. */
function formFacts(button) {
  return button.evaluate((el) => {
    const panel = el.shadowRoot.querySelector("[data-testid=panel]");
    const seen = panel.querySelectorAll("h2, .intro, label > span, input, select, option, textarea, button, summary");
    return [...seen].map((node) => [
      node.tagName,
      node.dataset.testid ?? "",
      node.getAttribute("type") ?? "",
      node.getAttribute("placeholder") ?? node.getAttribute("aria-label") ?? "",
      ["INPUT", "TEXTAREA", "SELECT"].includes(node.tagName) ? "" : node.textContent.trim(),
    ]);
  });
}

test("the loader's early form is the component's first state: the same controls, in the same order, with the same words", async () => {
  for (const lang of ["en", "de"]) {
    const { page, button, wasm, close } = await shop({ holdComponent: true });
    try {
      await page.evaluate((lang) => document.querySelector("callme-button").setAttribute("lang", lang), lang);
      await testid(button, "launcher").click();
      await waitFor(async () => (await testid(button, "country").locator("option").count()) === 3, 10_000, "the countries");
      const early = await formFacts(button);
      await waitFor(() => wasm.held.length > 0, 10_000, "the component's download");
      wasm.release();
      await waitFor(() => mounted(button), 10_000, "the component");
      assert.deepEqual(await formFacts(button), early, `in ${lang}`);
    } finally {
      await close();
    }
  }
});
