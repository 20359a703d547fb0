// The six languages in the system Chromium, over the real edge in
// `wrangler dev` and the sandbox: for each, a customer's page with
// `<callme-button lang>` and `<callme-history lang>` shows the form, its
// refusals, the number it will call and the portal in that language, a
// visitor's browser downloads that language's words file and no other
// (none for English, which is in the wasm), failure reasons read as words
// and never as the platform's own (`no-answer`), and every state audited
// passes WCAG 2.1 AA with axe in light and dark mode. Dates follow the
// visitor's own locale of the element's language (en-GB: 24-hour).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { API_KEY, PORTAL_SECRET, ROOT, TICKET_SECRET, freePort, mintToken, nowSeconds, startSandbox, startWrangler, waitFor, launchChromium } from "../../edge/tests/support.mjs";

const AXE = readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const WCAG21AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// What a visitor reads, by language: the launcher (the loader's words),
// the title, the submit button, the refusals of an empty form, the number
// it will call, and the portal's title and first column.
const EXPECTED = {
  en: { launcher: "Call me back", title: "Request a call", submit: "Call me now", phone: "Enter your phone number.",
    consent: "Tick the box to agree to be called.", willCall: "We will call +31 6 12345678", history: "Call history", date: "Date" },
  nl: { launcher: "Bel mij terug", title: "Wij bellen u", submit: "Bel mij nu", phone: "Vul uw telefoonnummer in.",
    consent: "Vink het vakje aan om akkoord te gaan.", willCall: "We bellen +31 6 12345678", history: "Gespreksgeschiedenis", date: "Datum" },
  de: { launcher: "Rückruf anfordern", title: "Wir rufen Sie an", submit: "Rufen Sie mich jetzt an", phone: "Geben Sie Ihre Telefonnummer ein.",
    consent: "Setzen Sie das Häkchen, um dem Anruf zuzustimmen.", willCall: "Wir rufen +31 6 12345678 an", history: "Anrufverlauf", date: "Datum" },
  fr: { launcher: "Être rappelé", title: "Nous vous rappelons", submit: "Appelez-moi maintenant", phone: "Saisissez votre numéro de téléphone.",
    consent: "Cochez la case pour accepter l’appel.", willCall: "Nous appellerons le +31 6 12345678", history: "Historique des appels", date: "Date" },
  es: { launcher: "Solicitar una llamada", title: "Le llamamos", submit: "Llámenme ahora", phone: "Introduzca su número de teléfono.",
    consent: "Marque la casilla para aceptar la llamada.", willCall: "Llamaremos al +31 6 12345678", history: "Historial de llamadas", date: "Fecha" },
  it: { launcher: "Richiedi una chiamata", title: "La richiamiamo noi", submit: "Chiamatemi ora", phone: "Inserisca il suo numero di telefono.",
    consent: "Spunti la casella per accettare la chiamata.", willCall: "Chiameremo il +31 6 12345678", history: "Cronologia chiamate", date: "Data" },
};
// The sandbox's failure reasons, which must never reach a reader as such.
const RAW_REASONS = ["no-answer", "busy", "voicemail", "network-error"];

let sandbox, edge, host, hostUrl, browser;

