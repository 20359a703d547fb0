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

test("health answers ok without calling the platform", async () => {
  const response = await edge.fetch("/api/health");
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { ok: true });
  assert.equal((await sandbox.requests("/")).length, 0);
});

test("config lists what the widget needs", async () => {
  const response = await edge.fetch("/api/config", { headers: { Origin: ORIGIN } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("cache-control"), /max-age=60/);
  assert.deepEqual(await response.json(), {
    countries: ["NL", "BE", "GB"], default_country: "NL", agents: ["support", "sales", "retired"],
    turnstile_sitekey: null, consent_required: true, locales: ["en", "nl"],
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
  for (const [method, path] of [["POST", "/api/health"], ["DELETE", "/api/calls"], ["PUT", "/api/callback"]]) {
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
