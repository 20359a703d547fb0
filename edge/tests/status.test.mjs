// Status polls in workerd cost the platform little: polls within a second
// share one platform answer, for every call, while each poller still sees
// its own call change promptly. The sandbox moves every call through its
// stages on a fixed clock, so the test knows when each change happened.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ORIGIN, browser, callbackBody, mintTicket, settings, startEdge, startSandbox } from "./support.mjs";

// One sandbox stage lasts STEP_MS: dialing, connecting, then in progress for
// two steps, then ended (sandbox/src/store.rs).
const STEP_MS = 2_000;
const POLLERS = 20;
const POLL_FOR_MS = 10_000;
const POLL_EVERY_MS = 100;

let sandbox;
let edge;
before(async () => {
  sandbox = await startSandbox(["--step-ms", String(STEP_MS)]);
  edge = await startEdge(settings(sandbox.url));
});
after(async () => {
  await edge?.stop();
  await sandbox?.stop();
});

const platformListRequests = async () =>
  (await sandbox.requests("/calls")).filter((r) => r.method === "GET").length;

const poll = (_callId, ticket) =>
  edge.fetch("/api/callback/status", {
    headers: { Origin: ORIGIN, Authorization: `Ticket ${ticket}` },
  });

test(`${POLLERS} pollers for ${POLL_FOR_MS / 1000} s share platform answers and see their changes within 2 s`, async () => {
  const calls = [];
  for (let i = 0; i < POLLERS; i++) {
    const sentAt = Date.now();
    const response = await edge.fetch("/api/callback", {
      method: "POST",
      headers: browser({ "CF-Connecting-IP": `198.51.100.${i + 1}` }),
      body: callbackBody({ phone: `+316123450${String(i).padStart(2, "0")}` }),
    });
    assert.equal(response.status, 202);
    // The platform placed the call after `sentAt`: its changes come no
    // earlier than sentAt + k steps, so lags measured from there are upper
    // bounds.
    calls.push({ ...(await response.json()), sentAt, seen: {} });
  }
  const before = await platformListRequests();
  let polls = 0;
  const started = Date.now();
  await Promise.all(calls.map(async (call) => {
    while (Date.now() - started < POLL_FOR_MS) {
      const response = await poll(call.call_id, call.ticket);
      polls++;
      assert.equal(response.status, 200, await response.clone().text());
      const { status } = await response.json();
      call.seen[status] ??= Date.now();
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
    }
  }));
  const platform = (await platformListRequests()) - before;
  console.log(`# ${polls} polls of ${POLLERS} calls made ${platform} platform list requests`);
  assert.ok(polls > POLLERS * 20, `only ${polls} polls`);
  assert.ok(platform <= 12, `${platform} platform requests for ${polls} polls`);

  const lags = [];
  for (const call of calls) {
    for (const [status, step] of [["connecting", 1], ["in-progress", 2], ["ended", 4]]) {
      const changed = call.sentAt + step * STEP_MS;
      if (changed > started + POLL_FOR_MS - 2_000) continue; // too late to judge
      assert.ok(call.seen[status], `${call.call_id} never showed ${status}: ${JSON.stringify(call.seen)}`);
      const lag = call.seen[status] - Math.max(changed, started);
      lags.push(lag);
      assert.ok(lag <= 2_000, `${call.call_id} showed ${status} ${lag} ms after the platform`);
    }
  }
  assert.ok(lags.length >= POLLERS * 2, `only ${lags.length} changes judged`);
  console.log(`# worst lag ${Math.max(...lags)} ms over ${lags.length} changes`);
});

test("a ticket older than the shared window reads its own list, in one request", async () => {
  const before = await platformListRequests();
  const ghost = "call-outbound-000000000001";
  // Issued 40 minutes ago (tickets live an hour): past the 30-minute window.
  const response = await poll(ghost, mintTicket(ghost, Date.now() - 40 * 60_000));
  assert.equal(response.status, 404);
  const requests = (await sandbox.requests("/calls")).filter((r) => r.method === "GET").slice(before);
  assert.equal(requests.length, 1);
  const start = new URLSearchParams(requests[0].query).get("start_date");
  assert.ok(Date.parse(start) < Date.now() - 40 * 60_000, start);
});
