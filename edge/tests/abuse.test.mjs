// Abuse in workerd, with the sandbox as the platform: one Idempotency-Key
// hammered with retries while the platform fails, bursts against every
// limit (with a well-behaved visitor served throughout), and the faults the
// other suites do not cover. "Calls placed" is what the platform itself
// lists, not what the edge says.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  API_KEY, ORIGIN, browser, callbackBody, freePort, mintToken, nowSeconds, startSandbox, waitFor,
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

/** The calls the platform has placed, by destination. */
async function placed() {
  const r = await fetch(`${sandbox.url}/calls?limit=1000`, { headers: { Authorization: `Bearer ${API_KEY}` } });
  const { calls } = await r.json();
  const byNumber = new Map();
  for (const call of calls.filter((c) => c.id.startsWith("call-outbound-"))) {
    byNumber.set(call.caller_phone, (byNumber.get(call.caller_phone) ?? 0) + 1);
  }
  return { total: [...byNumber.values()].reduce((a, b) => a + b, 0), byNumber };
}

const post = (edge, body, headers) => edge.fetch("/api/callback", { method: "POST", headers: browser(headers), body });

test("one Idempotency-Key retried 20 times, in sequence and at once, with platform faults between, places one call", async () => {
  // A dropped connection may have placed the call: the platform's list is
  // taken at its word one second on (the default is 30).
  await withEdge({ MAYBE_PLACED_SECONDS: "1" }, async (edge) => {
    const key = crypto.randomUUID();
    const body = callbackBody({ phone: "+31612349001" });
    // The platform fails the first two attempts (503, then a dropped
    // connection): the 503 frees the key, the drop keeps it "maybe placed"
    // until the list shows the call was not placed.
    await sandbox.fault({ status: 503, times: 1, path: "/calls/outbound" });
    await sandbox.fault({ drop: true, times: 1, path: "/calls/outbound" });
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await post(edge, body, { "Idempotency-Key": key }));
    const racing = await Promise.all(Array.from({ length: 10 }, () => post(edge, body, { "Idempotency-Key": key })));
    answers.push(...racing);
    const statuses = answers.map((r) => r.status);
    const accepted = await Promise.all(answers.filter((r) => r.status === 202).map((r) => r.json()));
    assert.deepEqual(statuses.slice(0, 2).map((s) => s >= 500), [true, true], `first attempts: ${statuses}`);
    assert.equal(accepted.length, 18, `statuses: ${statuses}`);
    assert.equal(new Set(accepted.map((a) => a.call_id)).size, 1, "every success is the same call");
    assert.equal((await placed()).total, 1);
  });
});

test("500 requests from one IPv6 /64 place exactly the per-client limit, while another visitor is served", async () => {
  await withEdge({ RATE_LIMIT_PER_IP: "5/1h", RATE_LIMIT_PER_NETWORK: "20/1h" }, async (edge) => {
    const burst = [];
    const honest = [];
    for (let wave = 0; wave < 20; wave++) {
      const requests = Array.from({ length: 25 }, (_, i) => {
        const n = wave * 25 + i;
        const ip = `2001:db8:aa:1:${(n % 65536).toString(16)}::${(n * 7 % 65536).toString(16)}`;
        return post(edge, callbackBody({ phone: `+3161${String(2_000_000 + n).padStart(7, "0")}` }), { "CF-Connecting-IP": ip });
      });
      // A visitor elsewhere asks during the burst, once every few waves.
      if (wave % 5 === 0) {
        requests.push(post(edge, callbackBody({ phone: `+3162${String(3_000_000 + wave).padStart(7, "0")}` }), { "CF-Connecting-IP": `198.51.100.${wave + 1}` })
          .then((r) => { honest.push(r.status); return r; }));
      }
      burst.push(...await Promise.all(requests));
    }
    const limited = burst.filter((r) => r.status === 429).length;
    assert.deepEqual(honest, [202, 202, 202, 202], "the honest visitor was served");
    assert.equal(limited, 500 - 5, "all but the limit were refused");
    assert.equal((await placed()).total, 5 + honest.length);
  });
});

