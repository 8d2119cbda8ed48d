/**
 * What happens between real nodes (127.0.61.x) around the people one follows:
 * a boost by someone a member follows reaches home timelines, notifications and
 * counts (it used to be taken for a group's Announce and dropped); a deleted
 * account's posts, boosts, likes and votes leave the other nodes; a member who
 * joins a group on another node gets its recent threads; a new follow shows the
 * followed member's recent public posts (read from their outbox).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { GROUP_BACKFILL_THREADS } from "../src/federation/groups/backfill.ts";
import { followRemote, waitFor } from "../src/federation/testing.ts";
import { createGroup } from "../src/groups/groups.ts";
import { writeInGroup } from "../src/groups/threads.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { textPost } from "../src/social/posts.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
let c: TestNode;
const stops: (() => Promise<void>)[] = [];
let ann: SignedIn;
let bob: SignedIn;
let carl: SignedIn;
let annRow: { id: string; username: string };
let carlRow: { id: string; username: string };

const accepted = (node: TestNode, followerId: string, followeeUri: string) =>
  waitFor(`${followerId} follows ${followeeUri}`, async () => {
    const row = await node.node.db.db
      .selectFrom("follows")
      .select("status")
      .where("follower_account_id", "=", followerId)
      .where("followee_uri", "=", followeeUri)
      .executeTakeFirst();
    return row?.status === "accepted";
  });

before(async () => {
  [a, b, c] = await Promise.all([
    startTestNode({ host: "127.0.61.1" }),
    startTestNode({ host: "127.0.61.2" }),
    startTestNode({ host: "127.0.61.3" }),
  ]);
  for (const n of [a, b, c]) stops.push(await n.node.startWorker());
  annRow = await createMember(a, { username: "ann", password: "long enough" });
  const bobRow = await createMember(b, { username: "bob", password: "long enough" });
  carlRow = await createMember(c, { username: "carl", password: "long enough" });
  [ann, bob, carl] = await Promise.all([
    signIn(a, "ann", "long enough"),
    signIn(b, "bob", "long enough"),
    signIn(c, "carl", "long enough"),
  ]);
  // bob follows ann; ann follows bob back; carl follows bob.
  await followRemote(b.node, bobRow, `ann@${a.domain}`);
  await followRemote(a.node, annRow, `bob@${b.domain}`);
  await followRemote(c.node, carlRow, `bob@${b.domain}`);
  await accepted(b, bobRow.id, `${a.url}/users/ann`);
  await accepted(a, annRow.id, `${b.url}/users/bob`);
  await accepted(c, carlRow.id, `${b.url}/users/bob`);
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

async function write(who: SignedIn, node: TestNode, fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ visibility: "public", ...fields })) form.set(k, v);
  const res = await who.postMultipart("/social/posts", form);
  assert.equal(res.status, 303, await res.text());
  return node.node.db.db
    .selectFrom("posts")
    .selectAll()
    .where("source", "=", fields.text ?? "")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
}

const copyOn = (node: TestNode, uri: string) =>
  node.node.db.db.selectFrom("posts").selectAll().where("uri", "=", uri).executeTakeFirst();

const boostOf = (node: TestNode, postUri: string, boosterUri: string) =>
  node.node.db.db
    .selectFrom("posts as b")
    .innerJoin("posts as o", "o.id", "b.reblog_of_id")
    .select("b.id")
    .where("o.uri", "=", postUri)
    .where("b.author_uri", "=", boosterUri)
    .executeTakeFirst();

test("a boost by someone followed reaches the author's notifications and counts, and followers' homes", async () => {
  const post = await write(ann, a, { text: "Boost me, bob" });
  const onB = await waitFor("bob's node has ann's post", () => copyOn(b, post.uri));
  assert.equal((await bob.post(`/posts/${onB.id}/boost`, {})).status, 303);
  const bobUri = `${b.url}/users/bob`;
  // ann follows bob, so her node could take his Announce for a group's: it must not.
  await waitFor("ann's node counts bob's boost", async () => {
    const row = await copyOn(a, post.uri);
    return row?.reblogs_count === 1;
  });
  await waitFor("ann is notified", async () =>
    /boosted your post/.test(await (await ann.get("/notifications")).text()),
  );
  // carl follows bob, not ann: his node fetches ann's post and shows bob's boost at home.
  await waitFor("carl's node keeps bob's boost", () => boostOf(c, post.uri, bobUri));
  assert.match(await (await carl.get("/social")).text(), /Boost me, bob/);
});

test("a deleted account's posts, boosts, likes and votes leave the other nodes", async () => {
  const dora = await createMember(b, { username: "dora", password: "long enough" });
  const doraIn = await signIn(b, "dora", "long enough");
  const doraUri = `${b.url}/users/dora`;
  // dora follows ann (so her Delete reaches ann's node); ann does not follow dora.
  await followRemote(b.node, dora, `ann@${a.domain}`);
  await accepted(b, dora.id, `${a.url}/users/ann`);
  const poll = await write(ann, a, {
    text: "Rye or spelt?",
    poll_option_1: "Rye",
    poll_option_2: "Spelt",
    poll_duration: "3600",
  });
  const mine = await write(doraIn, b, { text: `@ann@${a.domain} dora was here` });
  const onA = await waitFor("ann's node has dora's post", () => copyOn(a, mine.uri));
  const pollOnB = await waitFor("dora's node has ann's poll", async () => {
    const row = await copyOn(b, poll.uri);
    const hasPoll =
      row &&
      (await b.node.db.db
        .selectFrom("polls")
        .select("post_id")
        .where("post_id", "=", row.id)
        .executeTakeFirst());
    return hasPoll ? row : undefined;
  });
  assert.equal((await doraIn.post(`/posts/${pollOnB.id}/boost`, {})).status, 303);
  assert.equal((await doraIn.post(`/posts/${pollOnB.id}/like`, {})).status, 303);
  assert.equal((await doraIn.post(`/posts/${pollOnB.id}/vote`, { choice: "0" })).status, 303);
  const counts = async () => {
    const row = await copyOn(a, poll.uri);
    const p = await a.node.db.db
      .selectFrom("polls")
      .select("voters_count")
      .where("post_id", "=", poll.id)
      .executeTakeFirstOrThrow();
    return { boosts: row?.reblogs_count, likes: row?.likes_count, voters: p.voters_count };
  };
  await waitFor("ann's node counts dora's boost, like and vote", async () => {
    const n = await counts();
    return n.boosts === 1 && n.likes === 1 && n.voters === 1;
  });

  const votersOnB = async () =>
    (
      await b.node.db.db
        .selectFrom("polls")
        .select("voters_count")
        .where("post_id", "=", pollOnB.id)
        .executeTakeFirst()
    )?.voters_count;
  await waitFor("the copy on dora's node counts her vote", async () => (await votersOnB()) === 1);

  const res = await doraIn.post("/settings/delete", { password: "long enough", confirm: "yes" });
  assert.equal(res.status, 303, await res.text());
  await waitFor("dora's post is gone from ann's node", async () => {
    const row = await copyOn(a, mine.uri);
    return !!row?.deleted_at;
  });
  await waitFor("dora's boost, like and vote are gone from ann's node", async () => {
    const n = await counts();
    return n.boosts === 0 && n.likes === 0 && n.voters === 0;
  });
  assert.equal(await boostOf(a, poll.uri, doraUri), undefined);
  // The poll's new count reaches the copies elsewhere too (bob follows ann from dora's node).
  await waitFor("the copy on dora's node counts no voter", async () => (await votersOnB()) === 0);
  assert.equal((await copyOn(a, mine.uri))?.content_html, "");
  assert.ok(onA);
  const follows = await a.node.db.db
    .selectFrom("follows")
    .select("id")
    .where((eb) => eb.or([eb("follower_uri", "=", doraUri), eb("followee_uri", "=", doraUri)]))
    .execute();
  assert.deepEqual(follows, []);
});

test("a member joining a group on another node gets its recent threads", async () => {
  const made = await createGroup(
    { db: a.node.db.db, origin: a.url, domain: a.domain, clock: systemClock },
    annRow,
    {
      name: "bakers",
      kind: "working_group",
      displayName: "Bakers",
      visibility: "public",
      moderated: false,
    },
  );
  assert.ok(made.ok);
  const uris: string[] = [];
  for (let i = 1; i <= GROUP_BACKFILL_THREADS + 2; i++) {
    const thread = await writeInGroup(socialOf(a), made.value, annRow, {
      title: `Loaf ${i}`,
      ...textPost(`Recipe ${i}`),
    });
    assert.ok(thread.ok);
    uris.push(thread.value.uri);
  }
  await followRemote(c.node, carlRow, `bakers@${a.domain}`);
  const groupUri = `${a.url}/groups/bakers`;
  const onC = () =>
    c.node.db.db.selectFrom("posts").select("uri").where("audience_uri", "=", groupUri).execute();
  await waitFor("carl's node has the recent threads", async () => {
    return (await onC()).length === GROUP_BACKFILL_THREADS;
  });
  const got = new Set((await onC()).map((p) => p.uri));
  assert.deepEqual(
    uris.filter((u) => got.has(u)),
    uris.slice(-GROUP_BACKFILL_THREADS),
  );
});

test("following a member elsewhere shows their recent public posts, not their private ones", async () => {
  const open = await write(ann, a, { text: "Written before carl followed" });
  const closed = await write(ann, a, {
    text: "For followers, before carl",
    visibility: "followers",
  });
  const served = await fetch(`${a.url}/users/ann/outbox`, {
    headers: { accept: "application/activity+json" },
  });
  assert.equal(served.status, 200);
  assert.equal(await copyOn(c, open.uri), undefined, "carl's node does not have it yet");
  await followRemote(c.node, carlRow, `ann@${a.domain}`);
  await accepted(c, carlRow.id, `${a.url}/users/ann`);
  const onC = await waitFor("carl's node reads ann's outbox", () => copyOn(c, open.uri));
  assert.equal(onC.visibility, "public");
  await waitFor("carl's home shows it", async () =>
    /Written before carl followed/.test(await (await carl.get("/social")).text()),
  );
  assert.equal(await copyOn(c, closed.uri), undefined);
});
