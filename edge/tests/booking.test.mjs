// Booked callbacks in workerd: the slots on offer, booking one (every check
// of a callback now runs, and a slot that is not on offer is refused at no
// cost), a slot's capacity, cancelling, the portal's view in its scope, and
// the Scheduler's alarm placing the call at its slot against the sandbox
// (SLOT_MINUTES=1 keeps the wait under a minute), with retries and a final
// failure when the platform fails.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import {
  ORIGIN, browser, callbackBody, mintToken, nowSeconds, startSandbox, waitFor,
  withEdge as withSharedSandboxEdge,
} from "./support.mjs";

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

const withEdge = (overrides, fn) => withSharedSandboxEdge(sandbox, overrides, fn);
const MINUTE = { SLOT_MINUTES: "1", SCHEDULE_DAYS: "1" };
/** The first slot far enough ahead that it is still on offer when booked. */
const soonest = (offered) => offered.find((slot) => Date.parse(slot) > Date.now() + 3_000);

async function slots(edge, query = "") {
  const response = await edge.fetch(`/api/slots${query}`, { headers: { Origin: ORIGIN } });
  assert.equal(response.status, 200);
  return response.json();
}

const book = (edge, at, phone = "+31612345601", headers = browser()) =>
  edge.fetch("/api/callback", { method: "POST", headers, body: callbackBody({ phone, at }) });

const withTicket = (ticket) => browser({ Authorization: `Ticket ${ticket}` });
const statusOf = async (edge, ticket) =>
  (await edge.fetch("/api/callback/status", { headers: withTicket(ticket) })).json();
/** Polls a ticket as the widget does (once a second: the edge allows a
 * ticket RATE_LIMIT_STATUS polls a minute) until `done` holds; its answer. */
async function pollUntil(edge, ticket, done, ms, what) {
  let last;
  await waitFor(async () => {
    last = await statusOf(edge, ticket);
    if (done(last)) return true;
    await new Promise((r) => setTimeout(r, 1_000));
    return false;
  }, ms, what);
  return last;
}

test("the slots on offer: every slot length from midnight, in the future, with the site's offset", async () => {
  await withEdge({ TIME_ZONE: "Europe/Amsterdam", SLOT_MINUTES: "15", SCHEDULE_DAYS: "2" }, async (edge) => {
    const body = await slots(edge);
    assert.equal(body.time_zone, "Europe/Amsterdam");
    assert.ok(body.slots.length > 150 && body.slots.length <= 2 * 96, `${body.slots.length} slots`);
    const now = Date.now();
    for (const slot of body.slots) {
      assert.match(slot, /^\d{4}-\d\d-\d\dT\d\d:(00|15|30|45):00\+0[12]:00$/);
      assert.ok(Date.parse(slot) > now && Date.parse(slot) < now + 2 * 86_400_000 + 60_000);
    }
    assert.equal((await slots(edge, "?days=1")).slots.length <= 96, true);
    for (const bad of ["?days=3", "?days=0", "?days=x", "?hours=1"]) {
      const response = await edge.fetch(`/api/slots${bad}`, { headers: { Origin: ORIGIN } });
      assert.equal(response.status, 400, bad);
    }
  });
});

test("a time that is not on offer is refused at booking, at no platform or Guard cost", async () => {
  await withEdge({ SLOT_MINUTES: "15" }, async (edge) => {
    const [first] = (await slots(edge)).slots;
    const before = await sandbox.outboundCount();
    for (const at of [
      new Date(Date.parse(first) + 60_000).toISOString(), // not on the grid
      new Date(Date.now() - 15 * 60_000).toISOString(), // the past
      new Date(Date.now() + 30 * 86_400_000).toISOString(), // past SCHEDULE_DAYS
    ]) {
      const response = await book(edge, at);
      assert.equal(response.status, 400, at);
      const body = await response.json();
      assert.deepEqual([body.error.code, body.error.field], ["slot_unavailable", "at"]);
    }
    const garbled = await book(edge, "tomorrow at nine");
    assert.equal(garbled.status, 400);
    assert.equal((await garbled.json()).error.field, "at");
    // Every check of a callback now runs for a booking too.
    const refused = await book(edge, first, "+493012345678");
    assert.equal((await refused.json()).error.code, "country_not_allowed");
    assert.equal(await sandbox.outboundCount(), before);
  });
});

