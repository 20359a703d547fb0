// callme loader: defines <callme-button> and <callme-history>.
// The button's launcher is drawn at once from this file (no layout shift,
// no wasm) and stays the same element for the page's whole life: the
// form's code loads on the visitor's first intent (pointer over, focus,
// touch, click), or at once with the `preload` attribute, and mounts beside
// it, so no click can be lost to a swap. The history loads at once.
// Needs no eval, no blob: URLs and no inline script: it works under a
// strict CSP that allows this file's origin (plus 'wasm-unsafe-eval').
// The host page follows the button through events (callme:open, :close,
// :requested, :status, :error, :note; bubbling and composed, never the
// visitor's number, name or typed text) and drives it with open() and
// close(); callme.d.ts, beside this file, types them.
const base = new URL(".", import.meta.url);
const KINDS = ["button", "history"];
const bundles = new Map();
const wasmUrl = (kind) => new URL(`pkg/callme_${kind}_bg.wasm`, base).href;

/** Loads one bundle (glue + wasm) once per page; a failed load may be retried. */
function load(kind) {
  if (!bundles.has(kind)) {
    // Both downloads start at once: on a slow network the wasm's request
    // must not wait for the glue's round trip.
    const wasm = fetch(wasmUrl(kind));
    wasm.catch(() => {});
    const loading = import(new URL(`pkg/callme_${kind}.js`, base).href).then(async (glue) => {
      await glue.default({ module_or_path: wasm });
      return glue;
    });
    loading.catch(() => bundles.delete(kind));
    bundles.set(kind, loading);
  }
  return bundles.get(kind);
}

// The site's public configuration (its countries above all: no number can
// be read without them), asked for beside the wasm so the form has it when
// it mounts; one request per endpoint and minute (the edge lets it be
// cached that long). Each mount reads its own clone of the response.
const configs = new Map();
function siteConfig(endpoint) {
  const cached = configs.get(endpoint);
  if (!cached || performance.now() - cached.at > 60_000) {
    const sent = fetch(`${endpoint.replace(/\/+$/, "")}/api/config`).then((response) => {
      // A failure is not kept: the next mount asks again.
      if (!response.ok) configs.delete(endpoint);
      return response;
    });
    sent.catch(() => configs.delete(endpoint));
    configs.set(endpoint, { sent, at: performance.now() });
  }
  return configs.get(endpoint).sent;
}

// A trap (a panic, or memory running out) leaves a wasm instance dead, and
// with it every element it drives: they say so instead of dying silently.
// A trap reaches the page as an uncaught WebAssembly.RuntimeError whose
// stack names the module's URL.
const elements = new Set();
const broken = new Set();
function trapped(error) {
  if (!(error instanceof WebAssembly.RuntimeError)) return;
  const stack = String(error.stack);
  let kinds = KINDS.filter((kind) => stack.includes(wasmUrl(kind)));
  // A module compiled without its URL (a server sending the wrong type)
  // shows as wasm://: then it was one of those loaded.
  if (!kinds.length && stack.includes("wasm-function")) kinds = KINDS.filter((kind) => bundles.has(kind));
  for (const kind of kinds) broken.add(kind);
  for (const element of elements) if (broken.has(element.kind)) element.fail("broken");
}
addEventListener("error", (event) => trapped(event.error));
addEventListener("unhandledrejection", (event) => trapped(event.reason));

