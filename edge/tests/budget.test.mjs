// The platform key's budget under load, in workerd against a sandbox that
// enforces the same budget as the platform: visitors placing calls and
// following them, portal users paging, all at once. The edge never makes
// the platform answer 429, every callback it admitted is placed, and what
// it refused is 503 `busy` with Retry-After, at no platform cost.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ORIGIN, browser, callbackBody, mintToken, nowSeconds, settings, startEdge, startSandbox } from "./support.mjs";

const LIMIT = 24;
const RESERVE = 8;
let sandbox;
let edge;
before(async () => {
  // The platform's budget is the edge's (a later flag wins over the test
  // default), counted per clock minute there and sliding here.
  sandbox = await startSandbox(["--rate-limit", `${LIMIT}/1m`, "--step-ms", "300"]);
  edge = await startEdge(settings(sandbox.url, {
    PLATFORM_RATE_LIMIT: `${LIMIT}/1m`, PLATFORM_RESERVE: String(RESERVE),
    STATUS_REFRESH_SECONDS: "1", RATE_LIMIT_HISTORY: "10000/1m",
  }));
});
after(async () => {
  await edge?.stop();
  await sandbox?.stop();
});

test(`30 visitors and 5 portal users stay inside a ${LIMIT}-a-minute budget and the calls get its reserve`, async () => {
  const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read" });
  const portal = async () => {
    const statuses = [];
    for (let page = 0; page < 8; page++) {
      const r = await edge.fetch(`/api/calls?limit=20&offset=${page * 20}`, { headers: { Authorization: `Bearer ${token}` } });
      statuses.push(r.status);
      await r.text();
    }
    return statuses;
  };
  const visitor = async (i) => {
    const r = await edge.fetch("/api/callback", {
      method: "POST",
      headers: browser({ "CF-Connecting-IP": `198.51.100.${i + 1}` }),
      body: callbackBody({ phone: `+3161234${String(7000 + i)}` }),
    });
    const body = await r.json();
    if (r.status !== 202) return { status: r.status, code: body.error.code, retry: r.headers.get("retry-after") };
    // Follow it for a few polls (lookups spend the reading budget).
    for (let k = 0; k < 10; k++) {
      const s = await edge.fetch("/api/callback/status", { headers: { Origin: ORIGIN, Authorization: `Ticket ${body.ticket}` } });
      assert.equal(s.status, 200, "a poll always answers, from the record when out of budget");
      await s.text();
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return { status: 202, id: body.call_id };
  };
  // The portal users start first and would spend everything if they could.
  const portals = Promise.all(Array.from({ length: 5 }, portal));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const visitors = await Promise.all(Array.from({ length: 30 }, (_, i) => visitor(i)));
  const pages = (await portals).flat();

  const budget = await sandbox.budget();
  console.log(`# platform used ${budget.used} of ${LIMIT}, refused ${budget.refused}; ` +
    `${visitors.filter((v) => v.status === 202).length} calls placed, ${visitors.filter((v) => v.code === "busy").length} busy; ` +
    `${pages.filter((s) => s === 200).length} portal pages`);
  assert.equal(budget.refused, 0, "the platform never had to refuse the edge");
  const placed = visitors.filter((v) => v.status === 202);
  const busy = visitors.filter((v) => v.status !== 202);
  assert.ok(busy.every((v) => v.status === 503 && v.code === "busy" && Number(v.retry) >= 1), JSON.stringify(busy));
  assert.ok(placed.length >= RESERVE, `the reserve went to calls: ${placed.length} placed`);
  const outbound = await sandbox.requests("/calls/outbound");
  assert.equal(outbound.length, placed.length, "every admitted callback placed, no refused one sent");
  assert.ok(pages.every((s) => s === 200), "portal pages answer from the record when the budget is spent");
});
