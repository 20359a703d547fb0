// POST /api/callback and GET /api/callback/status in workerd, with the sandbox
// as upstream: the happy path, every refusal (each proven to cost zero
// upstream calls), rate limits under a burst, idempotency under
// concurrency, Turnstile, and upstream faults.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import {
  API_KEY, TICKET_SECRET, ORIGIN, SUPPORT_AGENT, TURNSTILE_TEST_SECRET, browser, callbackBody, mintTicket,
  startSandbox, startTurnstileFake, tamperChar, waitFor,
  withEdge as withSharedSandboxEdge,
} from "./support.mjs";

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

/** Runs `fn` against a fresh edge with `overrides` (see support.mjs). */
const withEdge = (overrides, fn) => withSharedSandboxEdge(sandbox, overrides, fn);

const post = (edge, body = callbackBody(), headers = browser()) =>
  edge.fetch("/api/callback", { method: "POST", headers, body });

async function expectError(response, status, code, field) {
  assert.equal(response.status, status);
  const body = await response.json();
  if (code instanceof RegExp) assert.match(body.error.code, code);
  else assert.equal(body.error.code, code, JSON.stringify(body));
  assert.equal(typeof body.error.message, "string");
  if (field !== undefined) assert.equal(body.error.field, field);
  assert.ok(!JSON.stringify(body).includes(API_KEY));
  return body;
}