const CSS = `
:host { --_accent: var(--callme-accent, #0b63f6); --_on-accent: var(--callme-on-accent, #ffffff);
  --_text: var(--callme-text, #14161a); --_bg: var(--callme-background, #ffffff);
  --_muted: color-mix(in srgb, var(--_text) 60%, var(--_bg)); --_line: color-mix(in srgb, var(--_text) 14%, var(--_bg));
  --_radius: var(--callme-radius, 14px); --_size: var(--callme-size, 16px);
  font: var(--_size)/1.45 var(--callme-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  color: var(--_text); display: inline-block; color-scheme: light dark; }
/* Dark: an accent that keeps white text at 4.7:1 and focus rings at 3.5:1. */
@media (prefers-color-scheme: dark) { :host { --_text: var(--callme-text, #eef0f4); --_bg: var(--callme-background, #1b1e24); --_accent: var(--callme-accent, #2f6fe0); } }
:host([floating]) { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
button, input, select, textarea { font: inherit; color: inherit; }
:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
.callme { position: relative; }
.launcher { display: inline-flex; align-items: center; gap: .5em; min-height: 48px; padding: .7em 1.25em; border: 0;
  border-radius: 999px; background: var(--_accent); color: var(--_on-accent); font-weight: 600; cursor: pointer;
  box-shadow: 0 6px 20px color-mix(in srgb, var(--_accent) 35%, transparent); transition: transform .15s ease; }
.launcher:hover { transform: translateY(-1px); }
/* \`compact\`: the phone alone in a round button (a floating one beside an
   inline one on the same page says the same thing twice otherwise); its
   words stay its accessible name and its tooltip. */
:host([compact]) .launcher { width: 56px; height: 56px; padding: 0; justify-content: center; }
:host([compact]) .launcher svg { width: 24px; height: 24px; }
:host([compact]) .launcher span { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.panel { width: min(92vw, 380px); margin-top: 12px; padding: 18px; background: var(--_bg); border: 1px solid var(--_line);
  border-radius: var(--_radius); box-shadow: 0 18px 50px rgba(0,0,0,.18); }
:host([floating]) .panel { position: absolute; right: 0; bottom: calc(100% + 12px); margin: 0; }
/* The panel never leaves the screen: it scrolls inside, within the visual
   viewport (--_vvh, which the loader keeps to window.visualViewport, so
   the on-screen keyboard counts). Inline on a wide screen it opens over
   the page, not pushing the page's own content down. */
.panel { max-height: calc(var(--_vvh, 100dvh) - 24px); overflow-y: auto; overscroll-behavior: contain; }
:host([floating]) .panel { max-height: calc(var(--_vvh, 100dvh) - 100px); }
@media (min-width: 601px) { :host(:not([floating])) .panel { position: absolute; left: 0; top: 100%; z-index: 2147482999; } }
/* A phone: the panel is a sheet along the bottom of the visual viewport,
   over the launcher (whose place it takes), scrolling inside. */
@media (max-width: 600px) {
  .panel, :host([floating]) .panel { position: fixed; left: 0; right: 0; bottom: var(--_vvb, 0px); top: auto; width: auto; margin: 0; z-index: 2147483001;
    max-height: calc(var(--_vvh, 100dvh) - 12px); border-radius: var(--_radius) var(--_radius) 0 0; border-bottom: 0;
    padding-bottom: max(18px, env(safe-area-inset-bottom)); box-shadow: 0 -10px 40px rgba(0,0,0,.25); }
}
.panel-head { display: flex; align-items: center; justify-content: space-between; }
h2 { margin: 0; font-size: 1.15em; }
.close { border: 0; background: none; font-size: 1.5em; line-height: 1; cursor: pointer; padding: 4px 8px; border-radius: 8px; }
.intro { margin: .4em 0 1em; color: var(--_muted); font-size: .93em; }
div.when { display: flex; gap: .5em; margin: .8em 0 .2em; }
.choice { flex: 1; min-height: 40px; border: 1px solid var(--_line); border-radius: 999px; background: var(--_bg); cursor: pointer; }
.choice[aria-pressed=true] { border-color: var(--_accent); box-shadow: inset 0 0 0 1px var(--_accent); font-weight: 600;
  background: color-mix(in srgb, var(--_accent) 12%, var(--_bg)); }
.choice[aria-pressed=true]::before { content: "✓ "; }
.notice { margin: -.4em 0 1em; padding: .6em .8em; border-radius: calc(var(--_radius) / 2); background: var(--_line); font-size: .93em; }
label { display: block; margin: .6em 0 .2em; font-size: .9em; font-weight: 600; }
label > span { display: block; margin-bottom: .25em; }
.row { display: flex; gap: .6em; } .row .country { flex: 0 0 8.5em; } .row .phone { flex: 1; }
.slot-pick > label { flex: 1 1 50%; min-width: 0; }
input[type=tel], input[type=text], input[type=date], select, textarea { width: 100%; min-height: 44px; padding: .55em .7em; border: 1px solid var(--_line);
  border-radius: calc(var(--_radius) / 2); background: var(--_bg); font-weight: 400; }
input[aria-invalid=true] { border-color: #c62828; }
.check { display: flex; gap: .6em; align-items: flex-start; font-weight: 400; }
.check input { width: 1.2em; height: 1.2em; margin-top: .15em; flex: none; }
.message { min-height: 1.3em; margin: .25em 0 0; font-size: .85em; color: var(--_muted); }
/* Two lines kept for the number's message: it appears when the field loses
   the focus, i.e. on the press of the next control, which must not move
   away under the pointer before the release (a lost click). */
#callme-phone-message { min-height: 2.6em; }
.error { color: #c62828; font-size: .9em; margin: .4em 0; } .error:empty { display: none; }
details { margin: .6em 0; } summary { cursor: pointer; font-size: .9em; color: var(--_muted); }
.submit, .secondary, .pager button, .filters button, .state button { min-height: 44px; padding: .55em 1.1em; border-radius: 999px; cursor: pointer; font-weight: 600; }
.submit { width: 100%; margin-top: .6em; border: 0; background: var(--_accent); color: var(--_on-accent); }
.submit[disabled] { opacity: .6; cursor: progress; }
.secondary, .pager button, .filters button, .state button { border: 1px solid var(--_line); background: var(--_bg); }
.live:focus { outline: none; }
.tracking { text-align: center; padding: .8em 0 .2em; }
.tracking .calling { color: var(--_muted); margin: 0; }
.tracking .headline { font-size: 1.3em; font-weight: 700; margin: .3em 0; }
.tracking .detail { font-variant-numeric: tabular-nums; font-size: 1.1em; margin: 0 0 .8em; }
.tracking[data-state=dialing] .headline, .tracking[data-state=connecting] .headline { animation: pulse 1.4s ease-in-out infinite; }
.tracking[data-state=failed] .headline { color: #c62828; }
.note { text-align: start; margin: .4em 0 .8em; } .note .secondary { margin-top: .5em; }
/* The pulse never fades the words below AA contrast (at .45 they were 2.96:1,
   which an audit caught mid-pulse). */
@keyframes pulse { 50% { opacity: .7; } }
@media (prefers-reduced-motion: reduce) { * { animation: none !important; transition: none !important; } }
:host(callme-history) { display: block; }
.history h2 { margin-bottom: .6em; }
.upcoming { margin: 0 0 1.2em; padding: .8em 1em; border: 1px solid var(--_line); border-radius: var(--_radius); }
.upcoming h3 { margin: 0 0 .4em; font-size: 1em; } .upcoming ul { margin: 0; padding-left: 1.2em; }
.upcoming .number { font-variant-numeric: tabular-nums; }
.filters { display: flex; flex-wrap: wrap; gap: .8em; align-items: flex-end; margin-bottom: 1em; }
.filters label { margin: 0; } .filters select, .filters input { min-width: 9em; }
table { width: 100%; border-collapse: collapse; font-size: .93em; }
th, td { text-align: left; padding: .6em .5em; border-bottom: 1px solid var(--_line); vertical-align: top; }
th { font-size: .8em; text-transform: uppercase; letter-spacing: .04em; color: var(--_muted); }
td.number, td.duration, td.when { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.summary { max-width: 28em; } td.summary p { margin: .3em 0 0; white-space: pre-wrap; }
.failure { color: #c62828; margin: 0; }
.badge { display: inline-block; padding: .15em .6em; border-radius: 999px; font-size: .82em; font-weight: 600; background: var(--_line); }
.badge.ended { background: #e3f4e8; color: #1b6b35; } .badge.failed { background: #fde7e7; color: #a4161a; }
.badge.in-progress, .badge.connecting { background: #e6efff; color: #0b4bc0; }
.live-calls { margin: 0 0 1.2em; padding: .8em 1em; border: 2px solid var(--_accent); border-radius: var(--_radius); }
.live-calls h3 { margin: 0 0 .4em; font-size: 1em; } .live-calls > ul { margin: 0; padding: 0; list-style: none; }
.live-call + .live-call { border-top: 1px solid var(--_line); margin-top: .6em; padding-top: .6em; }
.who { margin: 0; font-variant-numeric: tabular-nums; }
.actions, .confirm, .say { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; margin: .5em 0; }
.confirm { margin: 0; font-weight: 600; } .say { align-items: flex-end; } .say label { flex: 1 1 16em; margin: 0; }
.commands { margin: .3em 0 0; padding-left: 1.2em; font-size: .9em; color: var(--_muted); }
.pager { display: flex; justify-content: space-between; align-items: center; margin-top: 1em; gap: 1em; }
.pager button[disabled] { opacity: .45; cursor: default; }
.state { padding: 2em 0; text-align: center; color: var(--_muted); }
.export { min-height: 1.3em; margin: -.4em 0 .8em; font-size: .9em; color: var(--_muted); font-variant-numeric: tabular-nums; }
.failed p { margin: 0 0 .8em; color: var(--_text); }
@media (prefers-color-scheme: dark) { .error, .failure, .tracking[data-state=failed] .headline, input[aria-invalid=true] { color: #ff8a80; border-color: #ff8a80; } }
/* The chart: colours with 3:1 against the background in both schemes. */
.chart { margin: 0 0 1.2em; --_ended: #1e8e3e; --_failed: #d93025; --_other: #4f6fa8; }
@media (prefers-color-scheme: dark) { .chart { --_ended: #5bb974; --_failed: #f28b82; --_other: #8ab4f8; } }
.chart figcaption { margin-bottom: .35em; } .chart .chart-title { font-weight: 600; } [data-testid=chart-sum] { color: var(--_muted); }
.chart .legend { list-style: none; display: flex; flex-wrap: wrap; gap: .2em 1.2em; margin: 0 0 .6em; padding: 0; font-size: .85em; }
.chart .key { display: inline-block; width: .75em; height: .75em; border-radius: 2px; margin-right: .4em; }
.chart .key.ended { background: var(--_ended); } .chart .key.failed { background: var(--_failed); } .chart .key.other { background: var(--_other); }
.chart .plot { display: grid; grid-template-columns: 3em minmax(0, 1fr); column-gap: .5em; font-size: .75em; }
.chart .axis-title { grid-column: 1 / -1; color: var(--_muted); margin-bottom: .5em; }
.chart svg { display: block; overflow: visible; } .chart svg text { fill: var(--_text); }
@media (max-width: 640px) { .chart .x-axis .minor { display: none; } }
.chart .grid { stroke: var(--_line); } .chart rect.ended { fill: var(--_ended); } .chart rect.failed { fill: var(--_failed); } .chart rect.other { fill: var(--_other); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
/* The history on a phone: each call a card, each value named (the history
   sets --l1..--l5 to its columns' names), nothing wider than the screen.
   A media query, not a container query: containing the history made the
   browser style a 1000-row table twice (laid out 3.25x plain JS against
   1.09x, measured by the bench). */
@media (max-width: 640px) {
  table, tbody, tr, td { display: block; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  tr { padding: .6em .8em; margin: 0 0 .6em; border: 1px solid var(--_line); border-radius: calc(var(--_radius) / 1.5); }
  td { display: flex; gap: .8em; padding: .15em 0; border: 0; max-width: none; }
  td::before { flex: 0 0 6.5em; color: var(--_muted); font-size: .85em; }
  td:nth-child(1)::before { content: var(--l1); } td:nth-child(2)::before { content: var(--l2); }
  td:nth-child(3)::before { content: var(--l3); } td:nth-child(4)::before { content: var(--l4); }
  td:nth-child(5)::before { content: var(--l5); }
  td:empty, td.summary:not(:has(*)) { display: none; }
  td.summary { display: block; }
  .filters > * { flex: 1 1 100%; } .filters select, .filters input { width: 100%; min-width: 0; }
  .pager { flex-wrap: wrap; }
}
`;
const sheet = new CSSStyleSheet();
sheet.replaceSync(CSS);

