// The Scheduler under attack, in workerd against the sandbox: a cancel
// racing the alarm's platform request (never a booking both cancelled and
// called), a booking refused as full (it costs the visitor none of their
// limits), floods of slot listings and cancellations (limited per client or
// ticket, listings answered from a short per-isolate cache, browsers only),
// and a retry that would land after closing time (not made: the booking
// fails as closed).
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import {
  ORIGIN, browser, callbackBody, startSandbox, waitFor,
  withEdge as withSandboxEdge,
} from "./support.mjs";

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

const withEdge = (overrides, fn) => withSandboxEdge(sandbox, overrides, fn);
const MINUTE = { SLOT_MINUTES: "1", SCHEDULE_DAYS: "1" };
/** The first slot far enough ahead that it is still on offer when booked. */
const soonest = (offered) => offered.find((slot) => Date.parse(slot) > Date.now() + 3_000);

const listSlots = (edge, headers = { Origin: ORIGIN }) => edge.fetch("/api/slots", { headers });
async function slots(edge) {
  const response = await listSlots(edge);
  assert.equal(response.status, 200);
  return (await response.json()).slots;
}
const book = (edge, at, phone, headers = browser()) =>
  edge.fetch("/api/callback", { method: "POST", headers, body: callbackBody({ phone, at }) });
const withTicket = (ticket) => browser({ Authorization: `Ticket ${ticket}` });
const cancel = (edge, ticket) => edge.fetch("/api/callback", { method: "DELETE", headers: withTicket(ticket) });
const statusOf = async (edge, ticket) =>
  (await edge.fetch("/api/callback/status", { headers: withTicket(ticket) })).json();

/** The request log lines (JSON) the edge printed for `route`. */
const logLines = (edge, route) =>
  edge.logs
    .filter((line) => typeof line === "string" && line.startsWith("{"))
    .map((line) => { try { return JSON.parse(line); } catch { return null; } })
    .filter((line) => line?.route === route);
const schedulerCalls = (edge, route) =>
  logLines(edge, route).reduce((sum, line) => sum + (line.scheduler_calls ?? 0), 0);

test("a booking refused as full costs the visitor none of their limits, with or without an Idempotency-Key", async () => {
  // Exactly two callbacks an hour per client and per number.
  await withEdge({ SLOT_MINUTES: "15", SLOT_CAPACITY: "1", RATE_LIMIT_PER_IP: "2/1h", RATE_LIMIT_PER_PHONE: "2/1h" }, async (edge) => {
    const offered = await slots(edge);
    const phone = "+31612345701";
    assert.equal((await book(edge, offered[3], phone)).status, 202, "the first of two");
    // Two more tries of the full slot, by the same client for the same number.
    for (const headers of [browser({ "Idempotency-Key": "full-slot-try-number-one" }), browser()]) {
      const full = await book(edge, offered[3], phone, headers);
      assert.equal(full.status, 409);
      assert.equal((await full.json()).error.code, "slot_full");
    }
    // The second real booking is still allowed; a third is not.
    const second = await book(edge, offered[5], phone);
    assert.equal(second.status, 202, JSON.stringify(await second.clone().json()));
    const third = await book(edge, offered[6], phone);
    assert.equal(third.status, 429);
    assert.equal((await third.json()).error.code, "rate_limited");
  });
});

test("slot listings: RATE_LIMIT_SLOTS per client, a few Scheduler reads for a flood, and only for browsers", async () => {
  await withEdge({ SLOT_MINUTES: "15" }, async (edge) => {
    const client = { Origin: ORIGIN, "CF-Connecting-IP": "198.51.100.23" };
    const started = Date.now();
    const statuses = [];
    // Half one after the other, half at once.
    for (let i = 0; i < 100; i++) statuses.push((await listSlots(edge, client)).status);
    const burst = await Promise.all(Array.from({ length: 100 }, () => listSlots(edge, client)));
    const elapsed = Date.now() - started;
    statuses.push(...burst.map((r) => r.status));
    assert.equal(statuses.filter((s) => s === 200).length, 60, "the default 60 a minute");
    assert.equal(statuses.filter((s) => s === 429).length, 140);
    assert.deepEqual(statuses.slice(0, 60), Array(60).fill(200), "refused only after the limit");
    const refused = burst.at(-1);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get("Retry-After")) >= 1);
    assert.equal((await refused.json()).error.code, "rate_limited");
    // Each listing reads every future booking: the isolate reads them at
    // most once per couple of seconds (and refused listings not at all).
    const reads = schedulerCalls(edge, "/api/slots");
    assert.ok(reads >= 1 && reads <= Math.ceil(elapsed / 2_000) + 1, `${reads} Scheduler reads in ${elapsed} ms`);
    // Another client is not affected.
    assert.equal((await listSlots(edge, { ...client, "CF-Connecting-IP": "198.51.100.24" })).status, 200);
    // A server (no browser signal) is refused, a disallowed origin too;
    // the edge's own pages (same-origin, no Origin) are served.
    const server = await listSlots(edge, { "CF-Connecting-IP": "198.51.100.25" });
    assert.equal(server.status, 403);
    assert.equal((await server.json()).error.code, "origin_required");
    assert.equal((await listSlots(edge, { Origin: "https://evil.example" })).status, 403);
    assert.equal((await listSlots(edge, { "Sec-Fetch-Site": "same-origin", "CF-Connecting-IP": "198.51.100.26" })).status, 200);
  });
});