test("many addresses calling one number place exactly the per-number limits", async () => {
  await withEdge({ RATE_LIMIT_PER_PHONE: "3/1h", RATE_LIMIT_PER_PHONE_DAILY: "4/1d" }, async (edge) => {
    const victim = "+31612349002";
    const responses = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      post(edge, callbackBody({ phone: victim }), { "CF-Connecting-IP": `203.0.113.${i + 1}` })));
    assert.equal(responses.filter((r) => r.status === 202).length, 3);
    assert.equal((await placed()).byNumber.get(victim), 3);
    // Written another way, the number is still the same number.
    const again = await post(edge, callbackBody({ phone: "+310612349002" }), { "CF-Connecting-IP": "203.0.113.200" });
    assert.equal(again.status, 429);
    assert.equal((await placed()).byNumber.get(victim), 3);
  });
});

test("many numbers from one address place exactly the per-client limit, and the hourly cap holds for everyone", async () => {
  await withEdge({ RATE_LIMIT_PER_IP: "4/1h", HOURLY_CAP: "10" }, async (edge) => {
    const one = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      post(edge, callbackBody({ phone: `+3161${String(4_000_000 + i).padStart(7, "0")}` }), { "CF-Connecting-IP": "192.0.2.10" })));
    assert.equal(one.filter((r) => r.status === 202).length, 4);
    // Then a crowd, each address within its own limit: the hourly cap stops it.
    const crowd = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      post(edge, callbackBody({ phone: `+3161${String(5_000_000 + i).padStart(7, "0")}` }), { "CF-Connecting-IP": `192.0.2.${100 + i}` })));
    assert.equal(crowd.filter((r) => r.status === 202).length, 6);
    assert.equal((await placed()).total, 10);
  });
});

test("platform faults and an unreachable bot check are answered as documented, without retrying on the visitor's behalf", async () => {
  await withEdge({ UPSTREAM_TIMEOUT_MS: "400" }, async (edge) => {
    for (const [fault, status, code] of [[{ status: 503 }, 502, "upstream_error"], [{ status: 502 }, 502, "upstream_error"],
      // The account's credits are the platform's state, not a fault of the
      // visitor's request: 503, and no retry.
      [{ status: 402 }, 503, "unavailable"], [{ latency_ms: 1500 }, 504, "upstream_timeout"]]) {
      await sandbox.fault({ ...fault, times: 1, path: "/calls/outbound" });
      const response = await post(edge, callbackBody({ phone: "+31612349003" }));
      assert.equal(response.status, status, JSON.stringify(fault));
      assert.equal((await response.json()).error.code, code);
    }
    // The operator hears of the credits; the visitor only that it failed.
    const health = await edge.fetch("/api/health");
    assert.equal(health.status, 503);
    assert.equal((await health.json()).credits, "out");
    assert.ok(edge.logs.some((l) => l.includes("credits: the platform has no credits left")));
    // The key's budget spent on the platform's side: 503 busy, and the
    // edge holds off for the window (the next callback costs nothing).
    await sandbox.fault({ status: 429, times: 1, path: "/calls/outbound" });
    const refused = await post(edge, callbackBody({ phone: "+31612349003" }));
    assert.equal(refused.status, 503);
    assert.equal((await refused.json()).error.code, "busy");
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    // The Guard hears of the 429 just after the answer is sent.
    await waitFor(async () => {
      const next = await post(edge, callbackBody({ phone: "+31612349013" }));
      return next.status === 503 && (await next.json()).error.code === "busy";
    }, 5_000, "the edge to hold off after a platform 429");
    const sent = await sandbox.outboundCount();
    const held = await post(edge, callbackBody({ phone: "+31612349014" }));
    assert.equal(held.status, 503);
    assert.equal(await sandbox.outboundCount(), sent, "held off without asking the platform");
  });
  const closed = await freePort();
  await withEdge({ TURNSTILE_SECRET: "0x4AAAAAAAcallme-test-secret", TURNSTILE_VERIFY_URL: `http://127.0.0.1:${closed}/siteverify` }, async (edge) => {
    const response = await post(edge, callbackBody({ turnstile_token: "ok|shop.example|callback" }));
    assert.equal(response.status, 403);
    assert.equal((await response.json()).error.code, "bot_check_failed");
    assert.equal((await placed()).total, 0, "a bot check that cannot run lets nothing through");
  });
});

