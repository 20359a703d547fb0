// Opening hours in workerd: the site's zone through the runtime's Intl,
// /api/config's `hours`, and a callback refused with 409 `closed` (and
// `next_open`) outside them, at no platform cost. The rules themselves,
// DST included, are tested natively against the tz database
// (edge/src/hours.rs); here the same instants come out of workerd.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ORIGIN, browser, callbackBody, startSandbox, withEdge as withSharedSandboxEdge } from "./support.mjs";

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

const withEdge = (overrides, fn) => withSharedSandboxEdge(sandbox, overrides, fn);
const config = async (edge) => (await edge.fetch("/api/config", { headers: { Origin: ORIGIN } })).json();

/** Today's date in `zone` (YYYY-MM-DD), `days` ahead, as Node's ICU says. */
function dateIn(zone, days = 0) {
  const at = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** The offset of `zone` at local midnight of `date`, as `+01:00`. */
function offsetAtMidnight(zone, date) {
  for (const guess of ["+00:00", "+01:00", "+02:00", "-05:00", "-04:00", "+05:30"]) {
    const at = new Date(`${date}T00:00:00${guess}`);
    const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(at).find((p) => p.type === "timeZoneName").value;
    const offset = name === "GMT" ? "+00:00" : name.slice(3);
    if (offset === guess) return offset;
  }
  throw new Error(`no offset for ${zone} on ${date}`);
}

test("without opening hours the site is always open, in UTC", async () => {
  await withEdge({}, async (edge) => {
    assert.deepEqual((await config(edge)).hours, { time_zone: "UTC", open_now: true });
  });
});

test("on a closed date the site says when it opens next, in its own zone and offset", async () => {
  for (const zone of ["Europe/Amsterdam", "Asia/Kolkata", "America/New_York"]) {
    const today = dateIn(zone);
    const tomorrow = dateIn(zone, 1);
    await withEdge({ TIME_ZONE: zone, OPENING_HOURS: "mon-sun 00:00-24:00", CLOSED_DATES: today }, async (edge) => {
      const hours = (await config(edge)).hours;
      // (A test run right at midnight could see tomorrow already closed or open.)
      assert.deepEqual(hours, {
        time_zone: zone, open_now: false, next_open: `${tomorrow}T00:00:00${offsetAtMidnight(zone, tomorrow)}`,
      });
    });
  }
});

test("a callback while closed is 409 closed with next_open, and costs no platform call", async () => {
  const zone = "Europe/Amsterdam";
  await withEdge({ TIME_ZONE: zone, CLOSED_DATES: `${dateIn(zone)},${dateIn(zone, 1)}` }, async (edge) => {
    const before = await sandbox.outboundCount();
    const response = await edge.fetch("/api/callback", { method: "POST", headers: browser(), body: callbackBody() });
    assert.equal(response.status, 409);
    const body = await response.json();
    assert.equal(body.error.code, "closed");
    const after = dateIn(zone, 2);
    assert.equal(body.error.next_open, `${after}T00:00:00${offsetAtMidnight(zone, after)}`);
    assert.equal(await sandbox.outboundCount(), before);
    // A bad request is still a bad request: the rules come first.
    const bad = await edge.fetch("/api/callback", { method: "POST", headers: browser(), body: callbackBody({ phone: "0612" }) });
    assert.equal(bad.status, 400);
  });
});

test("inside the hours a callback is placed as ever", async () => {
  await withEdge({ TIME_ZONE: "Pacific/Kiritimati", OPENING_HOURS: "mon-sun 00:00-24:00" }, async (edge) => {
    const hours = (await config(edge)).hours;
    assert.equal(hours.open_now, true);
    const response = await edge.fetch("/api/callback", { method: "POST", headers: browser(), body: callbackBody({ phone: "+31612345611" }) });
    assert.equal(response.status, 202);
  });
});

test("a time zone the runtime does not know is a configuration error, said by health", async () => {
  await withEdge({ TIME_ZONE: "Mars/Olympus_Mons" }, async (edge) => {
    const health = await edge.fetch("/api/health");
    assert.equal(health.status, 500);
    const body = await health.json();
    assert.equal(body.error.code, "misconfigured");
    assert.ok(edge.logs.some((line) => line.includes("TIME_ZONE") && line.includes("Mars/Olympus_Mons")), edge.logs.join("\n"));
  });
  for (const [name, value] of [["OPENING_HOURS", "weekdays 9-5"], ["CLOSED_DATES", "2026-02-30"]]) {
    await withEdge({ [name]: value }, async (edge) => {
      assert.equal((await edge.fetch("/api/config", { headers: { Origin: ORIGIN } })).status, 500);
      assert.ok(edge.logs.some((line) => line.includes(name)), `${name} named in the log`);
    });
  }
});
