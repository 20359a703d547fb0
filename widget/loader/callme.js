// callme loader: defines <callme-button> and <callme-history>.
// The button is drawn at once from this file (no layout shift, no wasm);
// its code loads on the visitor's first intent (pointer over, focus, touch,
// click),
// or at once with the `preload` attribute. The history loads at once.
// Needs no eval, no blob: URLs and no inline script: it works under a
// strict CSP that allows this file's origin (plus 'wasm-unsafe-eval').
const base = new URL(".", import.meta.url);
const bundles = new Map();

/** Loads one bundle (glue + wasm) once per page. */
function load(kind) {
  if (!bundles.has(kind)) {
    bundles.set(kind, import(new URL(`pkg/callme_${kind}.js`, base).href).then(async (glue) => {
      await glue.default({ module_or_path: new URL(`pkg/callme_${kind}_bg.wasm`, base) });
      return glue;
    }));
  }
  return bundles.get(kind);
}

const CSS = `
:host { --_accent: var(--callme-accent, #0b63f6); --_text: var(--callme-text, #14161a); --_bg: var(--callme-background, #ffffff);
  --_muted: color-mix(in srgb, var(--_text) 60%, var(--_bg)); --_line: color-mix(in srgb, var(--_text) 14%, var(--_bg));
  --_radius: var(--callme-radius, 14px); --_size: var(--callme-size, 16px);
  font: var(--_size)/1.45 var(--callme-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  color: var(--_text); display: inline-block; }
@media (prefers-color-scheme: dark) { :host { --_text: var(--callme-text, #eef0f4); --_bg: var(--callme-background, #1b1e24); --_accent: var(--callme-accent, #5b9bff); } }
:host([floating]) { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
button, input, select, textarea { font: inherit; color: inherit; }
:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
.callme { position: relative; }
.launcher { display: inline-flex; align-items: center; gap: .5em; min-height: 48px; padding: .7em 1.25em; border: 0;
  border-radius: 999px; background: var(--_accent); color: #fff; font-weight: 600; cursor: pointer;
  box-shadow: 0 6px 20px color-mix(in srgb, var(--_accent) 35%, transparent); transition: transform .15s ease; }
.launcher:hover { transform: translateY(-1px); }
.panel { width: min(92vw, 380px); margin-top: 12px; padding: 18px; background: var(--_bg); border: 1px solid var(--_line);
  border-radius: var(--_radius); box-shadow: 0 18px 50px rgba(0,0,0,.18); }
:host([floating]) .panel { position: absolute; right: 0; bottom: calc(100% + 12px); margin: 0; }
.panel-head { display: flex; align-items: center; justify-content: space-between; }
h2 { margin: 0; font-size: 1.15em; }
.close { border: 0; background: none; font-size: 1.5em; line-height: 1; cursor: pointer; padding: 4px 8px; border-radius: 8px; }
.intro { margin: .4em 0 1em; color: var(--_muted); font-size: .93em; }
label { display: block; margin: .6em 0 .2em; font-size: .9em; font-weight: 600; }
label > span { display: block; margin-bottom: .25em; }
.row { display: flex; gap: .6em; } .row .country { flex: 0 0 8.5em; } .row .phone { flex: 1; }
input[type=tel], input[type=text], select, textarea { width: 100%; min-height: 44px; padding: .55em .7em; border: 1px solid var(--_line);
  border-radius: calc(var(--_radius) / 2); background: var(--_bg); font-weight: 400; }
input[aria-invalid=true] { border-color: #c62828; }
.check { display: flex; gap: .6em; align-items: flex-start; font-weight: 400; }
.check input { width: 1.2em; height: 1.2em; margin-top: .15em; flex: none; }
.message { min-height: 1.3em; margin: .25em 0 0; font-size: .85em; color: var(--_muted); }
.error { color: #c62828; font-size: .9em; margin: .4em 0; } .error:empty { display: none; }
@media (prefers-color-scheme: dark) { .error, input[aria-invalid=true] { color: #ff8a80; border-color: #ff8a80; } }
details { margin: .6em 0; } summary { cursor: pointer; font-size: .9em; color: var(--_muted); }
.submit, .secondary, .pager button, .filters button, .state button { min-height: 44px; padding: .55em 1.1em; border-radius: 999px; cursor: pointer; font-weight: 600; }
.submit { width: 100%; margin-top: .6em; border: 0; background: var(--_accent); color: #fff; }
.submit[disabled] { opacity: .6; cursor: progress; }
.secondary, .pager button, .filters button, .state button { border: 1px solid var(--_line); background: var(--_bg); }
.live:focus { outline: none; }
.tracking { text-align: center; padding: .8em 0 .2em; }
.tracking .calling { color: var(--_muted); margin: 0; }
.tracking .headline { font-size: 1.3em; font-weight: 700; margin: .3em 0; }
.tracking .detail { font-variant-numeric: tabular-nums; font-size: 1.1em; margin: 0 0 .8em; }
.tracking[data-state=dialing] .headline, .tracking[data-state=connecting] .headline { animation: pulse 1.4s ease-in-out infinite; }
.tracking[data-state=failed] .headline { color: #c62828; }
@keyframes pulse { 50% { opacity: .45; } }
@media (prefers-reduced-motion: reduce) { * { animation: none !important; transition: none !important; } }
:host(callme-history) { display: block; }
.history h2 { margin-bottom: .6em; }
.filters { display: flex; flex-wrap: wrap; gap: .8em; align-items: flex-end; margin-bottom: 1em; }
.filters label { margin: 0; } .filters select, .filters input { min-width: 9em; }
table { width: 100%; border-collapse: collapse; font-size: .93em; }
th, td { text-align: left; padding: .6em .5em; border-bottom: 1px solid var(--_line); vertical-align: top; }
th { font-size: .8em; text-transform: uppercase; letter-spacing: .04em; color: var(--_muted); }
td.number, td.duration { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.summary { max-width: 28em; } td.summary p { margin: .3em 0 0; white-space: pre-wrap; }
.failure { color: #c62828; margin: 0; }
.badge { display: inline-block; padding: .15em .6em; border-radius: 999px; font-size: .82em; font-weight: 600; background: var(--_line); }
.badge.ended { background: #e3f4e8; color: #1b6b35; } .badge.failed { background: #fde7e7; color: #a4161a; }
.badge.in-progress, .badge.connecting { background: #e6efff; color: #0b4bc0; }
.pager { display: flex; justify-content: space-between; align-items: center; margin-top: 1em; gap: 1em; }
.pager button[disabled] { opacity: .45; cursor: default; }
.state { padding: 2em 0; text-align: center; color: var(--_muted); }
.chart { margin: 0 0 1em; } .chart figcaption { font-size: .85em; color: var(--_muted); margin-bottom: .3em; }
.chart svg { max-width: 100%; height: auto; overflow: visible; }
.chart .ended { fill: #34a853; } .chart .failed { fill: #e53935; } .chart .other { fill: #8fa9d8; }
`;
const sheet = new CSSStyleSheet();
sheet.replaceSync(CSS);

