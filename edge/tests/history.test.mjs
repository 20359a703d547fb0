// GET /api/calls in workerd with the sandbox as upstream: portal tokens
// (valid, expired, wrong signature, wrong scope, another phone), query
// validation, the limit cap, and a restriction the platform cannot filter
// by, which the call record answers (filled by one reconciling run).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { API_KEY, ORIGIN, mintToken, nowSeconds, settings, startEdge, startSandbox } from "./support.mjs";

let sandbox;
let edge;
before(async () => {
  // 900 demo calls: one reconciling list (1000 at most) brings them all.
  sandbox = await startSandbox(["--demo-calls", "900"]);
  // Many requests below share one token: the per-token limit is not under
  // test here (abuse.test.mjs tests it), nor is the platform budget.
  edge = await startEdge(settings(sandbox.url, {
    HISTORY_MAX_LIMIT: "100", RATE_LIMIT_HISTORY: "10000/1m", PLATFORM_RATE_LIMIT: "10000/1m",
  }));
  await edge.cron();
});
after(async () => {
  await edge?.stop();
  await sandbox?.stop();
});

const token = (claims = {}) => mintToken({ exp: nowSeconds() + 600, scope: "calls:read", ...claims });
const calls = (query, bearer, headers = {}) =>
  edge.fetch(`/api/calls${query}`, { headers: { Authorization: `Bearer ${bearer}`, ...headers } });

async function listCount() {
  return (await sandbox.requests("/calls")).filter((r) => r.method === "GET").length;
}

test("a valid token reads the history in the platform's shape", async () => {
  const response = await calls("?limit=20&status=ended", token());
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.calls.length, 20);
  assert.ok(body.calls.every((c) => c.status === "ended"));
  assert.equal(body.pagination.limit, 20);
  assert.ok(body.pagination.total > 20);
  for (const key of ["id", "caller_phone", "status", "summary", "agent_name", "created_at"]) assert.ok(key in body.calls[0], key);
});

test("server-to-server requests without Origin are accepted with a token", async () => {
  assert.equal((await calls("", token())).status, 200);
  const withOrigin = await calls("", token(), { Origin: ORIGIN });
  assert.equal(withOrigin.headers.get("access-control-allow-origin"), ORIGIN);
  assert.equal(withOrigin.headers.get("vary"), "Origin");
});

test("the limit is capped at HISTORY_MAX_LIMIT", async () => {
  const body = await (await calls("?limit=1000", token())).json();
  assert.equal(body.calls.length, 100);
  assert.equal(body.pagination.limit, 100);
});

test("bad tokens are 401 and cost no platform call", async () => {
  const before = await listCount();
  const cases = [
    [null, "token_missing"],
    ["not.a.jwt", "token_malformed"],
    // 60 s of clock leeway: a minute past exp is expired.
    [token({ exp: nowSeconds() - 61 }), "token_expired"],
    [token({ nbf: nowSeconds() + 120 }), "token_not_yet_valid"],
    // Restrictions fail closed: null, another type or no E.164 is 401,
    // never "sees everything".
    [token({ phone: null }), "token_bad_claim"],
    [token({ phone: 31612345678 }), "token_bad_claim"],
    [token({ phone: "0612345678" }), "token_bad_claim"],
    [token({ agent: null }), "token_bad_claim"],
    [token({ agent: ["Sales"] }), "token_bad_claim"],
    [token({ exp: String(nowSeconds() + 600) }), "token_bad_claim"],
    // Longer than PORTAL_TOKEN_MAX_TTL (24 h), from iat or from now.
    [token({ exp: nowSeconds() + 25 * 3600 }), "token_lifetime_too_long"],
    [token({ iat: nowSeconds() - 24 * 3600, exp: nowSeconds() + 600 }), "token_lifetime_too_long"],
    // An audience the edge is not in (none is configured here).
    [token({ aud: "billing" }), "token_wrong_audience"],
    [mintToken({ exp: nowSeconds() + 600, scope: "calls:read" }, "another-secret"), "token_bad_signature"],
    [token({ scope: "calls:write" }), "token_missing_scope"],
    [mintToken({ exp: nowSeconds() + 600, scope: "calls:read" }, "", { alg: "none" }), "token_wrong_algorithm"],
  ];
  for (const [bearer, code] of cases) {
    const response = bearer === null ? await edge.fetch("/api/calls") : await calls("", bearer);
    assert.equal(response.status, 401, code);
    const body = await response.json();
    assert.equal(body.error.code, code);
    assert.ok(!JSON.stringify(body).includes(API_KEY));
  }
  assert.equal(await listCount(), before);
});

