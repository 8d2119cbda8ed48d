/**
 * The shape of what we send and what we take, against a fake remote server
 * (127.0.62.9) that records every delivery: an Undo carries the original
 * activity with its id and addressing (GoToSocial and Mastodon match it by id
 * and refuse an Announce addressed to nobody); one activity reaches one inbox
 * once, however many audiences it has; a delivery refused with 4xx is not
 * retried; a second Update with the same id but new content is applied (as
 * GoToSocial reuses `{status}/activity#Update`), an identical one is not. A
 * followed actor's recent posts (its outbox's first page) and its pins (its
 * featured collection) are read, bounded, from what the collections embed.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { OUTBOX_BACKFILL_ITEMS } from "../src/federation/social/backfill.ts";
import { followRemote, waitFor } from "../src/federation/testing.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { boost, like, unboost, unlike } from "../src/social/interactions.ts";
import { filterActor, unfilterActor } from "../src/social/moderation.ts";
import { createPost } from "../src/social/posts.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let node: TestNode;
let stopWorker: () => Promise<void>;
let remote: RemoteActor;
let ann: { id: string; username: string };
let annUri: string;
let sent = 0;

const eve = () => remote.id;
const db = () => node.node.db.db;
const s = () => ({ db: db(), origin: node.url, domain: node.domain, clock: systemClock });
const received = () => remote.delivered.map((d) => d.body);

async function send(activity: Record<string, unknown>) {
  const body = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${eve()}/activities/${++sent}`,
    actor: eve(),
    ...activity,
  };
  const res = await fetch(await remote.signed(`${node.url}/inbox`, body));
  assert.equal(res.status, 202, `${activity.type}: ${await res.text()}`);
}

/** Nothing is left in any queue: inbox handled, outbox delivered or given up. */
const settled = () =>
  waitFor("the queues are empty and the relay is done", async () => {
    const queued = await db().selectFrom("queue_messages").select("id").executeTakeFirst();
    const pending = await db()
      .selectFrom("outbox_events")
      .select("id")
      .where("relayed_at", "is", null)
      .executeTakeFirst();
    return !queued && !pending;
  });

const eveNote = (id: string, content: string, extra: Record<string, unknown> = {}) => ({
  id: `${eve()}/notes/${id}`,
  type: "Note",
  attributedTo: eve(),
  content,
  to: "https://www.w3.org/ns/activitystreams#Public",
  tag: [{ type: "Mention", href: annUri, name: `@ann@${node.domain}` }],
  ...extra,
});

async function postRow(uri: string) {
  return db().selectFrom("posts").selectAll().where("uri", "=", uri).executeTakeFirstOrThrow();
}

before(async () => {
  remote = await startRemoteActor("127.0.62.9", "eve");
  node = await startTestNode({ host: "127.0.62.1" });
  stopWorker = await node.node.startWorker();
  ann = await createMember(node, { username: "ann", password: "long enough" });
  annUri = `${node.url}/users/ann`;
  // eve follows ann: her server is both a follower (shared inbox) and, below, an author.
  await send({ type: "Follow", id: `${eve()}/follows/ann`, object: annUri });
  await waitFor("eve gets the Accept", () => received().some((a) => a.type === "Accept"));
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  remote?.close();
});

test("boost and unboost of eve's post: one delivery each, the Undo embedding the Announce as sent", async () => {
  await send({ type: "Create", object: eveNote("b1", "<p>boost me</p>") });
  await settled();
  const post = await postRow(`${eve()}/notes/b1`);
  const before = remote.delivered.length;
  assert.ok((await boost(s(), ann, post.id)).ok);
  await settled();
  assert.ok(await unboost(s(), ann, post.id));
  await settled();
  const got = remote.delivered.slice(before).map((d) => d.body);
  const announces = got.filter((a) => a.type === "Announce");
  const undos = got.filter((a) => a.type === "Undo");
  // eve is a follower and the author: still one delivery to her server, not two.
  assert.equal(announces.length, 1, JSON.stringify(got));
  assert.equal(undos.length, 1, JSON.stringify(got));
  const announce = announces[0] as Record<string, unknown>;
  const embedded = (undos[0] as { object: Record<string, unknown> }).object;
  for (const field of ["id", "actor", "object", "to", "cc", "published"])
    assert.deepEqual(embedded[field], announce[field], field);
  assert.ok(embedded.to && embedded.cc, "the embedded Announce is addressed");
});

