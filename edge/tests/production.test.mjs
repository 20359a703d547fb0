// wrangler.toml's [env.production] in workerd, read by wrangler's own
// config reader: its REPLACE-ME placeholders stop the worker with an error
// that names the setting (never a localhost default or an example's
// greeting), and once a site owner has filled them in it starts clean.
// (What the deploy would upload is checked by `cargo xtask test` through
// `wrangler deploy --dry-run --env production`: xtask/src/production.rs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { API_KEY, PORTAL_SECRET, ROOT, SUPPORT_AGENT, TICKET_SECRET, startEdge, startSandbox } from "./support.mjs";

const { unstable_readConfig } = await import("wrangler");
const production = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml"), env: "production" });
const secrets = { VOICE_API_KEY: API_KEY, TICKET_SECRET, PORTAL_TOKEN_SECRET: PORTAL_SECRET };

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

test("production's vars name no local address", () => {
  for (const [name, value] of Object.entries(production.vars)) {
    assert.doesNotMatch(String(value), /127\.0\.0\.1|localhost|\[::1\]/, name);
  }
  assert.equal(production.vars.UPSTREAM_URL, "https://api.hmsovereign.com/api/v1");
});

test("a placeholder left in production's vars stops the worker and names the setting", async () => {
  const edge = await startEdge({ ...production.vars, ...secrets });
  try {
    const health = await edge.fetch("/api/health");
    assert.equal(health.status, 500);
    assert.equal((await health.json()).error.code, "misconfigured");
    const start = edge.logs.find((line) => line.includes("isolate_start"));
    assert.match(start, /AGENTS is still the placeholder of wrangler\.toml/);
    assert.ok(!edge.logs.join("\n").includes(API_KEY), "the key reached the log");
  } finally {
    await edge.stop();
  }
});

test("with every placeholder filled in, production's settings start clean", async () => {
  const filled = {
    AGENTS: `support=${SUPPORT_AGENT}`,
    ALLOWED_ORIGINS: "https://www.shop.example,https://portal.shop.example",
    ALLOWED_COUNTRIES: "NL,BE",
    FIRST_MESSAGE: "Hello, this is the assistant of Shop. How can I help?",
    FIRST_MESSAGE_NL: "Hallo, u spreekt met de assistent van Shop.",
    TIME_ZONE: "Europe/Amsterdam",
    OPENING_HOURS: "mon-fri 09:00-17:30; sat 10:00-14:00",
    TURNSTILE_SITEKEY: "1x00000000000000000000AA",
  };
  const left = Object.entries(production.vars).filter(([name, value]) => String(value).startsWith("REPLACE-ME") && !(name in filled));
  assert.deepEqual(left, [], "a placeholder the quick start does not name");
  const edge = await startEdge({ ...production.vars, ...filled, UPSTREAM_URL: sandbox.url, ...secrets });
  try {
    const health = await edge.fetch("/api/health");
    assert.equal(health.status, 200, await health.clone().text());
    // Without TURNSTILE_SECRET the bot check is off, and health says so.
    assert.deepEqual(await health.json(), { ok: true, bot_check: "off" });
    const config = await (await edge.fetch("/api/config", { headers: { Origin: "https://www.shop.example" } })).json();
    assert.equal(config.hours.time_zone, "Europe/Amsterdam");
  } finally {
    await edge.stop();
  }
});