before(async () => {
  sandbox = await startSandbox();
  const edgePort = await freePort();
  const hostPort = await freePort();
  hostUrl = `http://127.0.0.1:${hostPort}`;
  edge = await startWrangler(edgePort, {
    UPSTREAM_URL: sandbox.url, VOICE_API_KEY: API_KEY, TICKET_SECRET, PORTAL_TOKEN_SECRET: PORTAL_SECRET,
    ALLOWED_ORIGINS: `http://127.0.0.1:${edgePort},${hostUrl}`, ALLOWED_COUNTRIES: "NL,BE,GB",
    // Each language places a call to the same number.
    RATE_LIMIT_PER_PHONE: "100/1h", RATE_LIMIT_PER_IP: "100/1h",
  });
  const token = mintToken({ exp: nowSeconds() + 3600, scope: "calls:read" });
  // The customer's site, on another origin: `?lang=xx` sets the elements'
  // `lang`, none leaves it to the browser.
  host = createServer((req, res) => {
    const url = new URL(req.url, hostUrl);
    const lang = url.searchParams.get("lang");
    const attribute = lang ? ` lang="${lang.replace(/[^a-zA-Z-]/g, "")}"` : "";
    const body = url.pathname === "/portal.html"
      ? `<callme-history endpoint="${edge.url}" token="${token}" page-size="20"${attribute}></callme-history>`
      : `<callme-button endpoint="${edge.url}"${attribute}></callme-button>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    // The history sits on the page's own background, as on a portal
    // with a dark mode of its own.
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>shop</title>
<style>@media (prefers-color-scheme: dark) { body { background: #1b1e24; color: #eef0f4; } }</style>
<script type="module" src="${edge.url}/callme.js"></script></head><body><main><h1>Shop</h1>${body}</main></body></html>`);
  });
  host.listen(hostPort, "127.0.0.1");
  await once(host, "listening");
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  host?.close();
  await edge?.stop();
  await sandbox?.stop();
});

/** The page's violations of WCAG 2.1 AA, in light and in dark mode. */
async function audit(page, what) {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
    const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }), WCAG21AA);
    const found = result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} (${n.failureSummary.replace(/\s+/g, " ")})`));
    assert.deepEqual(found, [], `${what}, ${scheme} mode`);
  }
}

const testid = (root, id) => root.locator(`[data-testid="${id}"]`);
const SHOTS = path.join(ROOT, "artifacts/screenshots");
mkdirSync(SHOTS, { recursive: true });
// The tracking view's English headlines, which no other language shows.
const ENGLISH_STATUSES = ["Dialing…", "Your phone is ringing…", "In call", "Call ended", "The call did not go through"];
/** Waits for the button's component to take over the loader's early form
 * (only the component's form has the hours notice). */
const component = (button) =>
  waitFor(() => button.evaluate((el) => Boolean(el.shadowRoot.querySelector("[data-testid=closed]"))), 10_000, "the component");
const text = async (locator) => (await locator.textContent()).trim();

/** A page in a browser whose own language is `locale`, and the words files it fetches. */
async function pageIn(locale) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const words = [];
  page.on("request", (request) => {
    const name = new URL(request.url()).pathname.split("/").pop();
    if (name.startsWith("words-")) words.push(name);
  });
  return { context, page, words };
}

for (const [lang, expected] of Object.entries(EXPECTED)) {
  test(`the form and the portal speak ${lang}, fetching only its words, axe-clean in light and dark`, async () => {
    const { context, page, words } = await pageIn("en-US");
    try {
      await page.goto(`${hostUrl}/?lang=${lang}`);
      const button = page.locator("callme-button");
      assert.equal(await text(testid(button, "launcher")), expected.launcher);
      await testid(button, "launcher").click();
      await testid(button, "form").waitFor();
    await component(button);
      // The country list comes with the site's config.
      await page.waitForFunction(() => document.querySelector("callme-button").shadowRoot.querySelectorAll("[data-testid=country] option").length > 0);
      assert.equal(await text(button.locator("#callme-title")), expected.title);
      assert.equal(await text(testid(button, "submit")), expected.submit);
      assert.equal(await button.locator(".slot").getAttribute("lang"), lang);
      await audit(page, `the open form in ${lang}`);

      await testid(button, "submit").click();
      await waitFor(async () => (await text(testid(button, "phone-message"))) === expected.phone, 5_000, `the empty number's words in ${lang}`);
      await audit(page, `a refused number in ${lang}`);

      await testid(button, "phone").fill("06 1234 5678");
      await waitFor(async () => (await text(testid(button, "phone-message"))) === expected.willCall, 5_000, `the number it will call, in ${lang}`);
      await testid(button, "submit").click();
      await waitFor(async () => (await text(testid(button, "consent-message"))) === expected.consent, 5_000, `the consent's words in ${lang}`);
      await page.screenshot({ path: path.join(SHOTS, `lang-${lang}-refusals.png`) });
      // The call's own words: tick, send, and follow it.
      await testid(button, "consent").check();
      await testid(button, "submit").click();
      const tracking = button.locator('[data-testid="tracking"]');
      await tracking.waitFor({ timeout: 10_000 });
      const headline = await text(tracking.locator(".headline"));
      if (lang !== "en") assert.ok(!ENGLISH_STATUSES.includes(headline), `an English status in ${lang}: ${headline}`);
      await page.screenshot({ path: path.join(SHOTS, `lang-${lang}-tracking.png`) });

      await page.goto(`${hostUrl}/portal.html?lang=${lang}`);
      const history = page.locator("callme-history");
      await testid(history, "table").waitFor({ timeout: 20_000 });
      assert.equal(await text(history.locator("h2")), expected.history);
      assert.equal(await text(history.locator("th").first()), expected.date);
      const failures = await history.locator(".failure").allTextContents();
      for (const reason of failures) assert.ok(!RAW_REASONS.includes(reason.trim()), `a raw reason shown in ${lang}: ${reason}`);
      await audit(page, `the portal in ${lang}`);
      await page.screenshot({ path: path.join(SHOTS, `lang-${lang}-portal.png`) });

      // One file for the button and the portal alike (the second from the
      // browser's cache, or fetched again: never another language's).
      assert.ok(words.every((name) => name === `words-${lang}.txt`), `${lang} fetched ${words}`);
      if (lang === "en") assert.deepEqual(words, [], "English is in the wasm");
      else assert.ok(words.length >= 1, `${lang}'s words were fetched`);
    } finally {
      await context.close();
    }
  });
}