describe("a callback", () => {
  test("is placed, answered 202 with a ticket, and its status followed to ended", async () => {
    const secret = "whsec-callback-test-0123456789abcd";
    const edge = await withEdge({ PLATFORM_WEBHOOK_SECRET: secret }, async (edge) => {
      // The sandbox tells the edge of each change, as the platform would.
      await sandbox.webhook(`${edge.url}/api/platform/events`, secret);
      const response = await post(edge);
      assert.equal(response.status, 202);
      assert.equal(response.headers.get("access-control-allow-origin"), ORIGIN);
      const accepted = await response.json();
      assert.equal(accepted.status, "dialing");
      assert.match(accepted.call_id, /^call-outbound-/);
      assert.equal(await sandbox.outboundCount(), 1);

      const [sent] = await sandbox.requests("/calls/outbound");
      assert.equal(sent.body.destination, "+31612345678");
      assert.equal(sent.body.agent_id, SUPPORT_AGENT);
      assert.match(sent.body.context, /unverified data typed by the visitor/);
      assert.match(sent.body.context, /"note":"About my order"/);

      const status = async () => {
        const r = await edge.fetch("/api/callback/status", {
          headers: { Origin: ORIGIN, Authorization: `Ticket ${accepted.ticket}` },
        });
        assert.equal(r.status, 200);
        return r.json();
      };
      const seen = new Set();
      const ended = await waitFor(async () => {
        const s = await status();
        seen.add(s.status);
        assert.ok(!("summary" in s), "the status never carries the summary");
        // The end-of-call report (with the length) follows the final
        // status-update: a poll may fall between the two.
        return s.status === "ended" && Number.isInteger(s.duration_seconds) && s;
      }, 15_000, "the call to end and its report");
      assert.ok(Number.isInteger(ended.duration_seconds));
      assert.ok(ended.ended_at);
      assert.ok(seen.has("in-progress") || seen.has("connecting"), [...seen].join());
      await sandbox.webhook(null, null);
    });
    const lines = edge.logs.filter((l) => l.includes('"route"'));
    assert.ok(lines.some((l) => l.includes('"phone":"+31******678"')), "the log masks the number");
    assert.ok(!edge.logs.some((l) => l.includes(API_KEY) || l.includes(TICKET_SECRET)), "no secret in logs");
    assert.ok(!edge.logs.some((l) => l.includes("+31612345678")), "no whole number in logs");
  });

  test("is refused for every bad input, each costing zero upstream calls", async () => {
    await withEdge({}, async (edge) => {
      const big = JSON.stringify({ phone: "+31612345678", note: "x".repeat(9000) });
      const cases = [
        [() => post(edge, "{not json"), 400, "invalid_json"],
        [() => post(edge, callbackBody({ phone: "0612345678" })), 400, "phone_missing_plus", "phone"],
        [() => post(edge, callbackBody({ phone: "+31 6 12345678" })), 400, "phone_contains_whitespace", "phone"],
        [() => post(edge, callbackBody({ phone: "+3161234" })), 400, "invalid_phone", "phone"],
        [() => post(edge, callbackBody({ name: "x".repeat(81) })), 400, "text_too_long", "name"],
        [() => post(edge, callbackBody({ note: "a\u202eb" })), 400, "text_bidi_override", "note"],
        [() => post(edge, callbackBody({ consent: false })), 400, "consent_required", "consent"],
        [() => post(edge, callbackBody({ agent: "ceo" })), 400, "agent_unknown", "agent"],
        [() => post(edge, callbackBody({ first_message: "You won!" })), 400, "invalid_json"],
        [() => post(edge, callbackBody({ agent_id: SUPPORT_AGENT })), 400, "invalid_json"],
        [() => post(edge, callbackBody({ phone: "+4915123456789" })), 403, "country_not_allowed", "phone"],
        [() => post(edge, callbackBody({ phone: "+31909123456" })), 403, "number_type_not_allowed", "phone"],
        [() => post(edge, callbackBody({ phone: "+448431234567" })), 403, "number_type_not_allowed", "phone"],
        [() => post(edge, callbackBody(), browser({ Origin: "https://evil.example" })), 403, "origin_not_allowed"],
        [() => post(edge, callbackBody(), { "Content-Type": "application/json" }), 403, "origin_required"],
        [() => post(edge, callbackBody(), browser({ "Content-Type": "text/plain" })), 415, "unsupported_media_type"],
        [() => post(edge, big), 413, "body_too_large"],
        [() => post(edge, callbackBody(), browser({ "Idempotency-Key": "no" })), 400, "idempotency_key_invalid"],
        [() => edge.fetch("/api/callback", { headers: { Origin: ORIGIN } }), 405, "method_not_allowed"],
        [() => edge.fetch("/api/nothing", { headers: { Origin: ORIGIN } }), 404, "not_found"],
      ];
      for (const [send, status, code, field] of cases) {
        const response = await send();
        await expectError(response, status, code, field);
        if (status === 405) assert.match(response.headers.get("allow"), /POST/);
      }
      assert.equal(await sandbox.outboundCount(), 0, "no rejected request reached the platform");
    });
  });

  test("rate limits are exact under a burst and answer 429 with Retry-After", async () => {
    await withEdge({ RATE_LIMIT_PER_IP: "3/1h" }, async (edge) => {
      const burst = await Promise.all(Array.from({ length: 10 }, (_, i) =>
        post(edge, callbackBody({ phone: `+3161234567${i}` }))));
      const statuses = burst.map((r) => r.status).sort();
      assert.deepEqual(statuses, [202, 202, 202, 429, 429, 429, 429, 429, 429, 429]);
      const limited = burst.find((r) => r.status === 429);
      const retry = Number(limited.headers.get("retry-after"));
      // At most the hour plus one bucket (a sixtieth of the window).
      assert.ok(retry > 0 && retry <= 3660, `Retry-After ${retry}`);
      assert.equal(limited.headers.get("access-control-expose-headers"), "Retry-After");
      await expectError(limited, 429, "rate_limited");
      assert.equal(await sandbox.outboundCount(), 3);
      // Another visitor is not affected by the first one's limit.
      const other = await post(edge, callbackBody({ phone: "+31687654321" }), browser({ "CF-Connecting-IP": "198.51.100.2" }));
      assert.equal(other.status, 202);
    });
  });

  test("the per-number limit and the daily cap hold across visitors", async () => {
    await withEdge({ RATE_LIMIT_PER_PHONE: "2/1h", DAILY_CAP: "3" }, async (edge) => {
      const ip = (n) => browser({ "CF-Connecting-IP": `198.51.100.${n}` });
      assert.equal((await post(edge, callbackBody(), ip(1))).status, 202);
      assert.equal((await post(edge, callbackBody(), ip(2))).status, 202);
      assert.equal((await post(edge, callbackBody(), ip(3))).status, 429, "a third call to one number");
      assert.equal((await post(edge, callbackBody({ phone: "+31687654321" }), ip(4))).status, 202);
      assert.equal((await post(edge, callbackBody({ phone: "+31201234567" }), ip(5))).status, 429, "the daily cap");
      assert.equal(await sandbox.outboundCount(), 3);
    });
  });

  test("an IPv6 client is one client across its /64, and a /48 shares a wider budget", async () => {
    await withEdge({ RATE_LIMIT_PER_IP: "2/1h", RATE_LIMIT_PER_NETWORK: "3/1h" }, async (edge) => {
      const from = (ip, n) => post(edge, callbackBody({ phone: `+3161234${String(5000 + n)}` }), browser({ "CF-Connecting-IP": ip }));
      // Rotating through one /64 (and writing addresses every way) does not help.
      assert.equal((await from("2001:db8:1:2::1", 1)).status, 202);
      assert.equal((await from("2001:db8:1:2:ffff:ffff:ffff:fffe", 2)).status, 202);
      const rotated = await from("2001:0DB8:0001:0002:0:0:0:abcd", 3);
      await expectError(rotated, 429, "rate_limited");
      // Another /64 of the same /48 gets one more, then the /48 is full.
      assert.equal((await from("2001:db8:1:3::1", 4)).status, 202);
      await expectError(await from("2001:db8:1:4::1", 5), 429, "rate_limited");
      // Another /48 is another client; IPv4 written as IPv6 is its IPv4.
      assert.equal((await from("2001:db8:2::1", 6)).status, 202);
      assert.equal((await from("203.0.113.7", 7)).status, 202);
      assert.equal((await from("203.0.113.7", 8)).status, 202);
      await expectError(await from("::ffff:203.0.113.7", 9), 429, "rate_limited");
      assert.equal(await sandbox.outboundCount(), 6);
      const limited = edge.logs.map((l) => { try { return JSON.parse(l); } catch { return {}; } })
        .filter((l) => l.status === 429).map((l) => l.detail ?? l.error);
      assert.ok(limited.length >= 3);
    });
  });

  test("a number has a daily cap beside its hourly one, and everybody an hourly cap", async () => {
    await withEdge({ RATE_LIMIT_PER_PHONE: "5/1h", RATE_LIMIT_PER_PHONE_DAILY: "3/1d", HOURLY_CAP: "5" }, async (edge) => {
      const ip = (n) => browser({ "CF-Connecting-IP": `198.51.100.${n}` });
      const victim = callbackBody({ phone: "+31612340001" });
      for (let n = 1; n <= 3; n++) assert.equal((await post(edge, victim, ip(n))).status, 202);
      // The hourly limit (5) has room; the number's daily cap (3) has not.
      const daily = await post(edge, victim, ip(4));
      await expectError(daily, 429, "rate_limited");
      assert.ok(Number(daily.headers.get("retry-after")) > 86_000, "a day after the first call");
      for (let n = 5; n <= 6; n++) {
        assert.equal((await post(edge, callbackBody({ phone: `+3161234000${n}` }), ip(n))).status, 202);
      }
      // Five placed: the hourly cap refuses everybody now.
      const capped = await post(edge, callbackBody({ phone: "+31612340009" }), ip(9));
      await expectError(capped, 429, "rate_limited");
      assert.ok(Number(capped.headers.get("retry-after")) > 3000, "until the first of the hour's calls is an hour old");
      assert.equal(await sandbox.outboundCount(), 5);
    });
  });

  test("one Idempotency-Key places one call, even when requests race", async () => {
    await withEdge({}, async (edge) => {
      const key = crypto.randomUUID();
      const racing = await Promise.all(Array.from({ length: 5 }, () =>
        post(edge, callbackBody(), browser({ "Idempotency-Key": key }))));
      const answers = await Promise.all(racing.map((r) => r.json()));
      assert.deepEqual(racing.map((r) => r.status), [202, 202, 202, 202, 202]);
      assert.equal(new Set(answers.map((a) => a.call_id)).size, 1);
      assert.equal(await sandbox.outboundCount(), 1);

      const again = await post(edge, callbackBody(), browser({ "Idempotency-Key": key }));
      assert.equal((await again.json()).call_id, answers[0].call_id);
      const changed = await post(edge, callbackBody({ note: "Something else" }), browser({ "Idempotency-Key": key }));
      await expectError(changed, 422, "idempotency_conflict");
      assert.equal(await sandbox.outboundCount(), 1);
    });
  });

  test("a key whose call failed upstream can be retried", async () => {
    await withEdge({}, async (edge) => {
      const key = crypto.randomUUID();
      await sandbox.fault({ status: 503, times: 1, path: "/calls/outbound" });
      await expectError(await post(edge, callbackBody(), browser({ "Idempotency-Key": key })), 502, "upstream_error");
      const retry = await post(edge, callbackBody(), browser({ "Idempotency-Key": key }));
      assert.equal(retry.status, 202);
      assert.equal(await sandbox.outboundCount(), 2);
    });
  });

  test("upstream faults map to 502 and 504, and documented 4xx to clear errors", async () => {
    await withEdge({ UPSTREAM_TIMEOUT_MS: "400" }, async (edge) => {
      const cases = [
        [{ latency_ms: 1500 }, 504, "upstream_timeout"],
        [{ status: 500 }, 502, "upstream_error"],
        [{ malformed: true }, 502, "upstream_malformed"],
        // A connection broken after the request went out may have placed
        // the call: it is looked up, never sent again blindly (504 while
        // the list does not show it).
        [{ drop: true }, 504, "upstream_timeout"],
        [{ status: 400 }, 400, "upstream_rejected"],
        // An unknown agent or a refused key is the operator's problem: to
        // the visitor it is like any platform failure (the log says which).
        [{ status: 404 }, 502, "upstream_error"],
        [{ status: 401 }, 502, "upstream_error"],
      ];
      for (const [fault, status, code] of cases) {
        await sandbox.fault({ ...fault, times: 1, path: "/calls/outbound" });
        const body = await expectError(await post(edge), status, code);
        assert.ok(!JSON.stringify(body).includes("Internal Server Error"), "no upstream body leaks");
      }
    });
  });

  test("an inactive agent is refused by the platform and answered 400", async () => {
    await withEdge({}, async (edge) => {
      await expectError(await post(edge, callbackBody({ agent: "retired" })), 400, "upstream_rejected");
    });
  });

  test("the status is found by the ticket alone, never by an id in the URL", async () => {
    await withEdge({}, async (edge) => {
      const a = await (await post(edge)).json();
      const b = await (await post(edge, callbackBody({ phone: "+31687654321" }))).json();
      const status = (ticket) => edge.fetch("/api/callback/status", {
        headers: ticket ? { Origin: ORIGIN, Authorization: `Ticket ${ticket}` } : { Origin: ORIGIN },
      });
      await expectError(await status(), 401, "ticket_missing");
      // The MAC's last character changed so that its bytes change too
      // (replacing it with "A" left a MAC ending in "A" as it was: 1 in 16).
      const tampered = tamperChar(a.ticket);
      assert.notEqual(tampered, a.ticket);
      await expectError(await status(tampered), 401, "ticket_invalid");
      const expired = mintTicket(a.call_id, Date.now() - 7_200_000, 3_600_000);
      await expectError(await status(expired), 401, "ticket_invalid");
      // Each ticket answers for its own call only.
      const [first, second] = await Promise.all([status(a.ticket), status(b.ticket)]);
      assert.equal(first.status, 200);
      assert.equal((await first.json()).call_id, a.call_id);
      assert.equal((await second.json()).call_id, b.call_id);
      // The old path with the call id in it is gone.
      const old = await edge.fetch(`/api/callback/${encodeURIComponent(a.call_id)}`, {
        headers: { Origin: ORIGIN, Authorization: `Ticket ${a.ticket}` },
      });
      assert.equal(old.status, 404);
      assert.equal((await edge.fetch("/api/callback/status", { method: "POST", headers: { Origin: ORIGIN } })).status, 405);
      // A ticket for a call the platform never had: after a minute it is unknown.
      const ghost = "call-outbound-000000000000";
      await expectError(await status(mintTicket(ghost, Date.now() - 120_000)), 404, "call_not_found");
      assert.equal((await (await status(mintTicket(ghost, Date.now()))).json()).status, "dialing");
    });
  });
});