// The visual viewport's height and how far its bottom is above the layout
// viewport's (the on-screen keyboard), for the panel's sheet on phones.
function followViewport(host) {
  const view = window.visualViewport;
  if (!view) return () => {};
  const update = () => {
    host.style.setProperty("--_vvh", `${view.height}px`);
    host.style.setProperty("--_vvb", `${Math.max(0, innerHeight - view.height - view.offsetTop)}px`);
  };
  update();
  view.addEventListener("resize", update);
  view.addEventListener("scroll", update);
  return () => {
    view.removeEventListener("resize", update);
    view.removeEventListener("scroll", update);
  };
}

// The loader's words in every language, from the widget's message tables
// (widget/src/words.rs; `cargo xtask build` puts them here): the launcher,
// the early form, loading, a dead instance, a failed download.
const WORDS = /* words: cargo xtask build */ {};

/** The language of a tag ("nl-BE" is nl), if the widget speaks it. */
function known(tag) {
  const language = (tag || "").trim().split(/[-_]/)[0].toLowerCase();
  return Object.hasOwn(WORDS, language) ? language : undefined;
}

// The words of the form and the portal in one language: a small file per
// language beside the wasm (English is in the wasm itself), fetched at the
// same time as the wasm and only for the element's own language. One that
// fails to load leaves the element in English; a later start tries again.
const texts = new Map();
function wordsFile(language) {
  if (language === "en") return Promise.resolve(undefined);
  if (!texts.has(language)) {
    const loading = fetch(new URL(`pkg/words-${language}.txt`, base)).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))));
    loading.catch(() => texts.delete(language));
    texts.set(language, loading);
  }
  return texts.get(language).catch(() => undefined);
}