test("without a lang attribute the browser's language is spoken, in its own formats", async () => {
  const german = await pageIn("de-DE");
  try {
    await german.page.goto(`${hostUrl}/portal.html`);
    const history = german.page.locator("callme-history");
    await testid(history, "table").waitFor({ timeout: 20_000 });
    assert.equal(await text(history.locator("h2")), EXPECTED.de.history);
    assert.deepEqual([...new Set(german.words)], ["words-de.txt"]);
  } finally {
    await german.context.close();
  }
  // An en-GB visitor of an English site reads day-first dates and 24-hour
  // times, not the US formats of a bare "en".
  const british = await pageIn("en-GB");
  try {
    await british.page.goto(`${hostUrl}/portal.html?lang=en`);
    const history = british.page.locator("callme-history");
    await testid(history, "table").waitFor({ timeout: 20_000 });
    const when = await text(history.locator("[data-testid=table] tbody td").first());
    assert.doesNotMatch(when, /AM|PM/, when);
    assert.match(when, /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/, when);
    assert.deepEqual(british.words, []);
  } finally {
    await british.context.close();
  }
});

test("a words file that does not load leaves the form in English", async () => {
  const { context, page, words } = await pageIn("en-US");
  try {
    await page.route("**/pkg/words-*.txt", (route) => route.fulfill({ status: 503, body: "" }));
    await page.goto(`${hostUrl}/?lang=it`);
    const button = page.locator("callme-button");
    // The launcher's words are the loader's own, so Italian still.
    assert.equal(await text(testid(button, "launcher")), EXPECTED.it.launcher);
    await testid(button, "launcher").click();
    await testid(button, "form").waitFor();
    await component(button);
    assert.equal(await text(button.locator("#callme-title")), EXPECTED.en.title);
    assert.equal(await button.locator(".slot").getAttribute("lang"), "en");
    assert.deepEqual(words, ["words-it.txt"]);
  } finally {
    await context.close();
  }
});
