// What the edge spends of the platform key's budget (run by `cargo xtask
// bench`, which prints the verdicts from the JSON this prints last):
//
// - one call placed and followed to "ended" by a visitor polling every
//   second: with the sandbox's signed events, and with none;
// - load: three isolates of the edge (three workers in one workerd, sharing
//   the Guard and the call record as a deployment's isolates do) serving
//   30 visitors placing and following calls and 5 portal users paging for
//   BENCH_LOAD_SECONDS (180), against a sandbox that enforces the
//   platform's 100 requests a minute: platform requests in every 60 s
//   window, the platform's 429s, admitted callbacks placed, and how many
//   were refused `busy`;
// - how long after a callback's answer its record is there (the write is
//   off the visitor's path).
import path from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import {
  ROOT, ORIGIN, applyMigrations, browser, callbackBody, mintToken, nowSeconds, settings, startEdge, startSandbox,
} from "../tests/support.mjs";

const STEP_MS = 2_000; // dialing, connecting, 2 steps of talk: 8 s a call
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS || 180);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const platformPaths = (requests) => requests.filter((r) => r.path === "/calls" || r.path.startsWith("/calls/"));

/** One call followed to its end by a poll a second; the platform requests it cost. */
async function followOne(withEvents) {
  const sandbox = await startSandbox(["--step-ms", String(STEP_MS)]);
  const secret = "whsec-bench-0123456789abcdef0123";
  const edge = await startEdge(settings(sandbox.url, { PLATFORM_WEBHOOK_SECRET: secret, STATUS_REFRESH_SECONDS: "15" }));
  try {
    if (withEvents) await sandbox.webhook(`${edge.url}/api/platform/events`, secret);
    const before = platformPaths(await sandbox.requests("/")).length;
    const started = Date.now();
    const response = await edge.fetch("/api/callback", { method: "POST", headers: browser(), body: callbackBody() });
    const { ticket } = await response.json();
    let status = "";
    while (status !== "ended" && Date.now() - started < 60_000) {
      await sleep(1_000);
      const poll = await edge.fetch("/api/callback/status", { headers: { Origin: ORIGIN, Authorization: `Ticket ${ticket}` } });
      status = (await poll.json()).status;
    }
    return {
      requests: platformPaths(await sandbox.requests("/")).length - before,
      seconds: (Date.now() - started) / 1_000,
      ended: status === "ended",
    };
  } finally {
    await edge.stop();
    await sandbox.stop();
  }
}

/** The edge as three workers of one workerd, sharing its objects and its D1. */
async function threeIsolates(bindings) {
  const modules = [
    { type: "ESModule", path: path.join(ROOT, "edge/build/index.js") },
    { type: "CompiledWasm", path: path.join(ROOT, "edge/build/index_bg.wasm") },
  ];
  const worker = (name) => ({
    name,
    routes: [`${name}.test/*`],
    modulesRoot: path.join(ROOT, "edge/build"),
    modules,
    compatibilityDate: "2026-11-01",
    bindings,
    d1Databases: { CALLS: "callme-calls" },
    durableObjects: {
      GUARD: { className: "Guard", scriptName: "edge-1", useSQLite: true },
      SCHEDULER: { className: "Scheduler", scriptName: "edge-1", useSQLite: true },
    },
  });
  const mf = new Miniflare(convertV4MiniflareOptions({
    workers: [worker("edge-1"), worker("edge-2"), worker("edge-3")],
    host: "127.0.0.1",
    port: 0,
    handleStructuredLogs: () => {},
  }));
  await mf.ready;
  await applyMigrations(await mf.getD1Database("CALLS", "edge-1"));
  return {
    fetch: (i, p, init = {}) => mf.dispatchFetch(`http://edge-${(i % 3) + 1}.test${p}`, init),
    stop: () => mf.dispose(),
  };
}

