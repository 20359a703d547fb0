// GET /api/calls in workerd with the sandbox as upstream: portal tokens
// (valid, expired, wrong signature, wrong scope, another phone), query
// validation, the limit cap, and a restriction the platform cannot filter by.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { API_KEY, ORIGIN, mintToken, nowSeconds, settings, startEdge, startSandbox } from "./support.mjs";

let sandbox;
let edge;
before(async () => {
  // 1500 demo calls, so a restricted token needs more than one platform page.
  sandbox = await startSandbox(["--demo-calls", "1500"]);
  // Many requests below share one token: the per-token limit is not under
  // test here (abuse.test.mjs tests it).
  edge = await startEdge(settings(sandbox.url, { HISTORY_MAX_LIMIT: "100", RATE_LIMIT_HISTORY: "10000/1m" }));
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

test("a phone-restricted token sees only that phone's calls, with a correct total", async () => {
  const everything = await (await calls("?limit=100", token())).json();
  const phone = everything.calls.find((c) => c.caller_phone.startsWith("+316")).caller_phone;
  const before = await listCount();
  const body = await (await calls("?limit=100", token({ phone }))).json();
  const pages = (await listCount()) - before;
  assert.equal(pages, 2, "1500 platform calls are read in two pages of 1000");
  assert.ok(body.calls.length > 0);
  assert.ok(body.calls.every((c) => c.caller_phone === phone), "another caller's call leaked");
  // The total equals what an unrestricted reader counts for that phone.
  let expected = 0;
  for (let offset = 0; offset < 1500; offset += 100) {
    const page = await (await calls(`?limit=100&offset=${offset}`, token())).json();
    expected += page.calls.filter((c) => c.caller_phone === phone).length;
  }
  assert.equal(body.pagination.total, expected);
  const other = await (await calls("?limit=100", token({ phone: "+31000000000" }))).json();
  assert.deepEqual(other.calls, []);
  assert.equal(other.pagination.total, 0);
});

test("a restricted scan that reaches HISTORY_SCAN_MAX stops there and says so", async () => {
  const capped = await startEdge(settings(sandbox.url, { HISTORY_MAX_LIMIT: "100", HISTORY_SCAN_MAX: "1000" }));
  try {
    const everything = await (await calls("?limit=100", token())).json();
    const phone = everything.calls.find((c) => c.caller_phone.startsWith("+316")).caller_phone;
    const before = await listCount();
    const response = await capped.fetch("/api/calls?limit=100", { headers: { Authorization: `Bearer ${token({ phone })}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-callme-scan-truncated"), "true");
    assert.equal((await listCount()) - before, 1, "one page of 1000, not two");
    const body = await response.json();
    assert.ok(body.calls.every((c) => c.caller_phone === phone));
  } finally {
    await capped.stop();
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
