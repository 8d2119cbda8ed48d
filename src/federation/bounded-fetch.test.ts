import assert from "node:assert/strict";
import { test } from "node:test";
import { boundedResponse, RemoteDocumentTooLarge } from "./bounded-fetch.ts";

const streamOf = (chunks: number, size: number) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < chunks; i++) controller.enqueue(new Uint8Array(size));
      controller.close();
    },
  });

test("a body within the limit is read whole", async () => {
  const res = boundedResponse(new Response(streamOf(4, 100)), "https://x.example/a", 400);
  assert.equal((await res.arrayBuffer()).byteLength, 400);
});

test("a body past the limit errors while streaming, before it is all read", async () => {
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(1024));
    },
  });
  const res = boundedResponse(new Response(endless), "https://x.example/big", 10_000);
  await assert.rejects(res.json(), RemoteDocumentTooLarge);
  assert.ok(pulled < 100, `stopped after ${pulled} chunks`);
});

test("a declared length past the limit is refused at once", () => {
  const res = new Response(streamOf(1, 10), { headers: { "content-length": "5000000" } });
  assert.throws(() => boundedResponse(res, "https://x.example/key", 1000), RemoteDocumentTooLarge);
});
