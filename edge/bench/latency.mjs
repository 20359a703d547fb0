// Latency of the Rust worker in workerd against a minimal JavaScript worker
// doing the same I/O, measured in the same run: GET /api/health, and a
// proxied POST /api/callback with the sandbox as upstream. The JavaScript
// baseline skips everything the Rust worker adds (validation, number
// metadata, the Guard object, tickets), so the ratio is that work's price.
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { browser, callbackBody, settings, startEdge, startSandbox, SUPPORT_AGENT } from "../tests/support.mjs";

const HEALTH_RUNS = 300;
const CALLBACK_RUNS = 100;

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

async function timeRuns(runs, send) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const response = await send(i);
    await response.arrayBuffer();
    if (response.status >= 300) throw new Error(`status ${response.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50: at(0.5), p95: at(0.95) };
}

const sandbox = await startSandbox(["--demo-calls", "10"]);
const config = settings(sandbox.url, { RATE_LIMIT_PER_IP: "1000000/1h", RATE_LIMIT_PER_PHONE: "1000000/1h", DAILY_CAP: "1000000" });
let rust;
let js;
try {
  rust = await startEdge(config);
  js = new Miniflare(convertV4MiniflareOptions({
    modules: true, script: BASELINE, bindings: config, compatibilityDate: "2026-11-01", host: "127.0.0.1", port: 0,
  }));
  await js.ready;
  const jsFetch = (p, init) => js.dispatchFetch(`http://edge.test${p}`, init);

  const firstStarted = performance.now();
  const first = await rust.fetch("/api/callback", { method: "POST", headers: browser(), body: callbackBody() });
  await first.arrayBuffer();
  const coldCallback = performance.now() - firstStarted;

  const post = (fetcher) => (i) => fetcher("/api/callback", {
    method: "POST",
    headers: browser({ "CF-Connecting-IP": `198.51.100.${i % 250}` }),
    body: callbackBody({ phone: `+3161234${String(1000 + i).slice(-4)}` }),
  });
  for (const fetcher of [rust.fetch, jsFetch]) await timeRuns(20, () => fetcher("/api/health"));

  const rows = [
    ["GET /api/health", await timeRuns(HEALTH_RUNS, () => rust.fetch("/api/health")), await timeRuns(HEALTH_RUNS, () => jsFetch("/api/health"))],
    ["POST /api/callback (proxied)", await timeRuns(CALLBACK_RUNS, post(rust.fetch)), await timeRuns(CALLBACK_RUNS, post(jsFetch))],
  ];
  console.log(`== edge latency in workerd (miniflare), sequential, after warm-up`);
  for (const [name, r, j] of rows) {
    console.log(`${name.padEnd(30)} rust p50 ${r.p50.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms | js baseline p50 ${j.p50.toFixed(2)} ms  p95 ${j.p95.toFixed(2)} ms | p50 ratio ${(r.p50 / j.p50).toFixed(2)}x`);
  }
  console.log(`first callback of a fresh isolate (number metadata loads): ${coldCallback.toFixed(1)} ms`);
} finally {
  await js?.dispose();
  await rust?.stop();
  await sandbox.stop();
}
