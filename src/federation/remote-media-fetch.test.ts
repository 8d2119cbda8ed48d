/**
 * The remote media fetch is bounded: http(s) only, no private addresses unless
 * allowed, a size cap on the declared length and on the bytes that stream, and
 * each redirect checked like the first URL.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { remoteMediaFetcher } from "./remote-media-fetch.ts";

let server: Server;
let base = "";
before(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? "";
    if (url === "/small") return res.writeHead(200).end(Buffer.alloc(100, 1));
    if (url === "/declared-big")
      return res.writeHead(200, { "content-length": "5000" }).end(Buffer.alloc(5000, 1));
    if (url === "/streamed-big") {
      // No length given: the cap must cut the body as it streams.
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, 1));
      return res.end();
    }
    if (url === "/to-small") return res.writeHead(302, { location: "/small" }).end();
    if (url === "/to-file") return res.writeHead(302, { location: "file:///etc/passwd" }).end();
    if (url === "/loop") return res.writeHead(302, { location: "/loop" }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.16.1", r));
  base = `http://127.0.16.1:${(server.address() as AddressInfo).port}`;
});
after(() => server?.close());

const loopbackAllowed = remoteMediaFetcher({ allowPrivateAddress: true, maxBytes: 1000 });

test("bytes within the cap come back, over it (declared or streamed) are refused", async () => {
  const small = await loopbackAllowed(`${base}/small`);
  assert.ok(small.ok);
  assert.equal(small.bytes.byteLength, 100);
  assert.deepEqual(await loopbackAllowed(`${base}/declared-big`), {
    ok: false,
    reason: "RemoteDocumentTooLarge",
  });
  const streamed = await loopbackAllowed(`${base}/streamed-big`);
  assert.equal(streamed.ok, false);
  assert.deepEqual(await loopbackAllowed(`${base}/nothing`), { ok: false, reason: "HTTP 404" });
});

test("redirects are followed a few times, each checked; other schemes are refused", async () => {
  const hop = await loopbackAllowed(`${base}/to-small`);
  assert.ok(hop.ok);
  assert.deepEqual(await loopbackAllowed(`${base}/to-file`), { ok: false, reason: "not-http" });
  assert.deepEqual(await loopbackAllowed(`${base}/loop`), {
    ok: false,
    reason: "too-many-redirects",
  });
  assert.deepEqual(await loopbackAllowed("ftp://example.com/a.png"), {
    ok: false,
    reason: "not-http",
  });
  assert.deepEqual(await loopbackAllowed("javascript:alert(1)"), { ok: false, reason: "not-http" });
});

test("private addresses are refused unless the node allows them", async () => {
  const publicOnly = remoteMediaFetcher({ allowPrivateAddress: false });
  assert.deepEqual(await publicOnly(`${base}/small`), { ok: false, reason: "private-address" });
  assert.deepEqual(await publicOnly("http://10.0.0.1/a.png"), {
    ok: false,
    reason: "private-address",
  });
});
