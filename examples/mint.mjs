// How a portal backend mints a callme portal token in Node, with npm's
// `jsonwebtoken` (the README's quick start; edge/tests/examples.test.mjs
// runs it against the edge). The secret is PORTAL_TOKEN_SECRET, the one
// set on the worker with `wrangler secret put`: it stays on the server.
//
//   PORTAL_TOKEN_SECRET=... node examples/mint.mjs --phone +31612345678 [--agent support] [--minutes 15]
import jwt from "jsonwebtoken";

/**
 * A token that lets its holder read the calls of `phone` (and of the agent
 * alias `agent`, as in the worker's AGENTS) for `minutes`; without either,
 * every call. The edge refuses it once `exp` has passed.
 */
export function portalToken(secret, { phone, agent, minutes = 15, subject } = {}) {
  const claims = { scope: "calls:read" };
  if (phone) claims.phone = phone; // E.164, as the platform writes numbers
  if (agent) claims.agent = agent; // an alias of AGENTS, e.g. "support"
  if (subject) claims.sub = subject; // who: shown beside commands an operator sends
  // jsonwebtoken adds `iat` and sets `exp` = iat + expiresIn (seconds).
  return jwt.sign(claims, secret, { algorithm: "HS256", expiresIn: Math.round(minutes * 60) });
}

// Run as a script: print one token.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = (await import("node:util")).parseArgs({
    options: { phone: { type: "string" }, agent: { type: "string" }, minutes: { type: "string" }, sub: { type: "string" } },
  });
  const secret = process.env.PORTAL_TOKEN_SECRET;
  if (!secret || secret.length < 32) {
    console.error("set PORTAL_TOKEN_SECRET to the worker's secret (at least 32 bytes)");
    process.exit(2);
  }
  const minutes = values.minutes === undefined ? 15 : Number(values.minutes);
  if (!Number.isFinite(minutes)) {
    console.error(`--minutes ${values.minutes} is not a number`);
    process.exit(2);
  }
  console.log(portalToken(secret, { phone: values.phone, agent: values.agent, minutes, subject: values.sub }));
}