// The form's first state, as the component draws it (data-testid and
// classes the same; its words are filled in from WORDS).
const EARLY_FORM = '<div class="panel-head"><h2 id="callme-title"></h2><button class="close" type="button">×</button></div>' +
  '<div class="live" aria-live="polite" role="status" data-testid="live" tabindex="-1"></div><form novalidate data-testid="form">' +
  '<p class="intro"></p><div class="row"><label class="country"><span></span><select part="input" data-testid="country"></select></label>' +
  '<label class="phone"><span></span><input type="tel" inputmode="tel" autocomplete="tel" part="input" data-testid="phone" aria-describedby="callme-phone-message"></label></div>' +
  '<p class="message" id="callme-phone-message" data-testid="phone-message"></p>' +
  '<label class="check"><input type="checkbox" data-testid="consent"><span></span></label><p class="message error" data-testid="consent-message"></p>' +
  '<div class="when" role="group"><button class="choice" type="button" data-testid="now" aria-pressed="true"></button><button class="choice" type="button" data-testid="later" aria-pressed="false"></button></div>' +
  '<details><summary></summary><label class="name"><span></span><input type="text" autocomplete="name" maxlength="80" part="input" data-testid="name"></label><p class="message error"></p>' +
  '<label class="note"><span></span><textarea maxlength="500" rows="3" part="input" data-testid="note"></textarea></label><p class="message error"></p></details>' +
  '<p class="error" role="alert" data-testid="form-error"></p><button class="submit" type="submit" part="submit" data-testid="submit"></button></form>';
