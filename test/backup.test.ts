/**
 * Backup and restore, as README.md tells an operator to do them: SQLite with
 * `synco backup` while the node runs, PostgreSQL with pg_dump / pg_restore; the
 * data dir (media, secret) copied beside it. A node started on the copy has the
 * members, posts and images of the original.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import type { SyncoNode } from "../src/app.ts";
import { restoredCopy } from "./support/backup.ts";
import { createMember, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let original: TestNode;
let restored: SyncoNode | undefined;
before(async () => {
  original = await startTestNode({ host: "127.0.40.1" });
});
after(async () => {
  await restored?.close();
  await original.close();
});

test("a node restored from its backup has its members, posts and images", async () => {
  await createMember(original, { username: "rosa", password: "long enough" });
  const rosa = await signIn(original, "rosa", "long enough");
  const form = new FormData();
  form.set("visibility", "public");
  form.set("text", "Seed swap on Saturday #garden");
  const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: "#2a6" } })
    .png()
    .toBuffer();
  form.set("image", new Blob([new Uint8Array(png)], { type: "image/png" }));
  form.set("alt", "a green square");
  const posted = await rosa.postMultipart("/social/posts", form);
  assert.equal(posted.status, 303, await posted.text());

  restored = await restoredCopy(original);
  const profile = await restored.app.request("/@rosa");
  assert.equal(profile.status, 200);
  const page = await profile.text();
  assert.match(page, /Seed swap on Saturday/);
  const image = /<img[^>]+src="(\/media\/[^"]+)"[^>]*alt="a green square"/.exec(page)?.[1];
  assert.ok(image, "the restored post shows its image");
  const file = await restored.app.request(image);
  assert.equal(file.status, 200);
  assert.equal((await sharp(Buffer.from(await file.arrayBuffer())).metadata()).width, 40);
});
