/**
 * A node with SYNCO_S3_* set keeps its media in the bucket (s3rver on loopback
 * here): a member's upload and a cached remote image are written there, not to
 * the data dir, and served at the same /media/… addresses; a deleted account's
 * files leave the bucket.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { accountsContributor, deleteAccount } from "../src/accounts/data.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { storeImage } from "../src/storage/images.ts";
import { registerRemoteMedia, remoteMediaUrl } from "../src/storage/remote-media.ts";
import { mediaStore } from "../src/storage/store.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type LocalS3, startS3 } from "./support/s3.ts";

let s3: LocalS3;
let node: TestNode;
let files: Server;
let remotePng: Buffer;
let filesUrl = "";

before(async () => {
  s3 = await startS3("synco-node-media");
  node = await startTestNode({ host: "127.0.17.1", env: s3.env });
  remotePng = await sharp({
    create: { width: 4, height: 4, channels: 3, background: { r: 1, g: 2, b: 3 } },
  })
    .png()
    .toBuffer();
  files = createServer((_req, res) => res.writeHead(200).end(remotePng));
  await new Promise<void>((r) => files.listen(0, "127.0.17.9", r));
  filesUrl = `http://127.0.17.9:${(files.address() as AddressInfo).port}`;
});
after(async () => {
  await node?.close();
  files?.close();
  await s3?.close();
});

const inBucket = () => {
  const root = join(s3.directory, s3.settings.bucket);
  return existsSync(root) ? readdirSync(root, { recursive: true }).map(String) : [];
};

test("uploads and the remote cache go to the bucket and are served from it", async () => {
  const ann = await createMember(node, { username: "ann", password: "long enough" });
  const png = await sharp({
    create: { width: 20, height: 20, channels: 3, background: { r: 200, g: 0, b: 0 } },
  })
    .png()
    .toBuffer();
  const stored = await storeImage(
    node.node.db.db,
    node.node.config,
    { bytes: new Uint8Array(png), purpose: "avatar", ownerId: ann.id },
    systemClock,
  );
  assert.ok(stored.ok);
  assert.equal(mediaStore(node.node.config).kind, "s3");
  const res = await fetch(`${node.url}${stored.value.url}`);
  assert.equal(res.status, 200);
  assert.equal((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).format, "webp");
  const path = stored.value.url.slice("/media/".length);
  assert.ok(
    inBucket().some((f) => f.startsWith(join("node", path))),
    inBucket().join(" "),
  );

  const remote = `${filesUrl}/pic.png`;
  await registerRemoteMedia(node.node.db.db, [remote], systemClock);
  const cached = await fetch(`${node.url}${remoteMediaUrl(remote)}`);
  assert.equal(cached.status, 200);
  assert.deepEqual(Buffer.from(await cached.arrayBuffer()), remotePng);
  assert.ok(inBucket().some((f) => f.startsWith(join("node", "remote"))));
  assert.equal(existsSync(join(node.node.config.dataDir, "media")), false, "nothing on local disk");

  // A deleted member's upload leaves the bucket too.
  await node.node.db.db
    .updateTable("accounts")
    .set({ avatar_id: stored.value.id })
    .where("id", "=", ann.id)
    .execute();
  const deleted = await deleteAccount(node.node.db.db, ann.id, {
    contributors: [accountsContributor],
    dataDir: node.node.config.dataDir,
    s3: node.node.config.s3,
  });
  assert.ok(deleted.ok);
  assert.equal((await fetch(`${node.url}${stored.value.url}`)).status, 404);
  assert.equal(
    inBucket().some((f) => f.startsWith(join("node", path))),
    false,
  );
});