test("cancellations: RATE_LIMIT_CANCEL per ticket, 204 without a body, and a refused one costs the Scheduler nothing", async () => {
  await withEdge({ SLOT_MINUTES: "15", RATE_LIMIT_CANCEL: "5/1m" }, async (edge) => {
    const offered = await slots(edge);
    const { ticket } = await (await book(edge, offered[4], "+31612345711")).json();
    const { ticket: other } = await (await book(edge, offered[4], "+31612345712")).json();
    for (let i = 0; i < 5; i++) {
      const response = await cancel(edge, ticket);
      assert.equal(response.status, 204, `cancel ${i + 1}`);
      assert.equal(await response.text(), "");
    }
    const before = schedulerCalls(edge, "/api/callback");
    const statuses = [];
    for (let i = 0; i < 50; i++) statuses.push((await cancel(edge, ticket)).status);
    assert.deepEqual([...new Set(statuses)], [429]);
    assert.equal(schedulerCalls(edge, "/api/callback"), before, "refused cancels never reach the Scheduler");
    const limited = await cancel(edge, ticket);
    assert.ok(Number(limited.headers.get("Retry-After")) >= 1);
    // Another ticket is not affected; the cancelled one reads cancelled.
    assert.equal((await cancel(edge, other)).status, 204);
    assert.equal((await statusOf(edge, ticket)).status, "cancelled");
  });
});

// Both wait for a slot (up to a minute), each with a sandbox of its own.
describe("the Scheduler's alarm", { concurrency: 2 }, () => {
  test("a cancel racing the platform request: either nothing is placed or the cancel is refused, never both", async () => {
    const own = await startSandbox();
    try {
      await withSandboxEdge(own, { ...MINUTE, UPSTREAM_TIMEOUT_MS: "15000" }, async (edge) => {
        const slot = soonest(await slots(edge));
        const raced = await (await book(edge, slot, "+31612345721")).json();
        const early = await (await book(edge, slot, "+31612345722")).json();
        // Cancelled well before its slot: it wins, and nothing is placed.
        const won = await cancel(edge, early.ticket);
        assert.ok(won.ok, `an early cancel: ${won.status}`);
        // The platform is slow for the booked call: the cancel arrives while
        // the alarm's request is out.
        await own.fault({ latency_ms: 3_000, times: 1, path: "/calls/outbound" });
        await waitFor(async () => (await own.outboundCount()) === 1, 75_000, "the alarm's request");
        const [out] = await own.requests("/calls/outbound");
        const answer = await cancel(edge, raced.ticket);
        assert.ok(Date.now() < out.at_ms + 3_000, "the cancel landed while the request was out");
        const body = answer.status === 204 ? null : await answer.json();
        // The platform answers; the alarm settles.
        await new Promise((r) => setTimeout(r, 3_500));
        let seen;
        await waitFor(async () => {
          seen = await statusOf(edge, raced.ticket);
          if (seen.status !== "scheduled") return true;
          await new Promise((r) => setTimeout(r, 500));
          return false;
        }, 15_000, "the raced booking to settle");
        const placed = (await own.requests("/calls/outbound")).map((r) => r.body.destination);
        const cancelled = answer.ok || seen.status === "cancelled";
        assert.ok(!(cancelled && placed.includes("+31612345721")),
          `cancel ${answer.status}, ticket ${seen.status}, placed ${JSON.stringify(placed)}`);
        // The request was out, so the only right answer is the refusal.
        assert.equal(answer.status, 409);
        assert.equal(body.error.code, "not_cancellable");
        assert.match(seen.status, /^(dialing|connecting|ringing|in-progress|ended)$/);
        assert.deepEqual(placed, ["+31612345721"], "the early-cancelled booking is never called");
        assert.equal((await statusOf(edge, early.ticket)).status, "cancelled");
      });
    } finally {
      await own.stop();
    }
  });

  test("a retry that would be placed after closing time is not made: the booking fails as closed", async () => {
    const own = await startSandbox();
    try {
      // Open one minute (UTC), far enough ahead to book its only slot.
      const open = Math.ceil((Date.now() + 15_000) / 60_000) * 60_000;
      const hhmm = (ms) => (ms % 86_400_000 === 0 ? "24:00" : new Date(ms).toISOString().slice(11, 16));
      const hours = `mon-sun ${hhmm(open)}-${hhmm(open + 60_000)}`;
      await withSandboxEdge(own, { ...MINUTE, OPENING_HOURS: hours, UPSTREAM_TIMEOUT_MS: "30000" }, async (edge) => {
        const offered = await slots(edge);
        assert.deepEqual(offered.map(Date.parse), [open], hours);
        const response = await book(edge, offered[0], "+31612345731");
        assert.equal(response.status, 202);
        const { ticket } = await response.json();
        // The first attempt fails after 21 s, its retry 10 s later fails at
        // once: the next retry (30 s on) would fall after closing time.
        await own.fault({ latency_ms: 21_000, status: 500, times: 1, path: "/calls/outbound" });
        await own.fault({ status: 500, times: 1, path: "/calls/outbound" });
        await waitFor(async () => (await own.outboundCount()) === 2, 120_000, "two attempts");
        const failed = await waitFor(async () => {
          const status = await statusOf(edge, ticket);
          if (status.status === "failed") return status;
          await new Promise((r) => setTimeout(r, 1_000));
          return null;
        }, 15_000, "the booking to fail");
        assert.equal(failed.error, "We could not place the call at the booked time.");
        assert.ok(Date.now() < open + 60_000, "failed at once, not at the retry's time");
        // Past the time the retry would have had, nothing more was sent.
        await new Promise((r) => setTimeout(r, Math.max(0, open + 65_000 - Date.now())));
        assert.equal(await own.outboundCount(), 2, "no attempt after closing time");
        assert.equal((await statusOf(edge, ticket)).status, "failed");
        assert.ok(edge.logs.some((line) => line.includes("scheduled_failed") && line.includes('"code":"closed"')),
          "the log says why");
      });
    } finally {
      await own.stop();
    }
  });
});
