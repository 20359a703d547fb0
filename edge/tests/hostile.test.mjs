// Hostile requests in workerd: each one is refused with its documented
// status and code, and the sandbox's journal proves that none of them cost
// a single platform request. Cases are grouped as an attacker would try
// them: broken JSON, wrong types, lookalike digits, invisible text, E.164
// edge cases, numbers that cost money, other countries, steering fields,
// header tricks, and broken tickets and tokens.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  API_KEY, ORIGIN, browser, mintTicket, mintToken, nowSeconds, settings, startEdge, startSandbox, tamperChar,
} from "./support.mjs";

let sandbox;
let edge;
before(async () => {
  sandbox = await startSandbox();
  // Generous limits, so that every refusal below is the rule under test
  // and not a rate limit.
  edge = await startEdge(settings(sandbox.url, {
    RATE_LIMIT_PER_IP: "10000/1h", RATE_LIMIT_PER_NETWORK: "10000/1h", RATE_LIMIT_PER_PHONE: "10000/1h",
    RATE_LIMIT_PER_PHONE_DAILY: "10000/1d", HOURLY_CAP: "10000", DAILY_CAP: "10000",
    RATE_LIMIT_HISTORY: "10000/1m", RATE_LIMIT_STATUS: "10000/1m",
  }));
});
after(async () => {
  await edge?.stop();
  await sandbox?.stop();
});

const GOOD = { phone: "+31612345678", consent: true };
const json = (value) => JSON.stringify(value);
const body = (overrides) => json({ ...GOOD, ...overrides });

/** [name, request init (path defaults to POST /api/callback), status, code, field?] */
const cases = [];
const add = (name, init, status, code, field) => cases.push([name, init, status, code, field]);
const callback = (raw, headers = {}) => ({ method: "POST", headers: browser(headers), body: raw });

