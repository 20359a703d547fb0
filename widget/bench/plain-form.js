// The baseline's form (see plain-button.js): the same fields as callme's,
// the edge's configuration fetched when it opens, the number it will call
// shown while typing, and the request sent with an idempotency key.
const CALLING_CODES = { NL: "31", BE: "32", DE: "49", FR: "33", GB: "44", US: "1" };

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** `0612345678` with NL → `+31612345678`; `null` when it cannot be read. */
function normalize(text, country) {
  const digits = text.replace(/[\s().-]/g, "");
  if (/^\+[1-9]\d{6,14}$/.test(digits)) return digits;
  if (/^0\d{6,13}$/.test(digits) && CALLING_CODES[country]) return `+${CALLING_CODES[country]}${digits.slice(1)}`;
  return null;
}

export function mountForm(slot, endpoint) {
  const country = element("select", { "data-testid": "country" });
  const phone = element("input", { type: "tel", inputmode: "tel", autocomplete: "tel", "data-testid": "phone", "aria-describedby": "plain-hint" });
  const hint = element("p", { id: "plain-hint" });
  const consent = element("input", { type: "checkbox", "data-testid": "consent" });
  const error = element("p", { role: "alert" });
  const submit = element("button", { type: "submit", class: "submit" }, "Call me");
  const form = element("form", { novalidate: "" },
    element("div", { class: "row" },
      element("label", {}, element("span", {}, "Country"), country),
      element("label", {}, element("span", {}, "Phone number"), phone)),
    hint,
    element("label", { class: "check" }, consent, element("span", {}, "I agree to be called about my question. *")),
    element("details", {}, element("summary", {}, "Name / Question (optional)"),
      element("label", {}, element("span", {}, "Name"), element("input", { type: "text", maxlength: "80" })),
      element("label", {}, element("span", {}, "Question"), element("textarea", { maxlength: "500", rows: "3" }))),
    error, submit);
  const panel = element("div", { class: "panel", role: "dialog", "data-testid": "panel" },
    element("h2", {}, "We'll call you back"), form);
  const update = () => {
    const number = normalize(phone.value, country.value);
    hint.textContent = number ? `We will call ${number}` : "";
  };
  phone.addEventListener("input", update);
  country.addEventListener("change", update);
  fetch(`${endpoint}/api/config`).then((r) => r.json()).then((config) => {
    for (const code of config.countries) country.append(element("option", { value: code }, `${code} +${CALLING_CODES[code] ?? ""}`));
    country.value = config.default_country;
  }).catch(() => (error.textContent = "No connection."));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const number = normalize(phone.value, country.value);
    if (!number) return phone.focus();
    const response = await fetch(`${endpoint}/api/callback`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ phone: number, consent: consent.checked }),
    }).catch(() => null);
    error.textContent = response?.ok ? "" : "Something went wrong.";
  });
  slot.append(panel);
  phone.focus();
  return panel;
}
