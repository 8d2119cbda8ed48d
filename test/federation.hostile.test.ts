/**
 * A hostile server against the inbox (node on 127.0.63.1, fake servers on
 * 127.0.63.8-9): a Create full of tag and attachment URLs makes no fetches; a
 * Note with 10,000 mentions, or nested 10,000 deep, is a quick 400; a key
 * document of megabytes is cut off instead of read; and random bodies (keys like
 * __proto__ and constructor, any depth, any size) never answer 500 and never
 * change Object.prototype (a fast-check property).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { MAX_REMOTE_DOCUMENT_BYTES } from "../src/federation/bounded-fetch.ts";
import { MAX_INBOX_ARRAY, MAX_INBOX_DEPTH } from "../src/federation/inbox-guard.ts";
import { MAX_REMOTE_MENTIONS } from "../src/federation/remote-limits.ts";
import { waitFor } from "../src/federation/testing.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let node: TestNode;
let stopWorker: () => Promise<void>;
let remote: RemoteActor;
let annUri: string;
let sent = 0;
const eve = () => remote.id;
const db = () => node.node.db.db;
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

async function post(activity: Record<string, unknown>, as = remote): Promise<Response> {
  const body = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${as.id}/activities/${++sent}`,
    actor: as.id,
    ...activity,
  };
  return fetch(await as.signed(`${node.url}/inbox`, body));
}

const drained = () =>
  waitFor(
    "the inbox queue is empty",
    async () => !(await db().selectFrom("queue_messages").select("id").executeTakeFirst()),
  );

before(async () => {
  remote = await startRemoteActor("127.0.63.9", "eve");
  node = await startTestNode({ host: "127.0.63.1" });
  stopWorker = await node.node.startWorker();
  await createMember(node, { username: "ann", password: "long enough" });
  annUri = `${node.url}/users/ann`;
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  remote?.close();
});

test("tags and attachments given as URLs are never fetched, and lists are capped", async () => {
  const mention = { type: "Mention", href: annUri, name: "@ann" };
  // Over the list cap: refused at the door, before any parsing or fetching.
  const tooMany = await post({
    type: "Create",
    object: {
      id: `${eve()}/notes/many`,
      type: "Note",
      attributedTo: eve(),
      content: "many",
      to: PUBLIC,
      tag: [mention, ...Array.from({ length: 3000 }, (_, i) => `${remote.url}/tags/${i}`)],
    },
  });
  assert.equal(tooMany.status, 400);
  assert.match(await tooMany.text(), new RegExp(`more than ${MAX_INBOX_ARRAY} items`));
  // Under it: kept, with nothing fetched for its 900 tag and 900 attachment URLs.
  const before = remote.fetched.length;
  const ok = await post({
    type: "Create",
    object: {
      id: `${eve()}/notes/urls`,
      type: "Note",
      attributedTo: eve(),
      content: "urls",
      to: PUBLIC,
      tag: [mention, ...Array.from({ length: 900 }, (_, i) => `${remote.url}/tags/${i}`)],
      attachment: Array.from({ length: 900 }, (_, i) => `${remote.url}/media/${i}`),
    },
  });
  assert.equal(ok.status, 202, await ok.text());
  await drained();
  const stored = await db()
    .selectFrom("posts")
    .select("id")
    .where("uri", "=", `${eve()}/notes/urls`)
    .executeTakeFirst();
  assert.ok(stored, "the post is kept");
  const fetched = remote.fetched.slice(before).filter((p) => /tags|media/.test(p));
  assert.deepEqual(fetched, []);
});

test("embedded mentions beyond the cap are left out; 10,000 of them is a quick 400", async () => {
  const mentions = Array.from({ length: 900 }, (_, i) => ({
    type: "Mention",
    href: `${remote.url}/users/u${i}`,
    name: `@u${i}`,
  }));
  const res = await post({
    type: "Create",
    object: {
      id: `${eve()}/notes/mentions`,
      type: "Note",
      attributedTo: eve(),
      content: "hi all",
      to: PUBLIC,
      tag: [{ type: "Mention", href: annUri, name: "@ann" }, ...mentions],
    },
  });
  assert.equal(res.status, 202);
  await drained();
  const row = await db()
    .selectFrom("posts")
    .select("id")
    .where("uri", "=", `${eve()}/notes/mentions`)
    .executeTakeFirstOrThrow();
  const kept = await db()
    .selectFrom("post_mentions")
    .select("actor_uri")
    .where("post_id", "=", row.id)
    .execute();
  assert.equal(kept.length, MAX_REMOTE_MENTIONS);
  assert.ok(
    kept.some((m) => m.actor_uri === annUri),
    "ann's mention (the first) is kept",
  );
  const huge = await post({
    type: "Create",
    object: {
      id: `${eve()}/notes/huge`,
      type: "Note",
      attributedTo: eve(),
      content: "hi",
      tag: Array.from({ length: 10_000 }, (_, i) => ({ type: "Mention", href: `${eve()}${i}` })),
    },
  });
  assert.equal(huge.status, 400);
  // Refused by the shape check, before any JSON-LD work (which took seconds).
  assert.match(await huge.text(), /more than \d+ items/);
});

test("deeply nested JSON, invalid JSON and reserved keys are a 400, not a 500", async () => {
  const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
  for (const body of [
    deep,
    `{"type":"Create","object":${deep}}`,
    "{not json",
    '{"type":"Create","__proto__":{"polluted":1}}',
    '{"type":"Create","\\u005f_proto__":{"polluted":1}}',
  ]) {
    const res = await node.node.app.request(`${node.url}/inbox`, {
      method: "POST",
      headers: { "content-type": "application/activity+json" },
      body,
    });
    assert.equal(res.status, 400, body.slice(0, 40));
  }
  const nested = (depth: number): unknown => (depth === 0 ? {} : { object: nested(depth - 1) });
  const ok = await node.node.app.request(`${node.url}/inbox`, {
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: JSON.stringify({ type: "Create", ...(nested(MAX_INBOX_DEPTH - 2) as object) }),
  });
  // Within the limit it goes on to Fedify (which refuses it for its own reasons).
  assert.doesNotMatch(await ok.text(), /nested more than/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("a key document of megabytes is cut off, not read: the activity is refused", async () => {
  const fat = await startRemoteActor("127.0.63.8", "fat");
  try {
    fat.documents.set("/users/fat", {
      "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
      id: fat.id,
      type: "Person",
      inbox: `${fat.id}/inbox`,
      publicKey: {
        id: `${fat.id}#main-key`,
        owner: fat.id,
        publicKeyPem: fat.keys.publicKey.export({ type: "spki", format: "pem" }),
      },
      padding: "x".repeat(MAX_REMOTE_DOCUMENT_BYTES * 3),
    });
    const res = await post({ type: "Follow", object: annUri }, fat);
    assert.equal(res.status, 401, "the signer's key could not be read");
    assert.ok(fat.fetched.includes("/users/fat"), "the key was asked for");
    assert.equal(await node.node.federation.lookup(fat.id), null);
  } finally {
    fat.close();
  }
});

test("property: random inbox bodies never answer 500 and never touch Object.prototype", async () => {
  const key = fc.oneof(
    fc.constantFrom(
      "__proto__",
      "constructor",
      "prototype",
      "type",
      "id",
      "actor",
      "object",
      "@context",
      "to",
      "tag",
    ),
    fc.string({ maxLength: 12 }),
  );
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null)),
      fc.array(tie("tree"), { maxLength: 5 }),
      fc.dictionary(key, tie("tree"), { maxKeys: 5 }),
    ),
  }));
  const deepBody = fc
    .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom("[", '{"a":'))
    .map(([n, open]) => `${open.repeat(n)}1${(open === "[" ? "]" : "}").repeat(n)}`);
  // Objects with prototype keys as own properties (JSON.parse makes them so), as text.
  const body = fc.oneof(
    tree.map((t) => JSON.stringify(t)),
    fc.dictionary(key, tree, { maxKeys: 8 }).map((o) => JSON.stringify({ type: "Create", ...o })),
    deepBody,
    fc.string({ maxLength: 200 }),
  );
  await fc.assert(
    fc.asyncProperty(body, async (text) => {
      const res = await node.node.app.request(`${node.url}/inbox`, {
        method: "POST",
        headers: { "content-type": "application/activity+json" },
        body: text,
      });
      await res.arrayBuffer();
      assert.ok(res.status < 500, `${res.status} for ${text.slice(0, 80)}`);
      assert.deepEqual(Object.keys(Object.prototype), []);
      assert.equal(Object.getPrototypeOf({}), Object.prototype);
    }),
    { numRuns: 150, seed: 15_14 },
  );
});
