// The README's portal-backend examples, run as a site owner's backend runs
// them: examples/mint.mjs (npm's jsonwebtoken) under Node and
// examples/mint.py (PyPI's PyJWT) under Python, each printing a token that
// the edge in workerd must accept on /api/calls and /api/scheduled within
// its scope, and refuse once expired. `cargo xtask test` hands the PyJWT
// venv's Python in CALLME_PYJWT_PYTHON (`cargo xtask setup` makes it).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PORTAL_SECRET, ROOT, settings, startEdge, startSandbox } from "./support.mjs";

const run = promisify(execFile);

/** The PyJWT venv's Python: as the test command says, else the one setup made. */
function pyjwtPython() {
  if (process.env.CALLME_PYJWT_PYTHON) return process.env.CALLME_PYJWT_PYTHON;
  const cache = process.env.CALLME_CACHE
    || path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "callme");
  const venv = existsSync(cache) && readdirSync(cache).filter((d) => d.startsWith("py-pyjwt-")).sort().pop();
  const python = venv && path.join(cache, venv, "bin/python");
  if (!python || !existsSync(python)) {
    throw new Error("no PyJWT venv: run `cargo xtask setup`, or set CALLME_PYJWT_PYTHON to a Python with PyJWT");
  }
  return python;
}

const EXAMPLES = {
  "Node, jsonwebtoken": (args) => [process.execPath, [path.join(ROOT, "examples/mint.mjs"), ...args]],
  "Python, PyJWT": (args) => [pyjwtPython(), [path.join(ROOT, "examples/mint.py"), ...args]],
};

/** Runs an example as a backend would, with the secret in its environment. */
async function mint(example, args) {
  const [program, argv] = EXAMPLES[example](args);
  const { stdout } = await run(program, argv, { env: { ...process.env, PORTAL_TOKEN_SECRET: PORTAL_SECRET } });
  const token = stdout.trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, `${example} printed no JWT`);
  return token;
}

let sandbox;
let edge;
before(async () => {
  sandbox = await startSandbox();
  edge = await startEdge(settings(sandbox.url, { RATE_LIMIT_HISTORY: "10000/1m" }));
  await edge.cron(); // the platform's calls into the record
});
after(async () => {
  await edge?.stop();
  await sandbox?.stop();
});

const get = (route, token) => edge.fetch(route, { headers: { Authorization: `Bearer ${token}` } });

for (const example of Object.keys(EXAMPLES)) {
  test(`${example}: its token reads the history within its scope`, async () => {
    const all = await get("/api/calls?limit=5", await mint(example, []));
    assert.equal(all.status, 200, await all.clone().text());
    const phone = (await all.json()).calls[0].caller_phone;

    const mine = await get("/api/calls?limit=100", await mint(example, ["--phone", phone, "--minutes", "10"]));
    assert.equal(mine.status, 200);
    const body = await mine.json();
    assert.ok(body.pagination.total > 0);
    assert.ok(body.calls.every((c) => c.caller_phone === phone), "another caller's call");

    // The agent claim is an alias of AGENTS: `support` is the sandbox's
    // "Customer Support".
    const support = await (await get("/api/calls?limit=100", await mint(example, ["--agent", "support"]))).json();
    assert.ok(support.pagination.total > 0, "the alias reads no calls");
    assert.ok(support.calls.every((c) => c.agent_name === "Customer Support"));

    const scheduled = await get("/api/scheduled", await mint(example, ["--phone", phone]));
    assert.equal(scheduled.status, 200);
    assert.deepEqual((await scheduled.json()).scheduled, []);
  });

  test(`${example}: an expired token is refused`, async () => {
    // Two minutes ago: past the edge's minute of clock leeway.
    const expired = await mint(example, ["--phone", "+31612345678", "--minutes=-2"]);
    for (const route of ["/api/calls", "/api/scheduled"]) {
      const response = await get(route, expired);
      assert.equal(response.status, 401, route);
      assert.equal((await response.json()).error.code, "token_expired", route);
    }
  });
}

test("an example without the secret says so instead of minting", async () => {
  const [program, argv] = EXAMPLES["Node, jsonwebtoken"]([]);
  const env = { ...process.env };
  delete env.PORTAL_TOKEN_SECRET;
  await assert.rejects(run(program, argv, { env }), (error) => /PORTAL_TOKEN_SECRET/.test(error.stderr));
  const [python, pyArgs] = EXAMPLES["Python, PyJWT"]([]);
  await assert.rejects(run(python, pyArgs, { env }), (error) => /PORTAL_TOKEN_SECRET/.test(error.stderr));
});