test("like and unlike: the Undo embeds the Like with its id and addressing", async () => {
  await send({ type: "Create", object: eveNote("l1", "<p>like me</p>") });
  await settled();
  const post = await postRow(`${eve()}/notes/l1`);
  const before = remote.delivered.length;
  assert.ok((await like(s(), ann, post.id)).ok);
  await settled();
  assert.ok(await unlike(s(), ann, post.id));
  await settled();
  const got = remote.delivered.slice(before).map((d) => d.body);
  const likeSent = got.find((a) => a.type === "Like") as Record<string, unknown>;
  const undo = got.find((a) => a.type === "Undo") as { object: Record<string, unknown> };
  assert.ok(likeSent && undo);
  for (const field of ["id", "actor", "object", "to"])
    assert.deepEqual(undo.object[field], likeSent[field], field);
});

test("block and unblock: the Undo embeds the Block with the id it was sent with", async () => {
  const eveRow = await db()
    .selectFrom("remote_actors")
    .select("id")
    .where("uri", "=", eve())
    .executeTakeFirstOrThrow();
  const before = remote.delivered.length;
  const target = { uri: eve(), accountId: null, remoteId: eveRow.id };
  assert.ok((await filterActor(s(), ann, target, "block")).ok);
  await settled();
  assert.ok(await unfilterActor(s(), ann, eve(), "block"));
  await settled();
  const got = remote.delivered.slice(before).map((d) => d.body);
  const block = got.find((a) => a.type === "Block") as Record<string, unknown>;
  const undo = got.find((a) => a.type === "Undo") as { object: Record<string, unknown> };
  assert.ok(block && undo, JSON.stringify(got));
  assert.equal(undo.object.type, "Block");
  assert.equal(undo.object.id, block.id);
  assert.equal(undo.object.object, eve());
  // Blocking ended eve's follow of ann; she follows again for the tests below.
  await send({ type: "Follow", id: `${eve()}/follows/ann-again`, object: annUri });
  await settled();
});

test("a delivery refused with 401 is tried once, not retried", async () => {
  remote.inboxStatus = 401;
  try {
    const before = remote.delivered.length;
    const created = await createPost(s(), ann, {
      text: "refused",
      spoiler: "",
      visibility: "public",
      language: null,
      sensitive: false,
      inReplyToId: null,
      mentions: [],
      media: [],
      poll: null,
    });
    assert.ok(created.ok);
    // Nothing waits in the queue for a retry: settled() would time out on one.
    await settled();
    const creates = remote.delivered.slice(before).filter((d) => d.body.type === "Create");
    // Fedify knocks twice at once (RFC 9421, then draft-cavage signatures); then gives up.
    assert.ok(creates.length >= 1 && creates.length <= 2, `${creates.length} deliveries`);
  } finally {
    remote.inboxStatus = 202;
  }
});

test("Updates that reuse one id (as GoToSocial's do) are applied when their content changes", async () => {
  await send({ type: "Create", object: eveNote("u1", "<p>first</p>") });
  await settled();
  const uri = `${eve()}/notes/u1`;
  const update = (content: string, updated: string) => ({
    type: "Update",
    id: `${uri}/activity#Update`,
    object: eveNote("u1", content, { updated }),
  });
  await send(update("<p>second</p>", "2026-02-01T00:00:00Z"));
  await settled();
  assert.match((await postRow(uri)).content_html, /second/);
  await send(update("<p>third</p>", "2026-02-02T00:00:00Z"));
  await settled();
  assert.match((await postRow(uri)).content_html, /third/);
  // The same Update delivered again is a repeat: no new version is kept.
  const versions = async () =>
    (
      await db()
        .selectFrom("post_edits")
        .select("id")
        .where("post_id", "=", (await postRow(uri)).id)
        .execute()
    ).length;
  const n = await versions();
  await send(update("<p>third</p>", "2026-02-02T00:00:00Z"));
  await settled();
  assert.equal(await versions(), n);
});

