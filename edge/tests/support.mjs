// Test support for the edge in the real workerd runtime: the sandbox (the
// voice platform's stand-in) as upstream, a local Turnstile fake, and
// Miniflare running the built worker. Every server listens on 127.0.0.1 on
// a free port and is stopped by the test that started it.
import { spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { once } from "node:events";
import { createInterface } from "node:readline";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const API_KEY = "sk-sandbox-" + randomUUID();
export const TICKET_SECRET = "ticket-" + randomUUID();
export const PORTAL_SECRET = "portal-" + randomUUID();
export const ORIGIN = "https://shop.example";
/** The browser for the browser tests: `cargo xtask test` finds it (CHROME_PATH, else the usual places). */
export const CHROME_PATH = process.env.CHROME_PATH || "/usr/bin/chromium";
export const SUPPORT_AGENT = "0b0c0f6e-8a1d-4c55-9a43-6f1f2a7c9d01";

/** Starts the sandbox binary and resolves once it prints its address. */
export async function startSandbox(extraArgs = []) {
  const bin = path.join(ROOT, "target/debug/callme-sandbox");
  // A budget no test reaches unless it sets its own (a later flag wins).
  const child = spawn(bin, ["--port", "0", "--step-ms", "150", "--rate-limit", "100000/1m", ...extraArgs], {
    env: { ...process.env, SANDBOX_API_KEY: API_KEY },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  // A sandbox that exits instead (a bad flag) must fail the test, not
  // leave it waiting on a line that never comes.
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`callme-sandbox exited (${code}) before listening`);
  });
  const [line] = await Promise.race([once(lines, "line"), exited]);
  exited.catch(() => {});
  const url = line.replace("callme-sandbox listening on ", "").trim();
  if (!url.startsWith("http://127.0.0.1:")) throw new Error(`unexpected sandbox output: ${line}`);
  const sandbox = {
    url,
    async outboundCount() {
      const r = await fetch(`${url}/_sandbox/requests?path=/calls/outbound&method=POST`);
      return (await r.json()).count;
    },
    async requests(prefix) {
      const r = await fetch(`${url}/_sandbox/requests?path=${encodeURIComponent(prefix)}`);
      return (await r.json()).requests;
    },
    async fault(rule) {
      const r = await fetch(`${url}/_sandbox/faults`, { method: "POST", body: JSON.stringify(rule) });
      if (r.status !== 204) throw new Error(`fault refused: ${await r.text()}`);
    },
    async reset() {
      await fetch(`${url}/_sandbox/reset`, { method: "POST" });
    },
    /** Points the sandbox's signed call events at `target` (null: off). */
    async webhook(target, secret) {
      const r = await fetch(`${url}/_sandbox/webhook`, { method: "POST", body: JSON.stringify({ url: target, secret }) });
      if (!r.ok) throw new Error(`webhook refused: ${await r.text()}`);
    },
    /** Makes the events misbehave: `{mode: "late"|"twice"|"out_of_order"|"drop"|"bad_signature", ...}`. */
    async webhookFault(rule) {
      const r = await fetch(`${url}/_sandbox/webhook-faults`, { method: "POST", body: JSON.stringify(rule) });
      if (!r.ok) throw new Error(`webhook fault refused: ${await r.text()}`);
    },
    /** The events the sandbox delivered (or tried to). */
    async deliveries() {
      return (await (await fetch(`${url}/_sandbox/webhooks`)).json()).deliveries;
    },
    /** The key's budget as the sandbox counts it. */
    async budget(set) {
      if (set) await fetch(`${url}/_sandbox/budget`, { method: "POST", body: JSON.stringify(set) });
      return (await fetch(`${url}/_sandbox/budget`)).json();
    },
    /** The control commands the sandbox accepted (for one call, or all). */
    async controls(callId) {
      const query = callId ? `?call_id=${encodeURIComponent(callId)}` : "";
      return (await (await fetch(`${url}/_sandbox/controls${query}`)).json()).commands;
    },
    /** Turns the account's credits off (false) or on. */
    async credits(on) {
      await fetch(`${url}/_sandbox/credits`, { method: "POST", body: JSON.stringify({ credits: on }) });
    },
    async stop() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    },
  };
  return sandbox;
}

