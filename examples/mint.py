"""How a portal backend mints a callme portal token in Python, with PyPI's
PyJWT (the README's quick start; edge/tests/examples.test.mjs runs it
against the edge). The secret is PORTAL_TOKEN_SECRET, the one set on the
worker with `wrangler secret put`: it stays on the server.

    PORTAL_TOKEN_SECRET=... python examples/mint.py --phone +31612345678 [--agent support] [--minutes 15]
"""

import argparse
import os
import sys
import time

import jwt  # pip install PyJWT


def portal_token(secret, phone=None, agent=None, minutes=15, subject=None):
    """A token that lets its holder read the calls of `phone` (and of the
    agent alias `agent`, as in the worker's AGENTS) for `minutes`; without
    either, every call. The edge refuses it once `exp` has passed."""
    now = int(time.time())
    claims = {"scope": "calls:read", "iat": now, "exp": now + round(minutes * 60)}
    if phone:
        claims["phone"] = phone  # E.164, as the platform writes numbers
    if agent:
        claims["agent"] = agent  # an alias of AGENTS, e.g. "support"
    if subject:
        claims["sub"] = subject  # who: shown beside commands an operator sends
    return jwt.encode(claims, secret, algorithm="HS256")


def main():
    parser = argparse.ArgumentParser(description="Print a callme portal token.")
    parser.add_argument("--phone")
    parser.add_argument("--agent")
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--sub")
    args = parser.parse_args()
    secret = os.environ.get("PORTAL_TOKEN_SECRET", "")
    if len(secret) < 32:
        sys.exit("set PORTAL_TOKEN_SECRET to the worker's secret (at least 32 bytes)")
    print(portal_token(secret, args.phone, args.agent, args.minutes, args.sub))


if __name__ == "__main__":
    main()