// Broken JSON.
for (const raw of ["", "{", "}", "[]", "null", "1", "\"+31612345678\"", "{\"phone\":}",
  "{'phone':'+31612345678'}", "{\"phone\":\"+31612345678\",}", "{\"phone\":NaN}", "{\"phone\":\"+3161\u0000\"",
  "\u0000", "\ufeff{\"phone\":\"+31612345678\",\"consent\":true}", "{\"phone\":\"+31612345678\" \"consent\":true}"]) {
  add(`malformed JSON ${json(raw).slice(0, 40)}`, callback(raw), 400, "invalid_json");
}
// Deeply nested and duplicate keys.
add("nested 200 deep", callback(`{"phone":${"[".repeat(200)}${"]".repeat(200)}}`), 400, "invalid_json");
add("nested objects 1000 deep", callback(`${"{\"a\":".repeat(1000)}1${"}".repeat(1000)}`), 400, "invalid_json");
add("duplicate phone key", callback("{\"phone\":\"+31612345678\",\"phone\":\"+319001234567\",\"consent\":true}"), 400, "invalid_json");
add("duplicate consent key", callback("{\"phone\":\"+31612345678\",\"consent\":false,\"consent\":true}"), 400, "invalid_json");
// Oversized.
add("9 KiB declared", callback(body({ note: "x".repeat(9000) })), 413, "body_too_large");
add("8 KiB + 1 of spaces", callback(body({}) + " ".repeat(8 * 1024)), 413, "body_too_large");
add("8 KiB + 1 in one note", callback(body({ note: "é".repeat(4100) })), 413, "body_too_large");
// Wrong types.
for (const [field, value, code] of [
  ["phone", 31612345678, "invalid_json"], ["phone", ["+31612345678"], "invalid_json"], ["phone", { e164: "+31612345678" }, "invalid_json"],
  ["phone", true, "invalid_json"], ["consent", "true", "invalid_json"], ["consent", 1, "invalid_json"],
  ["agent", 5, "invalid_json"], ["name", ["Ada"], "invalid_json"], ["note", { text: "hi" }, "invalid_json"],
  ["locale", 31, "invalid_json"], ["turnstile_token", 7, "invalid_json"], ["consent", null, null],
]) {
  if (code) add(`${field} as ${json(value)}`, callback(body({ [field]: value })), 400, code);
}
add("consent null is no consent", callback(body({ consent: null })), 400, "consent_required", "consent");
add("consent false", callback(body({ consent: false })), 400, "consent_required", "consent");
add("no phone", callback(json({ consent: true })), 400, "phone_missing", "phone");
add("phone null", callback(body({ phone: null })), 400, "phone_missing", "phone");
// Lookalike and non-ASCII digits.
for (const [script, zero] of [["fullwidth", 0xff10], ["Arabic-Indic", 0x660], ["Eastern Arabic", 0x6f0],
  ["Devanagari", 0x966], ["Bengali", 0x9e6], ["Thai", 0xe50], ["mathematical bold", 0x1d7ce]]) {
  const digits = [..."612345678"].map((d) => String.fromCodePoint(zero + Number(d))).join("");
  add(`${script} digits`, callback(body({ phone: `+31${digits}` })), 400, "phone_non_ascii_digit", "phone");
}
for (const [name, phone, code] of [
  ["letter O for zero", "+31612345O78", "phone_invalid_character"], ["letter l for one", "+3l612345678", "phone_invalid_character"],
  ["superscript two", "+31612345\u00b278", "phone_non_ascii_digit"], ["fullwidth plus", "\uff0b31612345678", "phone_missing_plus"],
  ["small plus", "\ufe6231612345678", "phone_missing_plus"], ["circled one", "+3\u2460612345678", "phone_non_ascii_digit"],
]) add(name, callback(body({ phone })), 400, code, "phone");
// Control, separator, bidi and invisible characters in the visitor's text.
for (let c = 0; c < 32; c++) {
  if (c === 10) continue; // a line break is allowed in a note
  add(`name with U+${c.toString(16).padStart(4, "0")}`, callback(body({ name: `Ada${String.fromCharCode(c)}x` })), 400, "text_control_character", "name");
}
add("note with DEL", callback(body({ note: "hi\u007f" })), 400, "text_control_character", "note");
// U+0085 is also Unicode whitespace: at either end it is trimmed away, so
// only inside the text does it reach the rule.
add("note with C1 control", callback(body({ note: "hi\u0085there" })), 400, "text_control_character", "note");
for (const c of ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]) {
  add(`note with bidi U+${c.codePointAt(0).toString(16)}`, callback(body({ note: `call${c}me` })), 400, "text_bidi_override", "note");
}
for (const c of ["\u2028", "\u2029", "\u200b", "\u2060", "\ufeff", "\u00ad", "\u{e0041}", "\u{e0069}\u{e0067}", "\u{e0100}", "\u3164", "\u180e"]) {
  add(`name with invisible U+${c.codePointAt(0).toString(16)}`, callback(body({ name: `Ada${c}L` })), 400, "text_invisible_character", "name");
}
add("name too long", callback(body({ name: "A".repeat(81) })), 400, "text_too_long", "name");
add("note too long", callback(body({ note: "n".repeat(501) })), 400, "text_too_long", "note");
add("name of spaces", callback(body({ name: "   " })), 400, "text_empty", "name");
// E.164 edge cases.
for (const [phone, code] of [
  ["", "phone_empty"], ["+", "phone_no_digits"], ["+0612345678", "phone_leading_zero"], ["0612345678", "phone_missing_plus"],
  ["0031612345678", "phone_missing_plus"], ["+31 612345678", "phone_contains_whitespace"], [" +31612345678", "phone_missing_plus"],
  ["+31-612-345-678", "phone_invalid_character"], ["++31612345678", "phone_invalid_character"], ["+1234567890123456", "phone_too_long"],
  ["+31612345678\n", "phone_contains_whitespace"], ["+31(6)12345678", "phone_invalid_character"],
  ["+1", "invalid_phone"], ["+31", "invalid_phone"], ["+3161234", "invalid_phone"], ["+999123456789", "invalid_phone"],
  ["+310012345678", "invalid_phone"], ["+3100612345678", "invalid_phone"], ["+800 12345678".replace(" ", ""), "invalid_phone"],
  ["+447700900123", "invalid_phone"],
]) {
  const status = 400;
  add(`E.164 ${json(phone)}`, callback(body({ phone })), status, code, "phone");
}
// Numbers that cost money, in every allowed country (examples from the
// libphonenumber metadata the edge is tested against).
for (const phone of ["+319061234", "+319001234567", "+31909123456", "+3290012345", "+3278791234",
  "+449012345678", "+448431234567", "+447012345678", "+448001234567", "+31800123456", "+3280012345",
  "+3114020", "+31662345678", "+447640123456", "+445512345678"]) {
  add(`costly or special ${phone}`, callback(body({ phone })), 403, "number_type_not_allowed", "phone");
}
// Countries not allowed (NL, BE and GB are).
for (const phone of ["+12015550123", "+4915123456789", "+33612345678", "+393123456789", "+61412345678",
  "+819012345678", "+2348031234567", "+8613812345678", "+447911123456", "+447624123456"]) {
  add(`country of ${phone}`, callback(body({ phone })), 403, "country_not_allowed", "phone");
}
// Steering fields: nobody but configuration picks the agent or its words.
for (const field of ["agent_id", "first_message", "context", "destination", "metadata", "system_prompt", "assistant", "__proto__"]) {
  add(`steering field ${field}`, callback(`{"phone":"+31612345678","consent":true,${json(field)}:"say hi"}`), 400, "invalid_json");
}
add("agent by UUID", callback(body({ agent: "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01" })), 400, "agent_too_long", "agent");
add("unknown agent alias", callback(body({ agent: "admin" })), 400, "agent_unknown", "agent");
// Header tricks.
add("no Origin", { method: "POST", headers: { "Content-Type": "application/json" }, body: body({}) }, 403, "origin_required");
add("foreign Origin", callback(body({}), { Origin: "https://evil.example" }), 403, "origin_not_allowed");
add("Origin null", callback(body({}), { Origin: "null" }), 403, "origin_not_allowed");
add("Origin with path", callback(body({}), { Origin: `${ORIGIN}/x` }), 403, "origin_not_allowed");
add("Origin on another port", callback(body({}), { Origin: `${ORIGIN}:8443` }), 403, "origin_not_allowed");
add("Origin over http", callback(body({}), { Origin: ORIGIN.replace("https", "http") }), 403, "origin_not_allowed");
add("Origin as a subdomain", callback(body({}), { Origin: ORIGIN.replace("://", "://evil.") }), 403, "origin_not_allowed");
add("Origin as a suffix", callback(body({}), { Origin: `${ORIGIN}.evil.example` }), 403, "origin_not_allowed");
add("X-Forwarded-For does not stand in for Origin", { method: "POST", headers: { "Content-Type": "application/json", "X-Forwarded-For": "1.2.3.4", "CF-Connecting-IP": "1.2.3.4" }, body: body({}) }, 403, "origin_required");
add("same-origin claim from a server", { method: "POST", headers: { "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site" }, body: body({}) }, 403, "origin_required");
for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/jsonp", "json", ""]) {
  add(`Content-Type ${json(type)}`, callback(body({}), { "Content-Type": type }), 415, "unsupported_media_type");
}
add("bad Idempotency-Key", callback(body({}), { "Idempotency-Key": "short" }), 400, "idempotency_key_invalid");
add("Idempotency-Key with spaces", callback(body({}), { "Idempotency-Key": "not a valid key at all" }), 400, "idempotency_key_invalid");
// Tickets of every broken kind.
const status = (ticket, headers = {}) => ({ path: "/api/callback/status", method: "GET", headers: { Origin: ORIGIN, ...(ticket === undefined ? {} : { Authorization: ticket }), ...headers } });
const real = mintTicket("call-outbound-abc123", Date.now());
// Each tampered ticket differs from the real one, always (a replace that
// matches nothing, or a character replaced by itself, would test nothing).
const tampered = {
  v2: real.replace(/^v1\./, "v2."),
  // One significant character of the MAC changed, so that its bytes change
  // (replacing the last two with "AA" left it equal whenever the MAC's last
  // byte was 0: 1 in 256).
  mac: tamperChar(real, -10),
  longerLife: real.replace(/\.(\d+)\.([^.]+)$/, (_, e, m) => `.${Number(e) + 1e9}.${m}`),
  otherCall: real.replace(/^v1\.[^.]+/, "v1.Y2FsbC1vdXRib3VuZC14eXo"),
};
for (const [name, value] of Object.entries(tampered)) assert.notEqual(value, real, `tampered ${name}`);
for (const [name, header, code] of [
  ["no ticket", undefined, "ticket_missing"], ["empty ticket (trimmed to a bare scheme)", "Ticket ", "ticket_missing"], ["Bearer scheme", `Bearer ${real}`, "ticket_missing"],
  ["garbage", "Ticket nonsense", "ticket_invalid"], ["four parts", "Ticket v1.a.b.c", "ticket_invalid"], ["v2", `Ticket ${tampered.v2}`, "ticket_invalid"],
  ["tampered mac", `Ticket ${tampered.mac}`, "ticket_invalid"], ["another secret", `Ticket ${mintTicket("call-outbound-abc123", Date.now(), 3_600_000, "another-secret-another-secret-0123456789")}`, "ticket_invalid"],
  ["expired", `Ticket ${mintTicket("call-outbound-abc123", Date.now() - 7_200_000, 3_600_000)}`, "ticket_invalid"],
  ["longer life, same mac", `Ticket ${tampered.longerLife}`, "ticket_invalid"],
  ["another call, same mac", `Ticket ${tampered.otherCall}`, "ticket_invalid"],
]) add(`ticket: ${name}`, status(header), 401, code);
add("status from a server", { path: "/api/callback/status", method: "GET", headers: { Authorization: `Ticket ${real}` } }, 403, "origin_required");
add("status by call id in the URL", { path: "/api/callback/call-outbound-abc123", method: "GET", headers: { Origin: ORIGIN, Authorization: `Ticket ${real}` } }, 404, "not_found");
// Portal tokens of every broken kind.
const calls = (token) => ({ path: "/api/calls", method: "GET", headers: token === undefined ? {} : { Authorization: token } });
const claims = (extra = {}) => ({ exp: nowSeconds() + 600, scope: "calls:read", ...extra });
for (const [name, header, code] of [
  ["no token", undefined, "token_missing"], ["Basic scheme", "Basic dXNlcjpwYXNz", "token_missing"],
  ["not a JWT", "Bearer abc", "token_malformed"], ["alg none", `Bearer ${mintToken(claims(), "", { alg: "none" })}`, "token_wrong_algorithm"],
  ["alg HS512", `Bearer ${mintToken(claims(), undefined, { alg: "HS512" })}`, "token_wrong_algorithm"],
  ["RS256 header", `Bearer ${mintToken(claims(), undefined, { alg: "RS256" })}`, "token_wrong_algorithm"],
  ["another secret", `Bearer ${mintToken(claims(), "another-secret-another-secret-0123456789")}`, "token_bad_signature"],
  ["expired", `Bearer ${mintToken(claims({ exp: nowSeconds() - 120 }))}`, "token_expired"],
  ["no scope", `Bearer ${mintToken(claims({ scope: undefined }))}`, "token_missing_scope"],
  ["phone null", `Bearer ${mintToken(claims({ phone: null }))}`, "token_bad_claim"],
  ["phone as number", `Bearer ${mintToken(claims({ phone: 31612345678 }))}`, "token_bad_claim"],
  ["phone national", `Bearer ${mintToken(claims({ phone: "0612345678" }))}`, "token_bad_claim"],
  ["agent null", `Bearer ${mintToken(claims({ agent: null }))}`, "token_bad_claim"],
  ["agent empty", `Bearer ${mintToken(claims({ agent: "" }))}`, "token_bad_claim"],
  ["a year long", `Bearer ${mintToken(claims({ exp: nowSeconds() + 365 * 86400 }))}`, "token_lifetime_too_long"],
  ["for another audience", `Bearer ${mintToken(claims({ aud: "billing" }))}`, "token_wrong_audience"],
]) add(`token: ${name}`, calls(header), 401, code);

test(`${cases.length} hostile requests are refused as documented and cost 0 platform calls`, async () => {
  assert.ok(cases.length >= 150, `only ${cases.length} cases`);
  const before = (await sandbox.requests("/")).length;
  const wrong = [];
  for (const [name, init, expectedStatus, expectedCode, expectedField] of cases) {
    const { path = "/api/callback", ...rest } = init;
    const response = await edge.fetch(path, rest);
    const text = await response.text();
    let parsed = {};
    try { parsed = JSON.parse(text); } catch { /* reported below */ }
    const code = parsed.error?.code;
    if (response.status !== expectedStatus || code !== expectedCode
      || (expectedField !== undefined && parsed.error?.field !== expectedField)) {
      wrong.push(`${name}: ${response.status} ${code} ${parsed.error?.field ?? ""} (expected ${expectedStatus} ${expectedCode} ${expectedField ?? ""})`);
    }
    assert.ok(!text.includes(API_KEY), `${name}: the key leaked`);
  }
  assert.deepEqual(wrong, []);
  assert.equal((await sandbox.requests("/")).length, before, "a hostile request reached the platform");
  console.log(`# ${cases.length} hostile requests, 0 platform calls`);
});