async function load() {
  const sandbox = await startSandbox(["--step-ms", "3000", "--rate-limit", "100/1m"]);
  const secret = "whsec-bench-load-0123456789abcdef";
  const edges = await threeIsolates(settings(sandbox.url, {
    PLATFORM_WEBHOOK_SECRET: secret, PLATFORM_RATE_LIMIT: "100/1m", PLATFORM_RESERVE: "20",
    STATUS_REFRESH_SECONDS: "15", RATE_LIMIT_PER_IP: "1000/1h", RATE_LIMIT_PER_PHONE: "1000/1h",
    RATE_LIMIT_PER_PHONE_DAILY: "1000/1d", RATE_LIMIT_HISTORY: "100000/1m", HOURLY_CAP: "100000", DAILY_CAP: "100000",
  }));
  const started = Date.now();
  const until = started + LOAD_SECONDS * 1_000;
  const results = { admitted: 0, busy: 0, other: 0, pages: 0, polls: 0 };
  const token = mintToken({ exp: nowSeconds() + 3_600, scope: "calls:read" });
  const visitor = async (i) => {
    let n = 0;
    while (Date.now() < until) {
      const r = await edges.fetch(i, "/api/callback", {
        method: "POST",
        headers: browser({ "CF-Connecting-IP": `198.51.100.${i + 1}` }),
        body: callbackBody({ phone: `+3161234${String(8000 + i * 50 + (n++ % 50)).padStart(4, "0")}` }),
      });
      const body = await r.json();
      if (r.status === 202) {
        results.admitted++;
        // Follow it: a poll a second until it ends (or 20 s).
        for (let k = 0; k < 20 && Date.now() < until; k++) {
          await sleep(1_000);
          const s = await edges.fetch(i, "/api/callback/status", { headers: { Origin: ORIGIN, Authorization: `Ticket ${body.ticket}` } });
          results.polls++;
          if ((await s.json()).status === "ended") break;
        }
      } else {
        if (body.error?.code === "busy") results.busy++;
        else results.other++;
        await sleep(Math.max(1, Number(r.headers.get("retry-after")) || 1) * 1_000);
      }
    }
  };
  const portalUser = async (i) => {
    let page = 0;
    while (Date.now() < until) {
      const r = await edges.fetch(i, `/api/calls?limit=50&offset=${(page++ % 10) * 50}`, { headers: { Authorization: `Bearer ${token}` } });
      if (r.status === 200) results.pages++;
      await r.text();
      await sleep(2_000);
    }
  };
  // A real platform would post events to the worker; the sandbox posts to
  // a small relay into the first isolate.
  const { createServer } = await import("node:http");
  const relay = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const r = await edges.fetch(0, "/api/platform/events", { method: "POST", headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(r.status).end(await r.text());
  }).listen(0, "127.0.0.1");
  await new Promise((resolve) => relay.once("listening", resolve));
  await sandbox.webhook(`http://127.0.0.1:${relay.address().port}/`, secret);
  try {
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => visitor(i)),
      ...Array.from({ length: 5 }, (_, i) => portalUser(i)),
    ]);
    const requests = platformPaths(await sandbox.requests("/")).filter((r) => r.at_ms >= started);
    const times = requests.map((r) => r.at_ms).sort((a, b) => a - b);
    let worstWindow = 0;
    for (let a = 0, b = 0; b < times.length; b++) {
      while (times[b] - times[a] >= 60_000) a++;
      worstWindow = Math.max(worstWindow, b - a + 1);
    }
    const budget = await sandbox.budget();
    const outbound = (await sandbox.requests("/calls/outbound")).filter((r) => r.at_ms >= started).length;
    return { seconds: LOAD_SECONDS, ...results, platform_requests: requests.length, worst_window: worstWindow, platform_429: budget.refused, outbound };
  } finally {
    relay.close();
    await edges.stop();
    await sandbox.stop();
  }
}

/** How long after a callback's answer its record is there, median of 20. */
async function recordLag() {
  const sandbox = await startSandbox(["--step-ms", "60000"]);
  const edge = await startEdge(settings(sandbox.url, { RATE_LIMIT_PER_IP: "1000/1h" }));
  try {
    const lags = [];
    for (let i = 0; i < 20; i++) {
      const r = await edge.fetch("/api/callback", { method: "POST", headers: browser(), body: callbackBody({ phone: `+3161234${String(9100 + i)}` }) });
      const { call_id: id } = await r.json();
      const answered = performance.now();
      while (!(await edge.records()).some((row) => row.id === id)) await sleep(1);
      lags.push(performance.now() - answered);
    }
    lags.sort((a, b) => a - b);
    return { median_ms: lags[10] };
  } finally {
    await edge.stop();
    await sandbox.stop();
  }
}

const result = {
  with_events: await followOne(true),
  without_events: await followOne(false),
  record_lag: await recordLag(),
  load: await load(),
};
console.log(`BENCH-JSON ${JSON.stringify(result)}`);
