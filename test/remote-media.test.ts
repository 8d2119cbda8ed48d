/**
 * The remote media cache (issue 25): a remote post's image and its author's
 * avatar and header are linked through /media/remote/<key>, fetched from the
 * remote server on first view only, served with the type sniffed from the
 * bytes; keys nobody sent us, non-media bytes (SVG) and failures answer 404;
 * pruning by size and by age empties the cache and the next view fetches again.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { waitFor } from "../src/federation/testing.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { pruneRemoteMedia, remoteMediaKey } from "../src/storage/remote-media.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let node: TestNode;
let stopWorker: () => Promise<void>;
let remote: RemoteActor;
let files: Server;
let filesUrl = "";
const hits = new Map<string, number>();
const png = async (r: number) =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: { r, g: 0, b: 0 } } })
    .png()
    .toBuffer();
const served = new Map<string, { type: string; body: Buffer }>();

before(async () => {
  served.set("/cat.png", { type: "image/png", body: await png(10) });
  served.set("/avatar.png", { type: "image/png", body: await png(20) });
  served.set("/header.png", { type: "image/png", body: await png(30) });
  served.set("/evil.svg", {
    type: "image/svg+xml",
    body: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  });
  files = createServer((req, res) => {
    const path = req.url ?? "";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const file = served.get(path);
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": file.type }).end(file.body);
  });
  await new Promise<void>((r) => files.listen(0, "127.0.15.9", r));
  filesUrl = `http://127.0.15.9:${(files.address() as AddressInfo).port}`;
  remote = await startRemoteActor("127.0.15.8", "eve", {
    icon: { type: "Image", mediaType: "image/png", url: `${filesUrl}/avatar.png` },
    image: { type: "Image", mediaType: "image/png", url: `${filesUrl}/header.png` },
  });
  node = await startTestNode({ host: "127.0.15.1" });
  stopWorker = await node.node.startWorker();
  await createMember(node, { username: "ann", password: "long enough" });
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  remote?.close();
  files?.closeAllConnections();
  files?.close();
});

let sent = 0;
/** eve posts a public note mentioning ann (so the node keeps it) with these images. */
async function postWithImages(urls: string[]): Promise<string> {
  const id = `${remote.id}/notes/${++sent}`;
  const annUri = `${node.url}/users/ann`;
  const activity = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${id}/activity`,
    type: "Create",
    actor: remote.id,
    to: "https://www.w3.org/ns/activitystreams#Public",
    object: {
      id,
      type: "Note",
      attributedTo: remote.id,
      content: `<p>@ann look ${sent}</p>`,
      to: "https://www.w3.org/ns/activitystreams#Public",
      tag: [{ type: "Mention", href: annUri, name: `@ann@${node.domain}` }],
      attachment: urls.map((url) => ({ type: "Document", mediaType: "image/png", url })),
    },
  };
  const res = await fetch(await remote.signed(`${node.url}/inbox`, activity));
  assert.equal(res.status, 202);
  const post = await waitFor("the note is stored", () =>
    node.node.db.db.selectFrom("posts").select("id").where("uri", "=", id).executeTakeFirst(),
  );
  return post.id;
}

const local = (url: string) => `${node.url}/media/remote/${remoteMediaKey(url)}`;

test("a remote post's image, avatar and header are served from our cache, fetched once", async () => {
  const cat = `${filesUrl}/cat.png`;
  const id = await postWithImages([cat]);
  const status = (await (await fetch(`${node.url}/api/v1/statuses/${id}`)).json()) as {
    media_attachments: { url: string; preview_url: string; remote_url: string }[];
    account: { avatar: string; header: string };
  };
  assert.equal(status.media_attachments[0]?.url, local(cat));
  assert.equal(status.media_attachments[0]?.remote_url, cat);
  assert.equal(status.account.avatar, local(`${filesUrl}/avatar.png`));
  assert.equal(status.account.header, local(`${filesUrl}/header.png`));
  assert.equal(hits.get("/cat.png") ?? 0, 0, "nothing is fetched before someone looks");

  for (let i = 0; i < 3; i++) {
    const res = await fetch(local(cat));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), served.get("/cat.png")?.body);
  }
  assert.equal(hits.get("/cat.png"), 1, "fetched once, then served from the cache");
  for (const path of ["/avatar.png", "/header.png"]) {
    const res = await fetch(local(`${filesUrl}${path}`));
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), served.get(path)?.body);
  }
  const key = remoteMediaKey(cat);
  assert.ok(existsSync(join(node.node.config.dataDir, "media", "remote", key.slice(0, 2), key)));
});

test("keys nobody sent us, SVG and failed fetches answer 404; nothing is fetched for them", async () => {
  const before = hits.size;
  assert.equal((await fetch(local(`${filesUrl}/cat-never-sent.png`))).status, 404);
  assert.equal((await fetch(`${node.url}/media/remote/..%2F..%2Fsecret`)).status, 404);
  assert.equal((await fetch(`${node.url}/media/remote/${"A".repeat(64)}`)).status, 404);
  assert.equal(hits.size, before, "an unknown key reaches no remote server");

  await postWithImages([`${filesUrl}/evil.svg`, `${filesUrl}/missing.png`]);
  for (const path of ["/evil.svg", "/missing.png"]) {
    assert.equal((await fetch(local(`${filesUrl}${path}`))).status, 404);
    assert.equal((await fetch(local(`${filesUrl}${path}`))).status, 404);
    assert.equal(hits.get(path), 1, `${path}: a failure is not retried at once`);
  }
  const rows = await node.node.db.db
    .selectFrom("remote_media")
    .select(["cached", "failed_at"])
    .where("key", "in", [
      remoteMediaKey(`${filesUrl}/evil.svg`),
      remoteMediaKey(`${filesUrl}/missing.png`),
    ])
    .execute();
  assert.deepEqual(
    rows.map((r) => [r.cached, r.failed_at !== null]),
    [
      [0, true],
      [0, true],
    ],
  );
});

test("pruning by age and by size drops cached files; the next view fetches again", async () => {
  const dog = `${filesUrl}/cat.png?dog`;
  served.set("/cat.png?dog", { type: "image/png", body: await png(40) });
  await postWithImages([dog]);
  assert.equal((await fetch(local(dog))).status, 200);
  const deps = { db: node.node.db.db, media: node.node.config, clock: systemClock };
  const cached = () =>
    node.node.db.db
      .selectFrom("remote_media")
      .select("url")
      .where("cached", "=", 1)
      .orderBy("url")
      .execute()
      .then((rs) => rs.map((r) => r.url));
  const before = await cached();
  assert.ok(before.includes(dog) && before.length >= 4, JSON.stringify(before));

  // By age: only what was last viewed longer ago than maxAgeDays goes.
  await node.node.db.db
    .updateTable("remote_media")
    .set({ last_used_at: new Date(Date.now() - 40 * 86_400_000).toISOString() })
    .where("url", "=", dog)
    .execute();
  const byAge = await pruneRemoteMedia(deps, { maxBytes: 1024 ** 3, maxAgeDays: 30 });
  assert.equal(byAge.removed, 1);
  assert.deepEqual(
    await cached(),
    before.filter((u) => u !== dog),
  );
  const key = remoteMediaKey(dog);
  assert.equal(
    existsSync(join(node.node.config.dataDir, "media", "remote", key.slice(0, 2), key)),
    false,
  );

  // By size: the least recently used go first until the total fits.
  const sizes = await node.node.db.db
    .selectFrom("remote_media")
    .select(["url", "size", "last_used_at"])
    .where("cached", "=", 1)
    .orderBy("last_used_at", "desc")
    .execute();
  const newest = sizes[0];
  assert.ok(newest);
  const bySize = await pruneRemoteMedia(deps, { maxBytes: Number(newest.size), maxAgeDays: 30 });
  assert.equal(bySize.keptBytes <= Number(newest.size), true);
  assert.equal(bySize.removed, sizes.length - bySize.keptObjects);
  assert.equal((await pruneRemoteMedia(deps, { maxBytes: 0, maxAgeDays: 30 })).keptObjects, 0);

  // Re-fetched on demand, same bytes.
  const fetchedBefore = hits.get("/cat.png?dog") ?? 0;
  const again = await fetch(local(dog));
  assert.equal(again.status, 200);
  assert.deepEqual(Buffer.from(await again.arrayBuffer()), served.get("/cat.png?dog")?.body);
  assert.equal(hits.get("/cat.png?dog"), fetchedBefore + 1);
});