const PHONE_ICON = '<svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1L6.6 10.8z"/></svg>';

class CallmeElement extends HTMLElement {
  connectedCallback() {
    if (!this.shadowRoot) this.attachShadow({ mode: "open" }).adoptedStyleSheets = [sheet];
    this.announced = false;
    this.generation = (this.generation ?? 0) + 1;
    elements.add(this);
    if (this.kind === "button") this.unfollow = followViewport(this);
    this.draw();
  }

  disconnectedCallback() {
    // Unmounting stops the component's timers and requests.
    elements.delete(this);
    this.unfollow?.();
    this.inView?.disconnect();
    this.generation += 1;
    const mounted = this.mounted;
    this.mounted = undefined;
    try {
      mounted?.unmount();
      mounted?.free();
    } catch {
      // A dead instance cannot unmount; its nodes leave with the element.
    }
  }

  /** The element's language: its `lang` attribute, else the browser's,
   * else English (as the wasm's `Lang::pick`). */
  get language() {
    return known(this.getAttribute("lang")) ?? known(navigator.language) ?? "en";
  }

  get words() {
    return WORDS[this.language];
  }

  get endpoint() {
    return this.getAttribute("endpoint") || base.origin;
  }

  /** Tells the host page: `callme:<name>`, bubbling out of the shadow root. */
  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(`callme:${name}`, { bubbles: true, composed: true, detail }));
  }

  /** Loads the bundle and mounts the component, once per connection. */
  async start() {
    const generation = this.generation;
    if (this.mounted || this.starting === generation) return;
    if (broken.has(this.kind)) return this.fail("broken");
    this.starting = generation;
    const language = this.language;
    // The words the element may have asked for already (see the button's).
    const words = this.wordsSent ?? wordsFile(language);
    this.wordsSent = undefined;
    let glue, text;
    try {
      glue = await load(this.kind);
      text = await words;
    } catch (error) {
      console.error(`callme: the ${this.kind} could not load`, error);
      if (generation === this.generation) this.fail("offline");
      return;
    } finally {
      if (this.starting === generation) this.starting = undefined;
    }
    // A request the early form has on its way is answered first, so the
    // component starts from its answer.
    await this.settled?.();
    if (!this.isConnected || generation !== this.generation || this.mounted) return;
    if (broken.has(this.kind)) return this.fail("broken");
    try {
      this.mounted = this.mount(glue, text);
      // Screen readers read the component in its own language.
      this.shadowRoot.querySelector(this.kind === "button" ? ".slot" : ".root")?.setAttribute("lang", text ? language : "en");
    } catch (error) {
      trapped(error);
      if (!broken.has(this.kind)) console.error(`callme: the ${this.kind} could not start`, error);
      this.fail("broken");
    }
  }

  /** Says why the element cannot work: "broken" (reload) or "offline" (retry). */
  fail(reason) {
    this.generation += 1;
    // Never call into a dead instance again; its nodes go with the message.
    this.mounted = undefined;
    const words = this.words;
    const box = document.createElement("div");
    box.className = "failed";
    box.setAttribute("role", "alert");
    box.dataset.testid = "failed";
    box.dataset.reason = reason;
    const text = document.createElement("p");
    text.textContent = reason === "broken" ? words.broken : words.offline;
    const action = document.createElement("button");
    action.type = "button";
    action.className = "secondary";
    action.dataset.testid = "failed-action";
    action.textContent = reason === "broken" ? words.reload : words.retry;
    action.addEventListener("click", () => (reason === "broken" ? location.reload() : this.retry()));
    box.append(text, action);
    this.showFailure(box);
  }

  retry() {
    this.generation += 1;
    this.draw();
  }
}