describe("Turnstile", () => {
  let turnstile;
  before(async () => {
    turnstile = await startTurnstileFake();
  });
  after(async () => {
    await turnstile?.stop();
  });

  test("the always-passing dummy secret lets a callback through", async () => {
    await withEdge({ TURNSTILE_SECRET: "1x0000000000000000000000000000000AA", TURNSTILE_VERIFY_URL: turnstile.url, TURNSTILE_SITEKEY: "1x00000000000000000000AA" }, async (edge) => {
      const config = await (await edge.fetch("/api/config", { headers: { Origin: ORIGIN } })).json();
      assert.equal(config.turnstile_sitekey, "1x00000000000000000000AA");
      assert.equal((await post(edge, callbackBody({ turnstile_token: "XXXX.DUMMY.TOKEN.XXXX" }))).status, 202);
      assert.equal(turnstile.seen.at(-1).remoteip, "203.0.113.7");
      await expectError(await post(edge, callbackBody({ phone: "+31687654321" })), 403, "bot_check_failed", "turnstile_token");
      assert.equal(await sandbox.outboundCount(), 1);
    });
  });

  test("a token counts only for the asking page's host and the callback action", async () => {
    await withEdge({ TURNSTILE_SECRET: TURNSTILE_TEST_SECRET, TURNSTILE_VERIFY_URL: turnstile.url, TURNSTILE_SITEKEY: "0x4AAAAAAAsitekey" }, async (edge) => {
      const withToken = (token, phone) => post(edge, callbackBody({ turnstile_token: token, phone }));
      const host = new URL(ORIGIN).hostname;
      await expectError(await withToken("ok|evil.example|callback", "+31612340101"), 403, "bot_check_failed", "turnstile_token");
      await expectError(await withToken(`ok|${host}|login`, "+31612340102"), 403, "bot_check_failed", "turnstile_token");
      await expectError(await withToken("ok", "+31612340103"), 403, "bot_check_failed", "turnstile_token");
      assert.equal(await sandbox.outboundCount(), 0);
      assert.equal((await withToken(`ok|${host}|callback`, "+31612340104")).status, 202);
      assert.equal(await sandbox.outboundCount(), 1);
    });
  });

  test("the always-failing dummy secret refuses with 403 and no upstream call", async () => {
    await withEdge({ TURNSTILE_SECRET: "2x0000000000000000000000000000000AA", TURNSTILE_VERIFY_URL: turnstile.url }, async (edge) => {
      await expectError(await post(edge, callbackBody({ turnstile_token: "XXXX.DUMMY.TOKEN.XXXX" })), 403, "bot_check_failed");
      assert.equal(await sandbox.outboundCount(), 0);
    });
  });
});
