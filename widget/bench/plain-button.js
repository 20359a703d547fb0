// The baseline for `cargo xtask bench`: the call-me button as a careful
// JavaScript developer would write it without wasm. Like callme's loader it
// draws the launcher at once and imports the form's code on the first
// intent, so that the two are compared design for design.
const CSS = `
:host { display: inline-block; font: 16px/1.45 system-ui, sans-serif; color: #14161a; }
.launcher { display: inline-flex; align-items: center; gap: .5em; min-height: 48px; padding: .7em 1.25em; border: 0;
  border-radius: 999px; background: #0b63f6; color: #fff; font-weight: 600; cursor: pointer; }
.panel { width: min(92vw, 380px); margin-top: 12px; padding: 18px; background: #fff; border: 1px solid #ddd; border-radius: 14px; }
label { display: block; margin: .6em 0 .2em; font-size: .9em; font-weight: 600; }
input, select, textarea { font: inherit; width: 100%; min-height: 44px; padding: .55em .7em; border: 1px solid #ddd; border-radius: 7px; }
.row { display: flex; gap: .6em; } .check { display: flex; gap: .6em; } .check input { width: 1.2em; min-height: 0; }
.submit { width: 100%; margin-top: .6em; min-height: 44px; border: 0; border-radius: 999px; background: #0b63f6; color: #fff; font-weight: 600; }
`;
const sheet = new CSSStyleSheet();
sheet.replaceSync(CSS);
const ICON = '<svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1L6.6 10.8z"/></svg>';

class PlainButton extends HTMLElement {
  connectedCallback() {
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [sheet];
    root.innerHTML = `<button type="button" class="launcher" data-testid="launcher" aria-expanded="false">${ICON}<span>Call me back</span></button><div class="slot"></div>`;
    this.launcher = root.querySelector(".launcher");
    const load = () => (this.form ??= import("./plain-form.js"));
    for (const type of ["pointerover", "focusin", "touchstart"]) this.launcher.addEventListener(type, load, { passive: true });
    this.launcher.addEventListener("click", async () => {
      const open = this.launcher.getAttribute("aria-expanded") !== "true";
      this.launcher.setAttribute("aria-expanded", String(open));
      const { mountForm } = await load();
      this.panel ??= mountForm(root.querySelector(".slot"), this.getAttribute("endpoint") || location.origin);
      this.panel.hidden = !open;
    });
  }
}
customElements.define("plain-button", PlainButton);