class CallmeButton extends CallmeElement {
  get kind() {
    return "button";
  }

  /** Opens the form (loading its code if needed), as a click would. */
  open() {
    if (this.launcher) {
      if (!this.isOpen) this.setOpen(true);
    } else this.openOnDraw = true;
  }

  /** Closes the form. */
  close() {
    if (this.launcher) {
      if (this.isOpen) this.setOpen(false);
    } else this.openOnDraw = false;
  }

  draw() {
    this.isOpen = false;
    this.early = undefined;
    this.shadowRoot.innerHTML = `<div class="callme" lang="${this.language}"><button type="button" class="launcher" part="button" data-testid="launcher" aria-expanded="false" aria-controls="callme-panel">${PHONE_ICON}<span></span></button><div class="slot" lang="${this.language}"></div></div>`;
    this.launcher = this.shadowRoot.querySelector(".launcher");
    this.panelSlot = this.shadowRoot.querySelector(".slot");
    this.launcher.querySelector("span").textContent = this.words.label;
    if (this.hasAttribute("compact")) this.launcher.title = this.words.label;
    const intent = () => this.start();
    for (const type of ["pointerover", "focusin", "touchstart"]) {
      this.launcher.addEventListener(type, intent, { passive: true });
    }
    // Until the form is there a tap only opens: a visitor who taps again
    // because a slow phone showed nothing yet must not hide the form.
    this.launcher.addEventListener("click", () => this.setOpen(this.mounted ? !this.isOpen : true));
    this.launcher.addEventListener("keydown", (event) => event.key === "Escape" && this.isOpen && this.setOpen(false));
    if (this.hasAttribute("preload")) this.start();
    if (this.openOnDraw) {
      this.openOnDraw = undefined;
      this.setOpen(true);
    }
  }

  /** Tells the page the panel opened or closed, once per change (a redraw
   * after a failed download keeps what the page was told). */
  announce(open) {
    if (open !== Boolean(this.announced)) this.emit(open ? "open" : "close", {});
    this.announced = open;
  }

  /** Opens or closes the panel; before the code is there, it opens on mount
   * and a loading panel shows meanwhile (within the tap's frame). */
  setOpen(open) {
    this.announce(open);
    this.isOpen = open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.keepInView(open);
    if (this.mounted) this.mounted.set_open(open);
    else if (this.panelSlot.querySelector("[data-testid=failed]")) this.retry(open);
    else {
      this.showEarly(open);
      this.start();
    }
  }