/** A secret the Turnstile fake treats like a real key (see below). */
export const TURNSTILE_TEST_SECRET = "0x4AAAAAAAcallme-test-secret";

/**
 * A stand-in of Turnstile's siteverify that honours Cloudflare's documented
 * dummy secret keys (1x...AA always passes, 2x...AA always fails) and
 * answers for TURNSTILE_TEST_SECRET as a real key would, with the hostname
 * and action the token was solved for.
 */
export async function startTurnstileFake() {
  const seen = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const form = new URLSearchParams(body);
      seen.push(Object.fromEntries(form));
      const secret = form.get("secret") ?? "";
      const response = form.get("response") ?? "";
      res.setHeader("content-type", "application/json");
      if (secret === TURNSTILE_TEST_SECRET) {
        // Like a real key: the token says where and for what it was solved
        // ("ok|hostname|action" here), and siteverify reports it.
        const [ok, hostname, action] = response.split("|");
        const success = ok === "ok";
        res.end(JSON.stringify({ success, hostname, action, "error-codes": success ? [] : ["invalid-input-response"] }));
        return;
      }
      const success = secret === "1x0000000000000000000000000000000AA" && !!response;
      res.end(JSON.stringify({ success, "error-codes": success ? [] : ["invalid-input-response"] }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}/siteverify`,
    seen,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The worker's settings for tests; `overrides` replace or add. */
export function settings(upstreamUrl, overrides = {}) {
  return {
    UPSTREAM_URL: upstreamUrl,
    VOICE_API_KEY: API_KEY,
    AGENTS: `support=${SUPPORT_AGENT},sales=5d7e9a2b-3c4f-4e8a-b1d2-7a9c0e3f6b12,retired=9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c23`,
    ALLOWED_ORIGINS: `${ORIGIN},http://127.0.0.1:8787`,
    ALLOWED_COUNTRIES: "NL,BE,GB",
    TICKET_SECRET,
    PORTAL_TOKEN_SECRET: PORTAL_SECRET,
    RATE_LIMIT_PER_IP: "50/1h",
    RATE_LIMIT_PER_NETWORK: "150/1h",
    RATE_LIMIT_PER_PHONE: "50/1h",
    RATE_LIMIT_PER_PHONE_DAILY: "100/1d",
    HOURLY_CAP: "500",
    DAILY_CAP: "500",
    UPSTREAM_TIMEOUT_MS: "2000",
    // Without events (most tests send none), a live call's status comes
    // from a lookup once its record has been quiet this long.
    STATUS_REFRESH_SECONDS: "1",
    // The platform budget is under test in its own files only.
    PLATFORM_RATE_LIMIT: "10000/1m",
    ...overrides,
  };
}

/**
 * A stand-in for the Guard object, for the faults the real one cannot be
 * made to show from a test (its SQLite failing). It speaks the objects'
 * wire protocol (`edge/src/object.rs`: the command in `x-object-command`,
 * its answer in `x-object-answer`, base64url JSON, each command externally
 * tagged: `{"Admit": {...}}`) and counts the commands it gets, by name in
 * lower case, at `GET /ops`.
 * - "down": every command fails as the real Guard answers when its storage
 *   fails (500, "guard storage failed: ...").
 * - "pending": another request holds every idempotency key, for ever.
 * - "finish-fails": admits every request, then cannot store the answer.
 */
function faultyGuard(mode) {
  return `
const ops = {};
const answer = (value) => new Response(null, { headers: { "x-object-answer":
  btoa(JSON.stringify(value)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "") } });
const storageFailed = () => new Response("guard storage failed: SQLITE_FULL: database or disk is full", { status: 500 });
// What each command answers when all is well.
const fine = { Admit: "Proceed", Count: { Ok: null }, Finish: null, Abort: null };
export class Guard {
  async fetch(request) {
    const encoded = request.headers.get("x-object-command").replace(/-/g, "+").replace(/_/g, "/");
    const command = JSON.parse(atob(encoded));
    if (command === "ops") return new Response(JSON.stringify(ops));
    const [name] = Object.keys(command);
    ops[name.toLowerCase()] = (ops[name.toLowerCase()] ?? 0) + 1;
    switch (${JSON.stringify(mode)}) {
      case "down": return storageFailed();
      case "pending": return answer(name === "Admit" ? "Pending" : fine[name]);
      case "finish-fails": return name === "Finish" || name === "Abort" ? storageFailed() : answer(fine[name]);
    }
  }
}
export default {
  async fetch(request, env) {
    const stub = env.GUARD.get(env.GUARD.idFromName("global"));
    const ops = btoa(JSON.stringify("ops")).replace(/=+$/, "");
    return stub.fetch("https://guard.internal/", { method: "POST", headers: { "x-object-command": ops } });
  },
};`;
}