test("a slot takes SLOT_CAPACITY bookings; a cancellation frees its place; status says scheduled, then cancelled", async () => {
  await withEdge({ SLOT_MINUTES: "15", SLOT_CAPACITY: "1" }, async (edge) => {
    const offered = (await slots(edge)).slots;
    const slot = offered[4];
    const first = await book(edge, slot, "+31612345611");
    assert.equal(first.status, 202);
    const booked = await first.json();
    assert.equal(booked.status, "scheduled");
    assert.equal(Date.parse(booked.at), Date.parse(slot));
    assert.match(booked.call_id, /^sched-[0-9a-f]{32}$/);
    const full = await book(edge, slot, "+31612345612");
    assert.equal(full.status, 409);
    assert.equal((await full.json()).error.code, "slot_full");
    // The same instant written otherwise is the same slot: in UTC with
    // milliseconds, and as the wall time of a zone an hour east.
    const inEast = new Date(Date.parse(slot) + 3_600_000).toISOString().replace(/\.000Z$/, "+01:00");
    for (const [n, same] of [new Date(Date.parse(slot)).toISOString(), inEast].entries()) {
      const again = await book(edge, same, `+3161234562${n}`);
      assert.equal(again.status, 409, same);
      assert.equal((await again.json()).error.code, "slot_full", same);
    }
    assert.ok(!(await slots(edge)).slots.includes(slot), "a full slot is not on offer");
    assert.deepEqual(
      Object.entries(await statusOf(edge, booked.ticket)).filter(([k]) => ["status", "at"].includes(k)),
      [["status", "scheduled"], ["at", booked.at]],
    );
    // DESIGN: 204 while scheduled, without a body; cancelling twice is fine.
    for (const time of ["first", "second"]) {
      const cancel = await edge.fetch("/api/callback", { method: "DELETE", headers: withTicket(booked.ticket) });
      assert.equal(cancel.status, 204, time);
      assert.equal(await cancel.text(), "", time);
    }
    assert.equal((await statusOf(edge, booked.ticket)).status, "cancelled");
    assert.ok((await slots(edge)).slots.includes(slot), "its place is free again");
    assert.equal((await book(edge, slot, "+31612345612")).status, 202);
    // Only a booked callback can be cancelled, and only from a browser.
    const server = await edge.fetch("/api/callback", { method: "DELETE", headers: { Authorization: `Ticket ${booked.ticket}` } });
    assert.equal(server.status, 403);
    const now = await book(edge, undefined, "+31612345613");
    assert.equal(now.status, 202);
    const immediate = await now.json();
    const late = await edge.fetch("/api/callback", { method: "DELETE", headers: withTicket(immediate.ticket) });
    assert.equal(late.status, 409);
    assert.equal((await late.json()).error.code, "not_cancellable");
  });
});

