/**
 * Issue 14 item 10 over HTTP: a tiny GIF with a huge canvas is a clear 422 on
 * the API and the web forms, and concurrent uploads of one image all succeed.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { memberClient } from "./api-helpers.ts";
import { makeGif } from "./support/gif.ts";
import { signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let token: string;
before(async () => {
  node = await startTestNode({ host: "127.0.35.1" });
  token = (await memberClient(node, "ana")).token;
});
after(() => node.close());

const upload = (bytes: Buffer, type: string) => {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(bytes)], { type }), "image");
  return fetch(`${node.url}/api/v2/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
};
const uploadCount = async () =>
  (await node.node.db.db.selectFrom("uploads").select("id").execute()).length;

test("the API refuses a 7070×7070 GIF of 42 bytes with 422 and stores nothing", async () => {
  const before = await uploadCount();
  const res = await upload(makeGif({ width: 7070, height: 7070 }), "image/gif");
  assert.equal(res.status, 422);
  assert.match(((await res.json()) as { error: string }).error, /dimensions are too large/);
  assert.equal(await uploadCount(), before);
});

test("16 concurrent API uploads of the same image all answer 200", async () => {
  const png = await sharp({ create: { width: 80, height: 60, channels: 3, background: "#3a3" } })
    .png()
    .toBuffer();
  const responses = await Promise.all(Array.from({ length: 16 }, () => upload(png, "image/png")));
  const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
    url?: string;
    error?: string;
  }[];
  assert.deepEqual(
    responses.map((r) => r.status),
    Array(16).fill(200),
    JSON.stringify(bodies.find((b) => b.error)),
  );
  assert.equal(new Set(bodies.map((b) => b.url)).size, 1, "one content-addressed file");
});

test("the web profile form says how many megapixels are allowed (422)", async () => {
  const ana = await signIn(node, "ana", "correct horse battery");
  const form = new FormData();
  form.set("displayName", "Ana");
  form.set("language", "en");
  form.set(
    "avatar",
    new Blob([new Uint8Array(makeGif({ width: 7070, height: 7070 }))], { type: "image/gif" }),
    "a.gif",
  );
  const res = await ana.postMultipart("/settings/profile", form);
  assert.equal(res.status, 422);
  assert.match(await res.text(), /larger than 33 megapixels/);
});
