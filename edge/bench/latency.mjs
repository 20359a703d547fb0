// The edge's speed in workerd, each figure against a baseline measured in
// the same run (run by `cargo xtask bench`, which prints the verdicts and
// writes BENCHMARKS.md from the JSON this prints last):
//
// - warm latency: GET /api/health and a proxied POST /api/callback, Rust
//   worker against a minimal JavaScript worker doing the same I/O, in
//   alternating rounds so that machine noise hits both alike;
// - the first callback of a fresh isolate against a warm one, over several
//   fresh isolates (the JavaScript worker's own first request alongside,
//   for what workerd itself costs);
// - Guard round trips per callback, read from the worker's log line.
//
// The JavaScript baseline skips everything the Rust worker adds
// (validation, number metadata, the Guard object, tickets), so the ratio
// is that work's price.
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import {
  browser, callbackBody, settings, startEdge, startSandbox, startTurnstileFake, SUPPORT_AGENT,
} from "../tests/support.mjs";

const ROUND = 50;
const ROUNDS = 11; // 550 requests of each kind for each worker
const FRESH_ISOLATES = 12;

const BASELINE = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/api/health") return Response.json({ ok: true });
    const body = await request.json();
    const answer = await fetch(env.UPSTREAM_URL + "/calls/outbound", {
      method: "POST",
      headers: { Authorization: "Bearer " + env.VOICE_API_KEY, "Content-Type": "application/json" },
      body: JSON.stringify({ destination: body.phone, agent_id: "${SUPPORT_AGENT}" }),
    });
    return new Response(await answer.text(), { status: 202, headers: { "Content-Type": "application/json" } });
  },
};`;

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (values) => quantile([...values].sort((a, b) => a - b), 0.5);

async function timed(send) {
  const started = performance.now();
  const response = await send();
  await response.arrayBuffer();
  if (response.status >= 300) throw new Error(`status ${response.status}`);
  return performance.now() - started;
}

/** Alternating rounds of `ROUND` requests: Rust, then JavaScript, ... */
async function alternate(rust, js) {
  const times = { rust: [], js: [] };
  let n = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, send] of [["rust", rust], ["js", js]]) {
      for (let i = 0; i < ROUND; i++) times[name].push(await timed(() => send(n++)));
    }
  }
  const summary = (list) => {
    const sorted = [...list].sort((a, b) => a - b);
    return { n: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
  };
  return { rust: summary(times.rust), js: summary(times.js) };
}

const phoneFor = (n) => `+316${String(10_000_000 + (n % 89_999_999)).slice(-8)}`;
const postTo = (fetcher) => (n) => fetcher("/api/callback", {
  method: "POST",
  headers: browser({ "CF-Connecting-IP": `198.51.100.${n % 250}` }),
  body: callbackBody({ phone: phoneFor(n) }),
});

function startBaseline(bindings) {
  const mf = new Miniflare(convertV4MiniflareOptions({
    modules: true, script: BASELINE, bindings, compatibilityDate: "2026-11-01", host: "127.0.0.1", port: 0,
  }));
  return mf.ready.then(() => ({
    fetch: (p, init) => mf.dispatchFetch(`http://edge.test${p}`, init),
    stop: () => mf.dispose(),
  }));
}

/** The first callback of `count` fresh isolates of a worker. */
async function firstCallbacks(start, count) {
  const firsts = [];
  for (let i = 0; i < count; i++) {
    const worker = await start();
    try {
      firsts.push(await timed(() => postTo(worker.fetch)(1_000_000 + i)));
    } finally {
      await worker.stop();
    }
  }
  return firsts;
}

/**
 * Where a fresh isolate's first callback spends its time: the first request
 * of all (the runtime loads the module), then the first callback once the
 * module is loaded (the Guard object starts, the number check's code runs
 * for the first time, the first connection to the platform), then a second
 * callback on the same isolate.
 */
