// One smoke test through `wrangler dev` with the committed wrangler.toml:
// the API answers and a static asset is served beside it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, freePort, startWrangler } from "./support.mjs";

test("wrangler dev serves the API and the static files", { timeout: 120_000 }, async () => {
  const edge = await startWrangler(await freePort(), {
    VOICE_API_KEY: "smoke-key", TICKET_SECRET: "smoke-ticket-0123456789abcdef0123456789",
  });
  try {
    const health = await fetch(`${edge.url}/api/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { ok: true, bot_check: "off" });
    const robots = await fetch(`${edge.url}/robots.txt`);
    assert.equal(robots.status, 200);
    assert.equal(await robots.text(), readFileSync(path.join(ROOT, "www/robots.txt"), "utf8"));
    assert.ok(!edge.output().includes("smoke-key"), "the key never reaches wrangler's output");
  } finally {
    await edge.stop();
  }
});