test("status polls and history requests are limited per ticket and per token", async () => {
  await withEdge({ RATE_LIMIT_STATUS: "5/1m", RATE_LIMIT_HISTORY: "3/1m" }, async (edge) => {
    const { ticket } = await (await post(edge, callbackBody({ phone: "+31612349004" }))).json();
    const poll = () => edge.fetch("/api/callback/status", { headers: { Origin: ORIGIN, Authorization: `Ticket ${ticket}` } });
    const polls = [];
    for (let i = 0; i < 8; i++) polls.push(await poll());
    assert.deepEqual(polls.map((r) => r.status), [200, 200, 200, 200, 200, 429, 429, 429]);
    assert.ok(Number(polls[7].headers.get("retry-after")) > 0);
    const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read" });
    const lists = [];
    for (let i = 0; i < 5; i++) lists.push((await edge.fetch("/api/calls", { headers: { Authorization: `Bearer ${token}` } })).status);
    assert.deepEqual(lists, [200, 200, 200, 429, 429]);
    const listRequests = (await sandbox.requests("/calls")).filter((r) => r.method === "GET").length;
    assert.ok(listRequests <= 3 + 1, `${listRequests} platform list requests`);
  });
});

/** The Guard's log lines that mention `text`. */
const logged = (edge, text) => edge.logs.filter((line) => line.includes(text));

test("a Guard whose storage fails lets nothing through: 503 with Retry-After, no platform request, the cause only in the log", async () => {
  await withSharedSandboxEdge(sandbox, {}, async (edge) => {
    const answers = [
      await post(edge, callbackBody({ phone: "+31612349005" })),
      await post(edge, callbackBody({ phone: "+31612349005" }), { "Idempotency-Key": "guard-down-0001" }),
    ];
    for (const response of answers) {
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "5");
      const text = await response.text();
      assert.equal(JSON.parse(text).error.code, "unavailable");
      assert.doesNotMatch(text, /SQLITE|storage|guard/i, "the Guard's words stay in the log");
    }
    const token = mintToken({ exp: nowSeconds() + 600, scope: "calls:read" });
    const history = await edge.fetch("/api/calls", { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(history.status, 503);
    assert.equal((await edge.fetch("/api/config", { headers: { Origin: ORIGIN } })).status, 200, "what needs no Guard still answers");
    assert.equal((await sandbox.requests("/")).length, 0, "no platform request without the Guard");
    assert.equal(logged(edge, "guard storage failed: SQLITE_FULL").length, 3);
    assert.deepEqual(await edge.guardOps(), { admit: 1, count: 2 });
  }, { guard: "down" });
});

test("a Guard that cannot store a placed call's answer does not turn the call into an error", async () => {
  await withSharedSandboxEdge(sandbox, {}, async (edge) => {
    const response = await post(edge, callbackBody({ phone: "+31612349006" }), { "Idempotency-Key": "finish-fails-01" });
    assert.equal(response.status, 202, "the call was placed: the visitor gets its ticket, not a reason to retry");
    assert.ok((await response.json()).ticket);
    assert.equal((await placed()).total, 1);
    assert.equal(logged(edge, "idempotency record not settled").length, 1);
    assert.deepEqual(await edge.guardOps(), { admit: 1, finish: 1 });
    // A failed call whose key cannot be released keeps its own error.
    await sandbox.fault({ status: 503, times: 1, path: "/calls/outbound" });
    const failed = await post(edge, callbackBody({ phone: "+31612349007" }), { "Idempotency-Key": "finish-fails-02" });
    assert.equal(failed.status, 502);
    assert.equal((await failed.json()).error.code, "upstream_error");
  }, { guard: "finish-fails" });
});

test("a request still waiting on another holding its Idempotency-Key after the wait gets 409 and places nothing", async () => {
  // The wait is twice the platform timeout plus 3 s: 3.4 s here.
  await withSharedSandboxEdge(sandbox, { UPSTREAM_TIMEOUT_MS: "200" }, async (edge) => {
    const started = Date.now();
    const response = await post(edge, callbackBody({ phone: "+31612349008" }), { "Idempotency-Key": "held-elsewhere-1" });
    const waited = Date.now() - started;
    assert.equal(response.status, 409);
    assert.equal((await response.json()).error.code, "idempotency_in_progress");
    assert.ok(waited >= 3_400 && waited < 10_000, `waited ${waited} ms`);
    const { admit } = await edge.guardOps();
    assert.ok(admit >= 10, `asked the Guard ${admit} times while waiting`);
    assert.equal((await sandbox.requests("/")).length, 0);
  }, { guard: "pending" });
});
