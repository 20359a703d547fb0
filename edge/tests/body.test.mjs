// Bodies are bounded whatever the headers say: a chunked upload without
// Content-Length is refused with 413 after at most 8 KiB + 1 is read, and
// workerd's memory stays flat while the client keeps sending.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { connect } from "node:net";
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

/**
 * Posts a chunked body of up to `OFFERED` bytes over a raw socket; resolves
 * with the status the server answered and how much was sent by then. A raw
 * socket reads the answer as it arrives, as a browser reads an early
 * response, even when the server closes while the client is still sending
 * (Node's HTTP client drops a response it had not parsed when its write
 * then fails).
 */
function postChunked() {
  return new Promise((resolve) => {
    const url = new URL("/api/callback", edge.url);
    const socket = connect(Number(url.port), url.hostname);
    let sent = 0;
    let answer = "";
    let done = false;
    const status = () => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]) || null;
    const finish = () => {
      if (!done) {
        done = true;
        socket.destroy();
        resolve({ status: status(), sent });
      }
    };
    socket.on("data", (data) => {
      answer += data.toString("latin1");
      if (status() !== null) finish();
    });
    socket.on("error", () => setTimeout(finish, 200));
    socket.on("close", finish);
    const frame = (bytes) => Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]);
    const pump = () => {
      while (sent < OFFERED && !done) {
        sent += CHUNK.length;
        if (!socket.write(frame(CHUNK))) {
          socket.once("drain", pump);
          return;
        }
      }
      if (!done) socket.write("0\r\n\r\n");
    };
    socket.on("connect", () => {
      socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${ORIGIN}\r\n`
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      socket.write(frame(Buffer.from("{\"phone\":\"")));
      pump();
    });
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
  console.log(`# sent ${(sent / 1024 / 1024).toFixed(1)} MB of ${OFFERED / 1024 / 1024} MB offered; answer ${status}; workerd grew ${grown.toFixed(1)} MB at peak`);
  // The server stops taking the upload at once. Over TCP the 413 may be
  // lost: workerd closes with unread upload in its buffer, and the kernel's
  // reset can overtake the answer (no lingering close). Cloudflare's front
  // end sits between visitors and the worker in production; the status
  // itself is asserted over a transport without that race, below.
  assert.ok(status === 413 || status === null, `answered ${status}`);
  assert.ok(sent < OFFERED / 4, `the server took ${sent} bytes`);
  assert.ok(grown < 64, `workerd grew ${grown.toFixed(1)} MB`);
  assert.equal(await sandbox.outboundCount(), outboundBefore);
  // The isolate survived and serves the next visitor.
  assert.equal((await edge.fetch("/api/health")).status, 200);
});

test("a chunked body somewhat over the limit, without Content-Length, is answered 413", async () => {
  for (const size of [8 * 1024 + 1, 20 * 1024, 200 * 1024]) {
    let offered = 0;
    const response = await edge.fetch("/api/callback", {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/json" },
      body: new ReadableStream({
        pull(controller) {
          if (offered >= size) return controller.close();
          const chunk = Math.min(4096, size - offered);
          offered += chunk;
          controller.enqueue(new Uint8Array(chunk).fill(0x20));
        },
      }),
      duplex: "half",
    });
    assert.equal(response.status, 413, `${size} bytes`);
    assert.equal((await response.json()).error.code, "body_too_large");
  }
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