test("bad queries are 400 with the parameter, and cost no platform call", async () => {
  const before = await listCount();
  for (const [query, field] of [
    ["?limit=0", "limit"], ["?limit=abc", "limit"], ["?offset=-1", "offset"], ["?status=dialing", "status"],
    ["?start_date=yesterday", "start_date"],
    ["?start_date=2025-12-13T00:00:00Z&end_date=2025-12-12T00:00:00Z", "start_date"],
  ]) {
    const response = await calls(query, token());
    assert.equal(response.status, 400, query);
    assert.equal((await response.json()).error.field, field, query);
  }
  assert.equal(await listCount(), before);
});

test("a phone-restricted token sees only that phone's calls, with a correct total, at no platform cost", async () => {
  const everything = await (await calls("?limit=100", token())).json();
  const phone = everything.calls.find((c) => c.caller_phone.startsWith("+316")).caller_phone;
  const before = await listCount();
  const body = await (await calls("?limit=100", token({ phone }))).json();
  assert.equal((await listCount()) - before, 0, "a restricted page reads the call record");
  assert.ok(body.calls.length > 0);
  assert.ok(body.calls.every((c) => c.caller_phone === phone), "another caller's call leaked");
  // The total equals what an unrestricted reader counts for that phone on
  // the platform.
  const platform = [];
  for (let offset = 0; offset < 900; offset += 100) {
    const page = await (await calls(`?limit=100&offset=${offset}`, token())).json();
    platform.push(...page.calls.filter((c) => c.caller_phone === phone));
  }
  assert.equal(body.pagination.total, platform.length);
  // The same calls, newest first, with the platform's fields.
  assert.deepEqual(body.calls.map((c) => c.id), platform.slice(0, 100).map((c) => c.id));
  const first = platform.find((c) => c.id === body.calls[0].id);
  for (const key of ["status", "summary", "agent_name", "duration_seconds", "created_at"]) {
    assert.deepEqual(body.calls[0][key], first[key], key);
  }
  const other = await (await calls("?limit=100", token({ phone: "+31000000000" }))).json();
  assert.deepEqual(other.calls, []);
  assert.equal(other.pagination.total, 0);
});

test("a restricted page is served from the record even when the platform budget is spent", async () => {
  const spent = await startEdge(settings(sandbox.url, { PLATFORM_RATE_LIMIT: "2/1m", PLATFORM_RESERVE: "1", RATE_LIMIT_HISTORY: "10000/1m" }));
  try {
    await spent.cron(); // the one read the budget allows
    const unrestricted = await spent.fetch("/api/calls?limit=5", { headers: { Authorization: `Bearer ${token()}` } });
    assert.equal(unrestricted.status, 200, "out of budget, an unrestricted page falls back to the record");
    const before = await listCount();
    const body = await (await spent.fetch("/api/calls?limit=5&status=failed", { headers: { Authorization: `Bearer ${token({ agent: "Sales" })}` } })).json();
    assert.equal((await listCount()) - before, 0);
    assert.ok(body.calls.length > 0 && body.calls.every((c) => c.agent_name === "Sales" && c.status === "failed"));
  } finally {
    await spent.stop();
  }
});

test("an agent-restricted token sees only that agent's calls", async () => {
  const body = await (await calls("?limit=50&status=failed", token({ agent: "Sales" }))).json();
  assert.ok(body.calls.length > 0);
  assert.ok(body.calls.every((c) => c.agent_name === "Sales" && c.status === "failed"));
});

test("an upstream failure is 502, never the platform's body", async () => {
  await sandbox.fault({ status: 500, times: 1, path: "/calls" });
  const response = await calls("", token());
  assert.equal(response.status, 502);
  assert.equal((await response.json()).error.code, "upstream_error");
});