/**
 * Runs the built worker (edge/build) in workerd through Miniflare. Returns
 * `fetch(path, init)` and the log lines the worker printed. With
 * `{ guard: mode }` the Guard is the faulty stand-in above, and
 * `guardOps()` says which commands it got.
 */
export async function startEdge(bindings, { guard } = {}) {
  const logs = [];
  const edgeWorker = {
    name: "edge",
    // The modules worker-build writes, listed explicitly: the glue imports
    // the wasm as "./index_bg.wasm".
    modulesRoot: path.join(ROOT, "edge/build"),
    modules: [
      { type: "ESModule", path: path.join(ROOT, "edge/build/index.js") },
      { type: "CompiledWasm", path: path.join(ROOT, "edge/build/index_bg.wasm") },
    ],
    compatibilityDate: "2026-11-01",
    bindings,
    d1Databases: { CALLS: "callme-calls" },
    durableObjects: {
      ...(guard
        ? { GUARD: { className: "Guard", scriptName: "faulty-guard", useSQLite: true } }
        : { GUARD: { className: "Guard", useSQLite: true } }),
      SCHEDULER: { className: "Scheduler", useSQLite: true },
    },
  };
  const workers = [edgeWorker];
  if (guard) {
    workers.push({
      name: "faulty-guard",
      modules: true,
      script: faultyGuard(guard),
      compatibilityDate: "2026-11-01",
      durableObjects: { GUARD: { className: "Guard", useSQLite: true } },
    });
  }
  const mf = new Miniflare(convertV4MiniflareOptions({
    workers,
    host: "127.0.0.1",
    port: 0,
    handleStructuredLogs: (log) => logs.push(log.message),
  }));
  // Miniflare answers a URL object ("http://127.0.0.1:PORT/"); tests join
  // paths to it, so it is kept without the trailing slash.
  const url = String(await mf.ready).replace(/\/$/, "");
  await applyMigrations(await mf.getD1Database("CALLS"));
  return {
    logs,
    url,
    mf,
    fetch: (p, init = {}) => mf.dispatchFetch(`http://edge.test${p}`, init),
    /** Runs the Cron Trigger once, as Cloudflare would. */
    cron: async () => (await mf.getWorker()).scheduled({ cron: "*/5 * * * *" }),
    /** The call record's rows (D1), newest first. */
    records: async () => (await (await mf.getD1Database("CALLS")).prepare("SELECT * FROM calls ORDER BY created_ms DESC").all()).results,
    guardOps: async () => {
      const guardWorker = await mf.getWorker("faulty-guard");
      return (await guardWorker.fetch("http://guard.test/")).json();
    },
    stop: () => mf.dispose(),
  };
}

/**
 * Runs `fn` against a fresh edge with `overrides` and `sandbox` (reset
 * first) as its platform, then stops the edge.
 */
export async function withEdge(sandbox, overrides, fn, options = {}) {
  await sandbox.reset();
  const edge = await startEdge(settings(sandbox.url, overrides), options);
  try {
    await fn(edge);
  } finally {
    await edge.stop();
  }
  return edge;
}

/** The migration files of the call record, in order. */
export function migrationFiles() {
  const dir = path.join(ROOT, "edge/migrations");
  return readdirSync(dir).filter((f) => f.endsWith(".sql")).sort().map((f) => path.join(dir, f));
}

