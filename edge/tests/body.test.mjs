// Bodies are bounded whatever the headers say: a chunked upload without
// Content-Length is refused with 413 after at most 8 KiB + 1 is read, and
// workerd's memory stays flat while the client keeps sending.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { request } from "node:http";
import { ORIGIN, settings, startEdge, startSandbox } from "./support.mjs";

const OFFERED = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x20);

let sandbox;
let edge;
before(async () => {
  sandbox = await startSandbox();
  edge = await startEdge(settings(sandbox.url));
});
after(async () => {
  await edge?.stop();
  await sandbox?.stop();
});

/** Resident memory (bytes) of every workerd process this test started. */
function workerdRss() {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const name = /^Name:\s+(\S+)/m.exec(status)?.[1];
      if (!name?.startsWith("workerd")) continue;
      const ancestry = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      if (Number(ancestry[1]) !== process.pid) continue;
      total += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

/** Posts a chunked body of up to `OFFERED` bytes; resolves with the status
 * and how much the server took before it answered or closed. */
function postChunked() {
  return new Promise((resolve) => {
    const url = new URL("/api/callback", edge.url);
    const req = request(url, {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/json", "Transfer-Encoding": "chunked" },
    });
    let sent = 0;
    let status = null;
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        resolve({ status, sent });
      }
    };
    req.on("response", (response) => {
      status = response.statusCode;
      response.resume();
      response.on("end", () => {
        req.destroy();
        finish();
      });
    });
    req.on("error", finish);
    req.on("close", finish);
    const pump = () => {
      while (sent < OFFERED && status === null && !finished) {
        sent += CHUNK.length;
        if (!req.write(CHUNK)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!finished) req.end();
    };
    req.write("{\"phone\":\"");
    pump();
  });
}

test("a 100 MB chunked body is refused with 413 while workerd's memory stays flat", async () => {
  await edge.fetch("/api/health");
  const rssBefore = workerdRss();
  assert.ok(rssBefore > 0, "found workerd");
  let peak = rssBefore;
  const sampler = setInterval(() => { peak = Math.max(peak, workerdRss()); }, 20);
  const outboundBefore = await sandbox.outboundCount();
  const { status, sent } = await postChunked();
  clearInterval(sampler);
  peak = Math.max(peak, workerdRss());
  const grown = (peak - rssBefore) / 1024 / 1024;
  console.log(`# sent ${(sent / 1024 / 1024).toFixed(1)} MB of ${OFFERED / 1024 / 1024} MB offered; workerd grew ${grown.toFixed(1)} MB at peak`);
  assert.equal(status, 413);
  assert.ok(grown < 32, `workerd grew ${grown.toFixed(1)} MB`);
  assert.equal(await sandbox.outboundCount(), outboundBefore);
  // The isolate survived and serves the next visitor.
  assert.equal((await edge.fetch("/api/health")).status, 200);
});

test("a chunked body within the limit is read whole", async () => {
  const body = JSON.stringify({ phone: "+31612345678", consent: true, note: "x".repeat(400) });
  const response = await edge.fetch("/api/callback", {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/json" },
    body: new ReadableStream({
      start(controller) {
        const bytes = new TextEncoder().encode(body);
        for (let i = 0; i < bytes.length; i += 100) controller.enqueue(bytes.slice(i, i + 100));
        controller.close();
      },
    }),
    duplex: "half",
  });
  assert.equal(response.status, 202, await response.clone().text());
});