const LABELS = { en: ["Call me back", "Loading…"], nl: ["Bel mij terug", "Laden…"] };
const PHONE_ICON = '<svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1L6.6 10.8z"/></svg>';

class CallmeElement extends HTMLElement {
  connectedCallback() {
    if (!this.shadowRoot) this.attachShadow({ mode: "open" }).adoptedStyleSheets = [sheet];
    this.generation = (this.generation ?? 0) + 1;
    this.drawPlaceholder();
  }

  disconnectedCallback() {
    // Unmounting stops the component's timers and requests.
    this.generation += 1;
    this.mounted?.unmount();
    this.mounted?.free();
    this.mounted = undefined;
    this.starting = undefined;
  }

  get language() {
    const tag = (this.getAttribute("lang") || navigator.language || "en").slice(0, 2).toLowerCase();
    return LABELS[tag] ? tag : "en";
  }

  get endpoint() {
    return this.getAttribute("endpoint") || base.origin;
  }

  /** Loads the bundle and mounts the component, once per connection. */
  async start(kind, mount) {
    const generation = this.generation;
    this.starting ??= load(kind);
    const glue = await this.starting;
    // Never swap the placeholder out during a press on it: the browser
    // would send the press's click to an element that no longer exists,
    // and the visitor's click would be lost (the form stayed closed). Wait
    // for the click, or a second if it never comes (a drag off the button).
    if (this.pressing) {
      await new Promise((resolve) => {
        this.released = resolve;
        setTimeout(resolve, 1000);
      });
    }
    if (!this.isConnected || generation !== this.generation || this.mounted) return;
    // Keep the keyboard where it was: mounting replaces the focused
    // placeholder, and the visitor's next Enter would otherwise go nowhere.
    const focused = this.shadowRoot.activeElement?.dataset?.testid;
    this.mounted = mount(glue);
    if (focused) this.shadowRoot.querySelector(`[data-testid="${focused}"]`)?.focus();
  }
}

class CallmeButton extends CallmeElement {
  drawPlaceholder() {
    const [label] = LABELS[this.language];
    this.shadowRoot.innerHTML = `<div class="callme"><button type="button" class="launcher" part="button" data-testid="launcher" aria-expanded="false">${PHONE_ICON}<span></span></button></div>`;
    this.shadowRoot.querySelector("span").textContent = label;
    const intent = (event) => this.begin(event.type === "click");
    for (const type of ["pointerover", "focusin", "touchstart", "click"]) {
      this.shadowRoot.addEventListener(type, intent, { passive: true });
    }
    this.shadowRoot.addEventListener("pointerdown", () => { this.pressing = !this.mounted; }, { passive: true });
    if (this.hasAttribute("preload")) this.begin(false);
  }

  begin(open) {
    this.openRequested ||= open;
    if (open) {
      // The press ended in its click: the component may mount now.
      this.pressing = false;
      this.released?.();
    }
    this.start("button", (glue) => glue.mount_button(this, this.shadowRoot, this.endpoint, !!this.openRequested))
      .catch((error) => console.error("callme: the button could not load", error));
  }
}

class CallmeHistory extends CallmeElement {
  drawPlaceholder() {
    this.shadowRoot.innerHTML = '<p class="state" role="status"></p>';
    this.shadowRoot.querySelector("p").textContent = LABELS[this.language][1];
    this.start("history", (glue) => glue.mount_history(this, this.shadowRoot, this.endpoint))
      .catch((error) => console.error("callme: the history could not load", error));
  }
}

if (!customElements.get("callme-button")) customElements.define("callme-button", CallmeButton);
if (!customElements.get("callme-history")) customElements.define("callme-history", CallmeHistory);
