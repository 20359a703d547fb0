// A portal token's `agent` claim in workerd: an alias of AGENTS (as the
// widget's `agent` attribute and the bookings name agents), meaning the
// same on /api/calls, /api/scheduled and live call control. The platform's
// calls arrive in the record by the reconciling run with their `agent_id`,
// which AGENTS maps to the alias; calls callme placed keep the alias they
// were placed with. A platform agent name is no alias: 401, not an empty
// history.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ORIGIN, browser, callbackBody, mintToken, nowSeconds, settings, startEdge, startSandbox, waitFor } from "./support.mjs";

let sandbox;
let edge;
before(async () => {
  sandbox = await startSandbox();
  edge = await startEdge(settings(sandbox.url, { RATE_LIMIT_HISTORY: "10000/1m" }));
  await edge.cron();
});
after(async () => {
  await edge?.stop();
  await sandbox?.stop();
});

const token = (claims) => mintToken({ exp: nowSeconds() + 600, scope: "calls:read", ...claims });
const get = async (route, claims) => edge.fetch(route, { headers: { Authorization: `Bearer ${token(claims)}` } });
const history = async (claims) => {
  const response = await get("/api/calls?limit=1000", claims);
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
};
const scheduled = async (claims) => {
  const response = await get("/api/scheduled", claims);
  assert.equal(response.status, 200);
  return (await response.json()).scheduled;
};

test("an alias reads the platform's calls of the agent AGENTS maps it to", async () => {
  const everything = await history({});
  for (const [alias, name] of [["support", "Customer Support"], ["sales", "Sales"], ["SALES", "Sales"]]) {
    const body = await history({ agent: alias });
    const expected = everything.calls.filter((c) => c.agent_name === name).length;
    assert.ok(expected > 0, `the sandbox has ${name} calls`);
    assert.equal(body.pagination.total, expected, `${alias}: every call of ${name}, and only those`);
    assert.ok(body.calls.every((c) => c.agent_name === name), alias);
  }
});

test("a platform agent name, an agent id or an unknown alias is refused on every portal route", async () => {
  for (const agent of ["Customer Support", "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01", "ceo"]) {
    const claims = { agent, scope: "calls:read calls:control" };
    for (const [route, init] of [
      ["/api/calls", {}],
      ["/api/scheduled", {}],
      ["/api/calls/call-x/control", { method: "POST", body: JSON.stringify({ type: "end-call" }), headers: { "Content-Type": "application/json" } }],
    ]) {
      const response = await edge.fetch(route, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token(claims)}` } });
      assert.equal(response.status, 401, `${agent} on ${route}`);
      assert.equal((await response.json()).error.code, "token_bad_claim", `${agent} on ${route}`);
    }
  }
});

test("one token's agent means the same call on /api/calls and booking on /api/scheduled", async () => {
  const placed = await edge.fetch("/api/callback", {
    method: "POST", headers: browser(), body: callbackBody({ phone: "+31612345671", agent: "sales" }),
  });
  assert.equal(placed.status, 202);
  const { call_id: callId } = await placed.json();
  const offered = (await (await edge.fetch("/api/slots", { headers: { Origin: ORIGIN } })).json()).slots;
  const booked = await edge.fetch("/api/callback", {
    method: "POST", headers: browser(), body: callbackBody({ phone: "+31612345672", agent: "sales", at: offered[4] }),
  });
  assert.equal(booked.status, 202);

  // The record's row is written just after the platform accepted the call.
  await waitFor(async () => (await history({ agent: "sales" })).calls.some((c) => c.id === callId), 5_000, "the placed call in the record");
  assert.ok(!(await history({ agent: "support" })).calls.some((c) => c.id === callId));
  assert.deepEqual((await scheduled({ agent: "sales" })).map((b) => [b.phone, b.agent]), [["+31612345672", "sales"]]);
  assert.deepEqual(await scheduled({ agent: "support" }), []);
});