/** Applies edge/migrations/ to a D1 database, statement by statement. */
export async function applyMigrations(db) {
  for (const file of migrationFiles()) {
    const statements = readFileSync(file, "utf8")
      .split("\n").filter((line) => !line.trim().startsWith("--")).join("\n")
      .split(";").map((s) => s.trim()).filter(Boolean);
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
}

/** Headers of a browser on the allowed origin posting JSON. */
export function browser(extra = {}) {
  return { Origin: ORIGIN, "Content-Type": "application/json", "CF-Connecting-IP": "203.0.113.7", ...extra };
}

/** A callback request's body. */
export function callbackBody(overrides = {}) {
  return JSON.stringify({ phone: "+31612345678", consent: true, name: "Ada", note: "About my order", locale: "nl", ...overrides });
}

const b64url = (data) => Buffer.from(data).toString("base64url");

/** Mints a portal token as any backend's JWT library would (HS256). */
export function mintToken(claims, secret = PORTAL_SECRET, header = { alg: "HS256", typ: "JWT" }) {
  const signed = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${signed}.${createHmac("sha256", secret).update(signed).digest("base64url")}`;
}

/**
 * Mints a callback ticket in the edge's format (for the unknown-call case),
 * as the edge on `host` signs it: with TICKET_SECRET bound to the edge's
 * own host (Miniflare's requests name `edge.test`).
 */
export function mintTicket(callId, issuedMs, ttlMs = 3_600_000, secret = TICKET_SECRET, host = "edge.test") {
  const key = createHmac("sha256", secret).update(`callme-ticket|${host.toLowerCase()}`).digest("base64url");
  const body = `v1.${b64url(callId)}.${issuedMs}.${issuedMs + ttlMs}`;
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * `s` with its base64url character at `index` (negative counts from the
 * end; the last by default) replaced by one that always changes the bytes
 * it decodes to. Changing a character is not enough: the last one of a
 * 32-byte MAC (43 characters) carries only 4 bits, so it is one of 16
 * characters, and "replace it with A" leaves a MAC ending in A as it was
 * (1 run in 16), while a lenient decoder reads ...B as ...A. Here the
 * character's top bit is flipped: that bit carries data at every position
 * (a last character carries 2 or 4 bits, the top ones), and the unused low
 * bits stay zero, so a strict decoder (the edge's) reads other bytes, not
 * a malformed value. Throws unless the dot-separated part holding `index`
 * decodes to other bytes than before.
 */
export function tamperChar(s, index = -1) {
  const at = index < 0 ? s.length + index : index;
  const value = B64URL.indexOf(s[at] ?? "");
  if (at < 0 || at >= s.length || value < 0) {
    throw new Error(`tamperChar: no base64url character at ${index} of ${JSON.stringify(s)}`);
  }
  const tampered = s.slice(0, at) + B64URL[value ^ 0b100000] + s.slice(at + 1);
  const start = s.lastIndexOf(".", at) + 1;
  const end = s.indexOf(".", at) === -1 ? s.length : s.indexOf(".", at);
  const before = Buffer.from(s.slice(start, end), "base64url");
  const after = Buffer.from(tampered.slice(start, end), "base64url");
  if (tampered === s || before.equals(after)) {
    throw new Error(`tamperChar: changing ${index} of ${JSON.stringify(s)} changes no byte`);
  }
  return tampered;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The number `e164` as a page may show it: its digits in order, grouped
 * with spaces or dashes any way (the widget groups them as the number's
 * country writes them). */
export function shownAs(e164) {
  return new RegExp(`\\${e164.split("").join("[ -]?")}(?!\\d)`);
}

/** Polls `probe` until it returns a truthy value or `ms` pass. */
export async function waitFor(probe, ms = 10_000, what = "condition") {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Ports handed out by `freePort`, across the test files running at once. */
const PORTS_TAKEN = path.join(tmpdir(), "callme-test-ports");

/** A free port on 127.0.0.1, never one another test file running at the
 * same time was given: a port is only free until its server binds it, and
 * `wrangler dev` binds seconds later (after its migrations), so two files
 * starting together could both be handed the same port, and one file's
 * pages then talked to the other's edge until it stopped (seen once in ten
 * loaded runs). Each port handed out is claimed by creating a file named
 * after it (O_EXCL); claims older than an hour are taken over. */
export async function freePort() {
  mkdirSync(PORTS_TAKEN, { recursive: true });
  for (;;) {
    const server = createNetServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    const claim = path.join(PORTS_TAKEN, String(port));
    try {
      closeSync(openSync(claim, "wx"));
      return port;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      if (Date.now() - statSync(claim).mtimeMs > 3_600_000) {
        utimesSync(claim, new Date(), new Date());
        return port;
      }
    }
  }
}

/**
 * Runs `wrangler dev` with the committed wrangler.toml (worker and static
 * assets) on `port`, with `vars` given as --var, and a fresh state folder.
 * It takes signed call events (`eventsUrl`, `webhookSecret`: point the
 * sandbox there with `sandbox.webhook`); without them a live call's status
 * comes from a lookup once its record has been quiet for a second.
 */
export async function startWrangler(port, vars) {
  const state = mkdtempSync(path.join(tmpdir(), "callme-wrangler-"));
  const wrangler = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
  const webhookSecret = `whsec-${randomUUID()}`;
  // The platform budget is under test in the edge's own files only.
  // Tests run at any hour: the demo's opening hours would close the shop
  // at night, so a test that wants hours sets them.
  const all = { STATUS_REFRESH_SECONDS: "1", PLATFORM_WEBHOOK_SECRET: webhookSecret, PLATFORM_RATE_LIMIT: "10000/1m", OPENING_HOURS: "mon-sun 00:00-24:00", ...vars };
  const varArgs = Object.entries(all).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_SEND_ERROR_REPORTS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };
  // The call record's schema, as a deployment applies it (`--remote` there).
  const migrate = spawn(process.execPath, [wrangler, "d1", "migrations", "apply", "CALLS", "--local", "--persist-to", state], {
    cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"],
  });
  let migrated = "";
  migrate.stdout.on("data", (d) => (migrated += d));
  migrate.stderr.on("data", (d) => (migrated += d));
  const [code] = await once(migrate, "exit");
  if (code !== 0) throw new Error(`wrangler d1 migrations apply failed (${code}): ${migrated}`);
  const child = spawn(process.execPath, [
    // The devtools port is the kernel's choice: wrangler's own (9229, else
    // the next free) races with another wrangler starting at the same
    // moment, as test files running side by side do.
    wrangler, "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", "0",
    "--persist-to", state, "--log-level", "warn", "--test-scheduled", ...varArgs,
  ], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  let stopping = false;
  // A wrangler that ends before its test stops it says why (a failure
  // after it otherwise reads only "connection refused").
  child.on("exit", (code, signal) => {
    if (!stopping) process.stderr.write(`wrangler dev on port ${port} exited early (${code ?? signal}): ${output.slice(-2000)}\n`);
  });
  const stop = async () => {
    stopping = true;
    try { process.kill(-child.pid, "SIGTERM"); } catch {}
    if (child.exitCode === null) await once(child, "exit");
    rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`wrangler exited: ${output}`);
      const r = await fetch(`${url}/api/health`).catch(() => null);
      return r?.status === 200;
    }, 90_000, "wrangler dev to answer");
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url, output: () => output, stop, eventsUrl: `${url}/api/platform/events`, webhookSecret: all.PLATFORM_WEBHOOK_SECRET,
    // The Cron Trigger, run once (`--test-scheduled`): the platform's list
    // into the call record.
    cron: async () => {
      const response = await fetch(`${url}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
      if (!response.ok) throw new Error(`/__scheduled answered ${response.status}`);
    },
  };
}

/** Picks the slot `at` in a button's two-step picker: its day, then its time. */
export async function pickSlot(button, at) {
  const day = button.locator('[data-testid="slot-day"]');
  const count = await day.locator("option").count();
  for (let i = 0; i < count; i++) {
    await day.selectOption(String(i));
    const option = button.locator(`[data-testid="slot"] option[value="${at}"]`);
    if (await option.count()) {
      await button.locator('[data-testid="slot"]').selectOption(at);
      return;
    }
  }
  throw new Error(`the picker does not offer ${at}`);
}

/** The system Chromium (never a downloaded one) with the flags every
 * browser test and the bench run it with: headless as root, and nothing
 * reaching out to the network on its own. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROME_PATH,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
