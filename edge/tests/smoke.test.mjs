// One smoke test through `wrangler dev` with the committed wrangler.toml:
// the API answers and a static asset is served beside it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, waitFor } from "./support.mjs";

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("wrangler dev serves the API and the static files", { timeout: 120_000 }, async () => {
  const port = await freePort();
  const state = mkdtempSync(path.join(tmpdir(), "callme-wrangler-"));
  const wrangler = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
  const child = spawn(process.execPath, [
    wrangler, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state,
    "--var", "VOICE_API_KEY:smoke-key", "--var", "TICKET_SECRET:smoke-ticket",
    "--log-level", "warn",
  ], {
    cwd: ROOT,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_SEND_ERROR_REPORTS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      CI: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  try {
    const base = `http://127.0.0.1:${port}`;
    const health = await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`wrangler exited: ${output}`);
      return fetch(`${base}/api/health`).catch(() => null);
    }, 90_000, "wrangler dev to answer");
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { ok: true });

    const robots = await fetch(`${base}/robots.txt`);
    assert.equal(robots.status, 200);
    assert.equal(await robots.text(), readFileSync(path.join(ROOT, "www/robots.txt"), "utf8"));
    assert.ok(!output.includes("smoke-key"), "the key never reaches wrangler's output");
  } finally {
    process.kill(-child.pid, "SIGTERM");
    if (child.exitCode === null) await once(child, "exit");
    rmSync(state, { recursive: true, force: true });
  }
});