async function coldParts(start, count) {
  const parts = { first_request: [], first_callback_loaded: [], second_callback: [] };
  for (let i = 0; i < count; i++) {
    const worker = await start();
    try {
      parts.first_request.push(await timed(() => worker.fetch("/api/health")));
      parts.first_callback_loaded.push(await timed(() => postTo(worker.fetch)(3_000_000 + i)));
      parts.second_callback.push(await timed(() => postTo(worker.fetch)(3_100_000 + i)));
    } finally {
      await worker.stop();
    }
  }
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, median(v)]));
}

/** Guard round trips of one callback, from the worker's log line. */
async function guardCalls(edge, headers = {}, body = {}) {
  edge.logs.length = 0;
  const response = await edge.fetch("/api/callback", {
    method: "POST",
    headers: browser(headers),
    body: callbackBody({ phone: phoneFor(Math.floor(Math.random() * 1e7)), ...body }),
  });
  await response.arrayBuffer();
  if (response.status !== 202) throw new Error(`callback answered ${response.status}`);
  const line = edge.logs.map((l) => { try { return JSON.parse(l); } catch { return null; } })
    .find((l) => l?.route === "/api/callback");
  if (!line) throw new Error("no log line for the callback");
  return line.guard_calls;
}

const sandbox = await startSandbox(["--demo-calls", "10"]);
const turnstile = await startTurnstileFake();
const config = settings(sandbox.url, {
  RATE_LIMIT_PER_IP: "1000000/1h", RATE_LIMIT_PER_NETWORK: "1000000/1h", RATE_LIMIT_PER_PHONE: "1000000/1h",
  RATE_LIMIT_PER_PHONE_DAILY: "1000000/1d", HOURLY_CAP: "1000000", DAILY_CAP: "1000000",
});
const results = {};
let rust;
let js;
try {
  rust = await startEdge(config);
  js = await startBaseline(config);
  for (let i = 0; i < 30; i++) {
    await timed(() => rust.fetch("/api/health"));
    await timed(() => js.fetch("/api/health"));
    await timed(() => postTo(rust.fetch)(2_000_000 + i));
    await timed(() => postTo(js.fetch)(2_000_000 + i));
  }
  results.health = await alternate(() => rust.fetch("/api/health"), () => js.fetch("/api/health"));
  results.callback = await alternate(postTo(rust.fetch), postTo(js.fetch));

  results.guard_calls = {
    plain: await guardCalls(rust),
    idempotency_key: await guardCalls(rust, { "Idempotency-Key": crypto.randomUUID() }),
  };
  const withTurnstile = await startEdge(settings(sandbox.url, {
    ...config,
    TURNSTILE_SECRET: "1x0000000000000000000000000000000AA",
    TURNSTILE_VERIFY_URL: turnstile.url,
    TURNSTILE_SITEKEY: "1x00000000000000000000AA",
  }));
  try {
    results.guard_calls.turnstile_and_key = await guardCalls(
      withTurnstile, { "Idempotency-Key": crypto.randomUUID() }, { turnstile_token: "XXXX.DUMMY.TOKEN.XXXX" },
    );
  } finally {
    await withTurnstile.stop();
  }
} finally {
  await js?.stop();
  await rust?.stop();
}
try {
  const rustFirsts = await firstCallbacks(() => startEdge(config), FRESH_ISOLATES);
  const jsFirsts = await firstCallbacks(() => startBaseline(config), FRESH_ISOLATES);
  results.cold = {
    isolates: FRESH_ISOLATES,
    rust_first_median: median(rustFirsts),
    rust_firsts: rustFirsts,
    js_first_median: median(jsFirsts),
    rust_parts: await coldParts(() => startEdge(config), FRESH_ISOLATES / 2),
    js_parts: await coldParts(() => startBaseline(config), FRESH_ISOLATES / 2),
  };
} finally {
  await turnstile.stop();
  await sandbox.stop();
}
console.log(`BENCH-JSON ${JSON.stringify(results)}`);