const summary = (query, bearer) =>
  edge.fetch(`/api/calls/summary${query}`, { headers: { Authorization: `Bearer ${bearer}` } });

/** Every call the platform lists under `query` (its pages read in turn). */
async function everyCall(query = "", bearer = token()) {
  const all = [];
  for (let offset = 0; ; offset += 100) {
    const page = await (await calls(`?limit=100&offset=${offset}${query}`, bearer)).json();
    all.push(...page.calls);
    if (page.calls.length < 100) return all;
  }
}

/** Calls per local day of `zone` by outcome, counted by Node's ICU: the
 * independent reading the edge's summary must agree with. */
function perDay(list, zone) {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
  const days = new Map();
  for (const call of list) {
    const key = day.format(new Date(call.created_at));
    const entry = days.get(key) ?? { ended: 0, failed: 0, other: 0 };
    const failed = ["failed", "ended-with-error", "rejected", "insufficient-credits"].includes(call.status);
    entry[call.status === "ended" ? "ended" : failed ? "failed" : "other"] += 1;
    days.set(key, entry);
  }
  return days;
}

test("the summary counts the whole history per day of the reader's zone, as ICU does, at no platform cost", async () => {
  const list = await everyCall();
  assert.equal(list.length, 900);
  const before = await listCount();
  for (const zone of ["Asia/Kathmandu", "America/New_York", "Pacific/Chatham"]) {
    const response = await summary(`?tz=${encodeURIComponent(zone)}`, token());
    assert.equal(response.status, 200, zone);
    const body = await response.json();
    assert.equal(body.zone, zone);
    assert.equal(body.total, 900, zone);
    const expected = perDay(list, zone);
    const drawn = body.days.filter((d) => d.ended + d.failed + d.other > 0);
    assert.deepEqual(
      Object.fromEntries(drawn.map((d) => [d.day, { ended: d.ended, failed: d.failed, other: d.other }])),
      Object.fromEntries(expected),
      zone,
    );
    // Every day from the first call's to today, one after another.
    const first = [...expected.keys()].sort()[0];
    assert.equal(body.days[0].day, first, zone);
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
    assert.equal(body.days.at(-1).day, today, zone);
    for (let i = 1; i < body.days.length; i++) {
      const step = Date.parse(`${body.days[i].day}T00:00:00Z`) - Date.parse(`${body.days[i - 1].day}T00:00:00Z`);
      assert.equal(step, 86_400_000, `${zone}: ${body.days[i - 1].day} then ${body.days[i].day}`);
    }
  }
  assert.equal(await listCount(), before, "the summary reads the record only");
});

test("the summary takes the history's filters and the token's restriction", async () => {
  const list = await everyCall();
  const days = [...new Set(list.map((c) => c.created_at.slice(0, 10)))].sort();
  assert.ok(days.length >= 3, "the demo calls span days");
  const [from, to] = [days[1], days.at(-2)];
  const range = `&start_date=${from}T00:00:00Z&end_date=${to}T23:59:59.999Z`;
  const cases = [
    [`?tz=UTC&status=failed${range}`, token(), `&status=failed${range}`],
    [`?tz=UTC${range}`, token({ agent: "Sales" }), range],
  ];
  const phone = list.find((c) => c.caller_phone.startsWith("+316")).caller_phone;
  cases.push(["?tz=UTC", token({ phone }), ""]);
  for (const [query, bearer, listQuery] of cases) {
    const body = await (await summary(query, bearer)).json();
    const expected = await (await calls(`?limit=1${listQuery}`, bearer)).json();
    assert.ok(expected.pagination.total > 0, query);
    assert.equal(body.total, expected.pagination.total, query);
    assert.equal(body.days.reduce((n, d) => n + d.ended + d.failed + d.other, 0), body.total, query);
  }
  // A range is drawn whole: its first and last days, calls or not.
  const body = await (await summary(`?tz=UTC${range}`, token())).json();
  assert.deepEqual([body.days[0].day, body.days.at(-1).day], [from, to]);
  const failedOnly = await (await summary(`?tz=UTC&status=failed`, token())).json();
  assert.ok(failedOnly.total > 0);
  assert.ok(failedOnly.days.every((d) => d.ended === 0 && d.other === 0), "a status filter counts that status only");
  const endedOnly = await (await summary(`?tz=UTC&status=ended`, token())).json();
  assert.ok(endedOnly.total > 0 && endedOnly.days.every((d) => d.failed === 0 && d.other === 0));
  // Without tz, the site's zone.
  const site = await (await summary("", token())).json();
  assert.equal(site.zone, "UTC");
  assert.equal(site.total, 900);
});