  /** While an inline panel is open, the page scrolls (as little as it
   * can) to show all of it whenever it appears or grows: opened low on a
   * desktop's screen, its press would otherwise sit below the fold. (A
   * floating panel, and the phone's sheet, are fixed to the screen.) */
  keepInView(open) {
    this.inView?.disconnect();
    this.inView = undefined;
    if (!open || this.hasAttribute("floating") || typeof ResizeObserver !== "function") return;
    const check = () => {
      const panel = [...this.panelSlot.querySelectorAll("[data-testid=panel]")].find((p) => !p.hidden);
      if (!panel || getComputedStyle(panel).position === "fixed") return;
      const box = panel.getBoundingClientRect();
      const height = window.visualViewport?.height ?? window.innerHeight;
      if (box.bottom > height || box.top < 0) panel.scrollIntoView({ block: "nearest" });
    };
    // The panel floats over the page (its slot does not grow): watch each
    // panel's own size, and the slot for the component's panel replacing
    // the early one.
    const sizes = new ResizeObserver(check);
    const watch = () => this.panelSlot.querySelectorAll("[data-testid=panel]").forEach((p) => sizes.observe(p));
    const swaps = new MutationObserver(watch);
    swaps.observe(this.panelSlot, { childList: true, subtree: true });
    watch();
    this.inView = { disconnect: () => { sizes.disconnect(); swaps.disconnect(); } };
  }

