// The small endpoints and CORS, in workerd: health, config, preflights,
// refused origins and methods.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ORIGIN, settings, startEdge, startSandbox } from "./support.mjs";

let sandbox;
let edge;
before(async () => {
  sandbox = await startSandbox();
  edge = await startEdge(settings(sandbox.url));
});
after(async () => {
  await edge?.stop();
  await sandbox?.stop();
});

test("health answers ok without calling the platform, and says the bot check is off", async () => {
  const response = await edge.fetch("/api/health");
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { ok: true, bot_check: "off" });
  assert.equal((await sandbox.requests("/")).length, 0);
  const first = edge.logs.find((l) => l.includes("isolate_start"));
  assert.ok(first, "the isolate's first log line reports its configuration");
  assert.deepEqual(JSON.parse(first).config, { ok: true, bot_check: "off" });
});

test("short signing secrets break only their routes: 500 misconfigured there, shown by health", async () => {
  const short = await startEdge(settings(sandbox.url, {
    TICKET_SECRET: "too-short-ticket-key", PORTAL_TOKEN_SECRET: "too-short-portal-key",
  }));
  try {
    const health = await short.fetch("/api/health");
    assert.equal(health.status, 503);
    const body = await health.json();
    assert.equal(body.ok, false);
    assert.deepEqual(body.problems.map((p) => p.split(" ")[0]), ["TICKET_SECRET", "PORTAL_TOKEN_SECRET"]);
    assert.ok(!JSON.stringify(body).includes("too-short"));
    assert.ok(short.logs.some((l) => l.includes("isolate_start") && l.includes("TICKET_SECRET")));
    // The public config still answers; the routes that sign or verify do not.
    assert.equal((await short.fetch("/api/config", { headers: { Origin: ORIGIN } })).status, 200);
    const before = (await sandbox.requests("/")).length;
    const callback = await short.fetch("/api/callback", {
      method: "POST", headers: { Origin: ORIGIN, "Content-Type": "application/json" },
      body: JSON.stringify({ phone: "+31612345678", consent: true }),
    });
    assert.equal(callback.status, 500);
    assert.equal((await callback.json()).error.code, "misconfigured");
    const calls = await short.fetch("/api/calls", { headers: { Authorization: "Bearer a.b.c" } });
    assert.equal(calls.status, 500);
    assert.equal((await calls.json()).error.code, "misconfigured");
    assert.equal((await sandbox.requests("/")).length, before, "no platform call");
  } finally {
    await short.stop();
  }
});

test("config lists what the widget needs", async () => {
  const response = await edge.fetch("/api/config", { headers: { Origin: ORIGIN } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("cache-control"), /max-age=60/);
  assert.deepEqual(await response.json(), {
    countries: ["NL", "BE", "GB"], calling_codes: ["31", "32", "44"], default_country: "NL", agents: ["support", "sales", "retired"],
    turnstile_sitekey: null, consent_required: true, locales: ["en", "nl"],
    hours: { time_zone: "UTC", open_now: true },
  });
});

test("a preflight from an allowed origin is answered 204 with the widget's headers", async () => {
  const response = await edge.fetch("/api/callback", {
    method: "OPTIONS",
    headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,idempotency-key" },
  });
  assert.equal(response.status, 204);
  assert.equal(response.headers.get("access-control-allow-origin"), ORIGIN);
  assert.match(response.headers.get("access-control-allow-methods"), /POST/);
  assert.match(response.headers.get("access-control-allow-headers"), /Idempotency-Key/);
  assert.equal(response.headers.get("vary"), "Origin");
});

test("another origin is refused, preflight or not, and never reflected", async () => {
  for (const method of ["OPTIONS", "GET"]) {
    const response = await edge.fetch("/api/config", { method, headers: { Origin: "https://evil.example" } });
    assert.equal(response.status, 403, method);
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    assert.equal(response.headers.get("vary"), "Origin");
    assert.equal((await response.json()).error.code, "origin_not_allowed");
  }
});

test("wrong methods are 405 with Allow", async () => {
  for (const [method, path] of [["POST", "/api/health"], ["DELETE", "/api/config"], ["PUT", "/api/callback"], ["GET", "/api/platform/events"]]) {
    const response = await edge.fetch(path, { method, headers: { Origin: ORIGIN } });
    assert.equal(response.status, 405, `${method} ${path}`);
    assert.ok(response.headers.get("allow"));
  }
});

test("a broken configuration is a 500 that names no value", async () => {
  const broken = await startEdge(settings(sandbox.url, { AGENTS: "support=not-a-uuid" }));
  try {
    const response = await broken.fetch("/api/health");
    assert.equal(response.status, 500);
    const body = await response.json();
    assert.equal(body.error.code, "misconfigured");
    assert.ok(!JSON.stringify(body).includes("not-a-uuid"));
    assert.ok(broken.logs.some((l) => l.includes("AGENTS is invalid")), "the log says which setting");
  } finally {
    await broken.stop();
  }
});