test("the portal sees the booked callbacks in its token's scope, soonest first", async () => {
  await withEdge({ SLOT_MINUTES: "15" }, async (edge) => {
    const offered = (await slots(edge)).slots;
    assert.equal((await book(edge, offered[6], "+31612345621")).status, 202);
    assert.equal((await book(edge, offered[3], "+31612345622")).status, 202);
    assert.equal((await book(edge, offered[5], "+31612345621")).status, 202);
    const list = async (claims) => {
      const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read", ...claims });
      const response = await edge.fetch("/api/scheduled", { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      return (await response.json()).scheduled;
    };
    const all = await list({});
    assert.deepEqual(all.map((b) => Date.parse(b.at)), [offered[3], offered[5], offered[6]].map(Date.parse));
    assert.deepEqual(Object.keys(all[0]).sort(), ["agent", "at", "phone", "status"]);
    const mine = await list({ phone: "+31612345621" });
    assert.deepEqual(mine.map((b) => b.phone), ["+31612345621", "+31612345621"]);
    assert.equal((await list({ agent: "sales" })).length, 0);
    const anonymous = await edge.fetch("/api/scheduled");
    assert.equal(anonymous.status, 401);
  });
});

test("one Idempotency-Key books once, in sequence and when requests race, and takes one place", async () => {
  await withEdge({ SLOT_MINUTES: "15", SLOT_CAPACITY: "2" }, async (edge) => {
    const slot = (await slots(edge)).slots[3];
    const headers = browser({ "Idempotency-Key": "booking-retried-by-a-flaky-network" });
    const racing = await Promise.all(Array.from({ length: 6 }, () => book(edge, slot, "+31612345641", headers)));
    const answers = [];
    for (const response of racing) answers.push([response.status, await response.json()]);
    for (let i = 0; i < 3; i++) {
      const response = await book(edge, slot, "+31612345641", headers);
      answers.push([response.status, await response.json()]);
    }
    // Racing requests wait for the first to finish, then read its answer.
    assert.deepEqual(answers.map(([status]) => status), Array(9).fill(202));
    assert.equal(new Set(answers.map(([, body]) => body.call_id)).size, 1);
    assert.equal(new Set(answers.map(([, body]) => body.ticket)).size, 1);
    // The same key for another time is a conflict, not a second booking.
    const otherSlot = (await slots(edge)).slots[5];
    assert.notEqual(Date.parse(otherSlot), Date.parse(slot), "another time");
    const other = await book(edge, otherSlot, "+31612345641", headers);
    assert.deepEqual([other.status, (await other.json()).error.code], [422, "idempotency_conflict"]);
    const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read", phone: "+31612345641" });
    const list = await (await edge.fetch("/api/scheduled", { headers: { Authorization: `Bearer ${token}` } })).json();
    assert.equal(list.scheduled.length, 1);
    // The slot kept its second place for somebody else.
    assert.equal((await book(edge, slot, "+31612345642")).status, 202);
    assert.equal((await book(edge, slot, "+31612345643")).status, 409);
  });
});

// The two alarm tests wait for a slot (up to a minute) each: side by side.
describe("the Scheduler's alarm", { concurrency: 2 }, () => {
test("at its slot the Scheduler places the call, and the ticket follows it", async () => {
  await withEdge(MINUTE, async (edge) => {
    const slot = soonest((await slots(edge)).slots);
    const before = await sandbox.outboundCount();
    const response = await book(edge, slot, "+31612345631");
    assert.equal(response.status, 202);
    const { ticket } = await response.json();
    assert.equal(await sandbox.outboundCount(), before, "nothing placed before its time");
    await waitFor(async () => (await sandbox.outboundCount()) === before + 1, 75_000, "the call at its slot");
    const placed = (await sandbox.requests("/calls/outbound")).at(-1);
    assert.ok(placed.at_ms >= Date.parse(slot), "not before the slot");
    assert.ok(placed.at_ms < Date.parse(slot) + 15_000, "and soon after it");
    assert.equal(placed.body.destination, "+31612345631");
    const followed = await pollUntil(edge, ticket, (s) => s.status !== "scheduled", 10_000, "the status to follow");
    assert.match(followed.status, /^(dialing|connecting|in-progress|ended)$/);
  });
});

test("a platform failing at the slot is tried three times, then the booking says failed", async () => {
  const own = await startSandbox();
  try {
    await withSharedSandboxEdge(own, MINUTE, async (edge) => {
      await own.fault({ path: "/calls/outbound", status: 500, times: 3 });
      const slot = soonest((await slots(edge)).slots);
      const response = await book(edge, slot, "+31612345641");
      assert.equal(response.status, 202);
      const { ticket } = await response.json();
      // The slot (up to a minute away), then 10 s and 30 s between attempts.
      const failed = await pollUntil(edge, ticket, (s) => s.status === "failed", 180_000, "the final failure");
      assert.equal(failed.error, "We could not place the call at the booked time.");
      assert.equal((await own.requests("/calls/outbound")).length, 3, "three attempts");
      assert.ok(edge.logs.some((line) => line.includes("scheduled_attempt_failed")));
      assert.ok(!edge.logs.join("\n").includes("+31612345641"), "no number in the log");
    });
  } finally {
    await own.stop();
  }
});
});
