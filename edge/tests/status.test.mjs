// Status polls in workerd answer from the call record: with events, many
// pollers follow their calls at no platform cost and see each change as it
// is delivered; without events, a quiet live call is looked up once per
// STATUS_REFRESH_SECONDS, however many polls ask. The sandbox moves every
// call through its stages on a fixed clock.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ORIGIN, browser, callbackBody, mintTicket, settings, startEdge, startSandbox } from "./support.mjs";

// One sandbox stage lasts STEP_MS: dialing, connecting, then in progress for
// two steps, then ended (sandbox/src/store.rs).
const STEP_MS = 1_000;
const POLL_EVERY_MS = 100;

let sandbox;
before(async () => {
  sandbox = await startSandbox(["--step-ms", String(STEP_MS)]);
});
after(async () => {
  await sandbox?.stop();
});

const platformReads = async () =>
  (await sandbox.requests("/calls")).filter((r) => r.method === "GET").length;

const poll = (edge, ticket) =>
  edge.fetch("/api/callback/status", { headers: { Origin: ORIGIN, Authorization: `Ticket ${ticket}` } });

/** Places `count` calls and polls each until it ends; returns when each status was first seen. */
async function follow(edge, count, firstPhone) {
  const calls = [];
  for (let i = 0; i < count; i++) {
    const response = await edge.fetch("/api/callback", {
      method: "POST",
      headers: browser({ "CF-Connecting-IP": `198.51.100.${i + 1}` }),
      body: callbackBody({ phone: `+3161234${String(firstPhone + i).padStart(4, "0")}` }),
    });
    assert.equal(response.status, 202, await response.clone().text());
    calls.push({ ...(await response.json()), seen: {} });
  }
  let polls = 0;
  const deadline = Date.now() + 30_000;
  await Promise.all(calls.map(async (call) => {
    while (!call.seen.ended && Date.now() < deadline) {
      const response = await poll(edge, call.ticket);
      polls++;
      assert.equal(response.status, 200, await response.clone().text());
      const { status } = await response.json();
      call.seen[status] ??= Date.now();
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
    }
  }));
  for (const call of calls) assert.ok(call.seen.ended, `${call.call_id} never ended: ${JSON.stringify(call.seen)}`);
  return { calls, polls };
}

test("20 pollers following their calls on events cost no platform read and see each change as it is delivered", async () => {
  const secret = "whsec-status-test-0123456789abcdef";
  const edge = await startEdge(settings(sandbox.url, { PLATFORM_WEBHOOK_SECRET: secret, STATUS_REFRESH_SECONDS: "3600" }));
  try {
    await sandbox.reset();
    await sandbox.webhook(`${edge.url}/api/platform/events`, secret);
    const before = await platformReads();
    const { calls, polls } = await follow(edge, 20, 100);
    const reads = (await platformReads()) - before;
    console.log(`# ${polls} polls of 20 calls made ${reads} platform reads`);
    assert.ok(polls > 20 * 20, `only ${polls} polls`);
    assert.equal(reads, 0, "every poll answered from the record");
    const deliveries = await sandbox.deliveries();
    for (const call of calls) {
      for (const status of ["in-progress", "ended"]) {
        const sent = deliveries.find((d) => d.call_id === call.call_id && d.status === status);
        assert.ok(sent, `no ${status} event for ${call.call_id}`);
        const lag = call.seen[status] - sent.at_ms;
        assert.ok(lag <= POLL_EVERY_MS + 500, `${call.call_id} showed ${status} ${lag} ms after its event`);
      }
    }
  } finally {
    await edge.stop();
  }
});

test("without events a quiet live call is looked up once per refresh, whoever polls", async () => {
  const edge = await startEdge(settings(sandbox.url, { STATUS_REFRESH_SECONDS: "1" }));
  try {
    await sandbox.reset();
    const { calls, polls } = await follow(edge, 3, 200);
    const lookups = (await sandbox.requests("/calls/")).filter((r) => r.method === "GET");
    // Each call lives 4 steps (4 s): at most one lookup per second each,
    // and one more at the end, against 10 polls a second each.
    console.log(`# ${polls} polls made ${lookups.length} lookups`);
    assert.ok(lookups.length <= calls.length * 6, `${lookups.length} lookups`);
    assert.ok(polls >= lookups.length * 4, `${polls} polls for ${lookups.length} lookups`);
    assert.equal((await sandbox.requests("/calls")).filter((r) => r.method === "GET" && r.path === "/calls").length, 0, "no list read");
  } finally {
    await edge.stop();
  }
});

test("a ticket of a call the platform never knew is 404 after a minute, in one lookup", async () => {
  const edge = await startEdge(settings(sandbox.url));
  try {
    const before = (await sandbox.requests("/calls/")).length;
    const ghost = "call-outbound-000000000001";
    const response = await poll(edge, mintTicket(ghost, Date.now() - 40 * 60_000));
    assert.equal(response.status, 404);
    const requests = (await sandbox.requests("/calls/")).slice(before);
    assert.deepEqual(requests.map((r) => [r.method, r.path]), [["GET", `/calls/${ghost}`]]);
    assert.equal((await edge.records()).length, 0, "the lookup's placeholder is gone");
  } finally {
    await edge.stop();
  }
});