  /** The form's first state, drawn here within the tap's frame so the
   * visitor types while the code loads: the component's markup and words
   * (widget/src/words.rs), and nothing is read from it here. The component
   * takes over what it holds (`carried`). */
  showEarly(open) {
    if (this.early) {
      this.early.hidden = !open;
      if (open) this.early.querySelector("[data-testid=phone]").focus();
      return;
    }
    if (!open) return;
    const words = this.words;
    const panel = document.createElement("div");
    panel.className = "panel";
    panel.id = "callme-panel";
    panel.setAttribute("part", "panel");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "callme-title");
    panel.dataset.testid = "panel";
    panel.innerHTML = EARLY_FORM;
    const fill = (selector, text) => (panel.querySelector(selector).textContent = text);
    fill("h2", words.title);
    panel.querySelector(".close").setAttribute("aria-label", words.close);
    fill(".intro", words.intro);
    fill(".country span", words.country);
    fill(".phone span", words.phone);
    const consent = this.getAttribute("consent-text")?.trim() || words.consent;
    fill(".check span", `${consent} *`);
    panel.querySelector(".when").setAttribute("aria-label", words.time);
    fill("[data-testid=now]", words.now);
    fill("[data-testid=later]", words.later);
    fill("summary", words.details);
    fill(".name span", words.name);
    fill(".note span", words.note);
    fill("[data-testid=submit]", words.submit);
    const phone = panel.querySelector("[data-testid=phone]");
    phone.placeholder = words.hint;
    phone.value = this.getAttribute("phone")?.trim() ?? "";
    panel.querySelector("[data-testid=name]").value = this.getAttribute("name")?.trim() ?? "";
    const close = () => {
      this.launcher.focus();
      this.setOpen(false);
    };
    panel.querySelector(".close").addEventListener("click", close);
    panel.addEventListener("keydown", (event) => event.key === "Escape" && close());
    const later = panel.querySelector("[data-testid=later]");
    const now = panel.querySelector("[data-testid=now]");
    const choose = (isLater) => {
      later.setAttribute("aria-pressed", String(isLater));
      now.setAttribute("aria-pressed", String(!isLater));
      fill("[data-testid=submit]", isLater ? words.book : words.submit);
    };
    now.addEventListener("click", () => choose(false));
    later.addEventListener("click", () => choose(true));
    const submit = panel.querySelector("[data-testid=submit]");
    // A press is kept, and sent by the component once it is there.
    panel.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.early.pressed = true;
      submit.textContent = words.sending;
      submit.disabled = true;
      this.sendEarly();
    });
    // The site's countries, labelled as the component labels them.
    siteConfig(this.endpoint)
      .then((response) => response.clone().json())
      .then((config) => {
        const select = panel.querySelector("[data-testid=country]");
        if (select.options.length || !Array.isArray(config.countries)) return;
        const wanted = this.getAttribute("default-country")?.trim().toUpperCase();
        const chosen = config.countries.includes(wanted) ? wanted : config.default_country;
        config.countries.forEach((code, index) => {
          const option = new Option(`${code} +${config.calling_codes?.[index] ?? ""}`, code, false, code === chosen);
          select.add(option);
        });
        if (config.consent_required === false) fill(".check span", consent);
        panel.config = config;
        this.sendEarly();
      })
      .catch(() => {});
    this.early = panel;
    this.panelSlot.replaceChildren(panel);
    phone.focus();
  }

  /** What the visitor did in the early form, for the component to carry on
   * with: every value, the focus and caret, and a press. */
  carried() {
    const panel = this.early;
    if (!panel) return undefined;
    const field = (id) => panel.querySelector(`[data-testid=${id}]`);
    const focused = this.shadowRoot.activeElement;
    const typing = focused && "selectionStart" in focused && focused.type !== "checkbox";
    return {
      phone: field("phone").value,
      country: field("country").value || undefined,
      name: field("name").value,
      note: field("note").value,
      consent: field("consent").checked,
      later: field("later").getAttribute("aria-pressed") === "true",
      details: panel.querySelector("details").open,
      focus: panel.contains(focused) ? focused.dataset.testid : undefined,
      selection: typing ? [focused.selectionStart, focused.selectionEnd] : undefined,
      submit: Boolean(panel.pressed) && !panel.outcome?.accepted,
      key: panel.outcome?.key,
      accepted: panel.outcome?.accepted,
    };
  }

  start() {
    // The configuration, the language's words and the early sender first
    // (a few KB: with them a press in the early form goes out), the
    // component after them.
    siteConfig(this.endpoint).catch(() => {});
    this.wordsSent ??= wordsFile(this.language);
    this.sender ??= load("send").then(
      (glue) => {
        this.sendGlue = glue;
        this.sendEarly();
      },
      () => {},
    );
    return this.sender.then(() => super.start());
  }

  settled() {
    return this.early?.sending;
  }

  /** Sends a press in the early form through the early sender once it and
   * the site's configuration are here, once per press. */
  sendEarly() {
    const early = this.early;
    if (!early || !this.sendGlue || !early.config) return;
    early.dataset.sends = "";
    if (!early.pressed || early.sending || early.outcome) return;
    const field = (id) => early.querySelector(`[data-testid=${id}]`);
    const fields = {
      phone: field("phone").value, country: field("country").value, consent: field("consent").checked,
      name: field("name").value, note: field("note").value, later: field("later").getAttribute("aria-pressed") === "true",
      consent_required: early.config.consent_required !== false, bot_check: Boolean(early.config.turnstile_sitekey),
      lang: this.getAttribute("lang") ?? undefined, agent: this.getAttribute("agent") ?? "",
    };
    early.sending = this.sendGlue
      .send_callback(this.endpoint, fields)
      .then((outcome) => (early.outcome = outcome), () => (early.outcome = {}))
      .finally(() => (early.sending = undefined));
  }

  mount(glue, words) {
    const toggled = (open) => {
      // The panel closed itself: the launcher says so and takes the focus
      // back before the panel hides, so keyboard users stay in place.
      this.announce(open);
      this.isOpen = open;
      this.launcher.setAttribute("aria-expanded", String(open));
      if (!open) this.launcher.focus();
    };
    // What the component tells the page, by kind: ("requested", status,
    // at?), ("status", status), ("error", code, field?) and ("note") once
    // a note reached the agent. Only codes, statuses and a booked slot's
    // time ever come through here, never what the visitor typed.
    const told = (kind, value, extra) => {
      if (kind === "error") this.emit("error", extra ? { code: value, field: extra } : { code: value });
      else if (kind === "note") this.emit("note", {});
      else this.emit(kind, extra ? { status: value, at: extra } : { status: value });
    };
    const carried = this.carried();
    this.early = undefined;
    return glue.mount_button(this, this.panelSlot, this.endpoint, this.isOpen, toggled, told,
      siteConfig(this.endpoint).then((response) => response.clone()), carried, words);
  }

  showFailure(box) {
    box.classList.add("panel");
    this.panelSlot.replaceChildren(box);
    if (this.isOpen || box.dataset.reason === "broken") box.querySelector("button").focus();
  }

  retry(open = true) {
    this.generation += 1;
    this.draw();
    this.setOpen(open);
  }
}

class CallmeHistory extends CallmeElement {
  get kind() {
    return "history";
  }

  draw() {
    this.shadowRoot.innerHTML = '<p class="state" role="status"></p>';
    this.shadowRoot.querySelector("p").textContent = this.words.loading;
    this.start();
  }

  mount(glue, words) {
    return glue.mount_history(this, this.shadowRoot, this.endpoint, words);
  }

  showFailure(box) {
    box.classList.add("state");
    this.shadowRoot.replaceChildren(box);
  }
}

if (!customElements.get("callme-button")) customElements.define("callme-button", CallmeButton);
if (!customElements.get("callme-history")) customElements.define("callme-history", CallmeHistory);