test("following an actor reads its pins and the first page of its outbox, bounded", async () => {
  const gil = await startRemoteActor("127.0.62.8", "gil");
  try {
    const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
    const note = (n: number, to: string = PUBLIC) => ({
      id: `${gil.id}/notes/${n}`,
      type: "Note",
      attributedTo: gil.id,
      content: `<p>gil says ${n}</p>`,
      published: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
      to,
      cc: `${gil.id}/followers`,
    });
    const path = (u: string) => new URL(u).pathname;
    gil.documents.set(path(gil.id), {
      "@context": [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
          toot: "http://joinmastodon.org/ns#",
          featured: { "@id": "toot:featured", "@type": "@id" },
        },
      ],
      id: gil.id,
      type: "Person",
      preferredUsername: "gil",
      inbox: `${gil.id}/inbox`,
      outbox: `${gil.id}/outbox`,
      followers: `${gil.id}/followers`,
      featured: `${gil.id}/featured`,
      publicKey: {
        id: `${gil.id}#main-key`,
        owner: gil.id,
        publicKeyPem: gil.keys.publicKey.export({ type: "spki", format: "pem" }),
      },
    });
    gil.documents.set(`${path(gil.id)}/featured`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${gil.id}/featured`,
      type: "OrderedCollection",
      totalItems: 3,
      // Two pins, then one only given as a URL (not fetched) and a followers-only one (left out).
      orderedItems: [note(2), note(1), `${gil.id}/notes/99`, note(3, `${gil.id}/followers`)],
    });
    gil.documents.set(`${path(gil.id)}/outbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${gil.id}/outbox`,
      type: "OrderedCollection",
      totalItems: 40,
      first: `${gil.id}/outbox?page=true`,
    });
    gil.documents.set(`${path(gil.id)}/outbox?page=true`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${gil.id}/outbox?page=true`,
      type: "OrderedCollectionPage",
      partOf: `${gil.id}/outbox`,
      orderedItems: Array.from({ length: 30 }, (_, i) => ({
        id: `${gil.id}/notes/${10 + i}/activity`,
        type: "Create",
        actor: gil.id,
        to: PUBLIC,
        object: note(10 + i),
      })),
    });
    const { actor } = await followRemote(node.node, ann, gil.id);
    // Looked up: the pins are read at once, in the collection's order.
    const pinned = await node.node.app.request(
      `${node.url}/api/v1/accounts/${actor.id}/statuses?pinned=true`,
    );
    assert.equal(pinned.status, 200);
    const pins = (await pinned.json()) as { uri: string }[];
    assert.deepEqual(
      pins.map((p) => p.uri),
      [`${gil.id}/notes/2`, `${gil.id}/notes/1`],
    );
    assert.ok(!gil.fetched.includes(`${path(gil.id)}/notes/99`), "a bare URL is not fetched");
    // gil accepts: the first page of the outbox is read, OUTBOX_BACKFILL_ITEMS of it.
    const follow = await waitFor("gil gets the Follow", () =>
      gil.delivered.find((d) => d.body.type === "Follow"),
    );
    const accept = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${gil.id}/accepts/1`,
      type: "Accept",
      actor: gil.id,
      object: follow.body.id,
    };
    const res = await fetch(await gil.signed(`${node.url}/inbox`, accept));
    assert.equal(res.status, 202);
    await settled();
    const backfilled = await db()
      .selectFrom("posts")
      .select("uri")
      .where("author_uri", "=", gil.id)
      .where("uri", "like", `${gil.id}/notes/%`)
      .execute();
    const fromOutbox = backfilled.filter((p) => Number(p.uri.split("/").pop()) >= 10);
    assert.equal(fromOutbox.length, OUTBOX_BACKFILL_ITEMS);
    const home = await db()
      .selectFrom("home_entries")
      .innerJoin("posts", "posts.id", "home_entries.post_id")
      .select("posts.uri")
      .where("home_entries.account_id", "=", ann.id)
      .where("posts.author_uri", "=", gil.id)
      .execute();
    assert.ok(home.length >= OUTBOX_BACKFILL_ITEMS, `ann's home has gil's posts (${home.length})`);
  } finally {
    gil.close();
  }
});