test("a bad summary query or token is refused with its reason, at no platform cost", async () => {
  const before = await listCount();
  for (const [query, bearer, status, code, field] of [
    ["?tz=Mars/Olympus_Mons", token(), 400, "time_zone_unknown", "tz"],
    ["?tz=..%2Fetc", token(), 400, "time_zone_unknown", "tz"],
    ["?tz=Europe%2FAmsterdam%00", token(), 400, "time_zone_unknown", "tz"],
    ["?limit=10", token(), 400, "unknown_parameter", undefined],
    ["?tz=UTC&tz=UTC", token(), 400, "repeated_parameter", "tz"],
    ["?status=dialing", token(), 400, "status_unknown", "status"],
    ["?tz=UTC", token({ scope: "calls:write" }), 401, "token_missing_scope", undefined],
    ["?tz=UTC", token({ agent: "Nobody" }), 401, "token_bad_claim", undefined],
  ]) {
    const response = await summary(query, bearer);
    assert.equal(response.status, status, query);
    const { error } = await response.json();
    assert.equal(error.code, code, query);
    assert.equal(error.field, field, query);
  }
  assert.equal((await edge.fetch("/api/calls/summary")).status, 401);
  assert.equal((await edge.fetch("/api/calls/summary", { method: "POST" })).status, 405);
  assert.equal(await listCount(), before);
});

test("a token with calls:erase erases one number's calls from the record, and nothing else", async () => {
  const everything = await (await calls("?limit=100", token())).json();
  const phone = everything.calls.find((c) => c.caller_phone.startsWith("+316")).caller_phone;
  const erase = (query, bearer) => edge.fetch(`/api/calls${query}`, { method: "DELETE", headers: { Authorization: `Bearer ${bearer}` } });
  const before = (await edge.records()).length;
  const mine = (await edge.records()).filter((r) => r.phone === phone).length;
  assert.ok(mine > 0);
  assert.notEqual(phone, "+31699999999", "the other number is another number");
  // Refused, each changing nothing: no scope, no number, a bad number, a
  // token restricted to another number.
  for (const [query, bearer, status, code] of [
    [`?phone=${encodeURIComponent(phone)}`, token(), 403, "token_scope"],
    ["", token({ scope: "calls:read calls:erase" }), 400, "phone_missing"],
    ["?phone=0612345678", token({ scope: "calls:read calls:erase" }), 400, "phone_missing_plus"],
    [`?phone=${encodeURIComponent(phone)}&phone=%2B31699999999`, token({ scope: "calls:read calls:erase" }), 400, "unknown_parameter"],
    [`?phone=${encodeURIComponent(phone)}`, token({ scope: "calls:read calls:erase", phone: "+31699999999" }), 403, "token_scope"],
  ]) {
    const response = await erase(query, bearer);
    assert.equal(response.status, status, query);
    assert.equal((await response.json()).error.code, code, query);
  }
  assert.equal((await edge.records()).length, before, "a refusal erases nothing");
  const platformBefore = await listCount();
  const response = await erase(`?phone=${encodeURIComponent(phone)}`, token({ scope: "calls:read calls:erase" }));
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { erased: mine });
  assert.equal((await edge.records()).length, before - mine);
  assert.ok((await edge.records()).every((r) => r.phone !== phone));
  const after = await (await calls("?limit=100", token({ phone }))).json();
  assert.deepEqual([after.calls, after.pagination.total], [[], 0]);
  assert.equal(await listCount(), platformBefore, "erasing costs no platform request");
});
