/**
 * Posts and interactions between three real nodes (127.0.11.x), each with its
 * own database and worker: Create with mentions and hashtags, replies, edits
 * (Update), deletes (Delete/Tombstone), boosts and likes and their undoing,
 * followers-only and direct addressing, polls voted across nodes with results
 * going back as Update(Question), and the Note served at its id.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { followRemote, waitFor } from "../src/federation/testing.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
let c: TestNode;
const stops: (() => Promise<void>)[] = [];
let ann: SignedIn;
let bob: SignedIn;
let carl: SignedIn;

before(async () => {
  [a, b, c] = await Promise.all([
    startTestNode({ host: "127.0.11.1" }),
    startTestNode({ host: "127.0.11.2" }),
    startTestNode({ host: "127.0.11.3" }),
  ]);
  for (const n of [a, b, c]) stops.push(await n.node.startWorker());
  await createMember(a, { username: "ann", password: "long enough" });
  const bobRow = await createMember(b, { username: "bob", password: "long enough" });
  await createMember(c, { username: "carl", password: "long enough" });
  [ann, bob, carl] = await Promise.all([
    signIn(a, "ann", "long enough"),
    signIn(b, "bob", "long enough"),
    signIn(c, "carl", "long enough"),
  ]);
  // bob follows ann across nodes.
  await followRemote(b.node, bobRow, `ann@${a.domain}`);
  await waitFor("bob's follow of ann is accepted", async () => {
    const row = await b.node.db.db
      .selectFrom("follows")
      .select("status")
      .where("follower_account_id", "=", bobRow.id)
      .executeTakeFirst();
    return row?.status === "accepted";
  });
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
  const row = await node.node.db.db
    .selectFrom("posts")
    .selectAll()
    .where("source", "=", fields.text ?? "")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return row;
}

const copyOn = (node: TestNode, uri: string) =>
  node.node.db.db.selectFrom("posts").selectAll().where("uri", "=", uri).executeTakeFirst();

test("a post reaches followers and the mentioned; replies, edits and deletes follow it", async () => {
  const post = await write(ann, a, { text: `Bread day! #bakery cc @carl@${c.domain}` });
  const onB = await waitFor("bob's node has ann's post", () => copyOn(b, post.uri));
  assert.equal(onB.visibility, "public");
  assert.match(onB.content_html, /Bread day!/);
  assert.match(onB.content_html, /class="mention hashtag"/);
  const onC = await waitFor("carl's node has it (mentioned)", () => copyOn(c, post.uri));
  const bobHome = await (await bob.get("/social")).text();
  assert.match(bobHome, /Bread day!/);
  await waitFor("carl is notified of the mention", async () =>
    /mentioned you/.test(await (await carl.get("/notifications")).text()),
  );
  const tags = await b.node.db.db
    .selectFrom("post_tags")
    .select("tag")
    .where("post_id", "=", onB.id)
    .execute();
  assert.deepEqual(
    tags.map((t) => t.tag),
    ["bakery"],
  );
  assert.ok(onC);

  // bob replies from his node; ann's node threads it and notifies her.
  const reply = await write(bob, b, { text: `@ann@${a.domain} smells good`, in_reply_to: onB.id });
  const replyOnA = await waitFor("ann's node has the reply", () => copyOn(a, reply.uri));
  assert.equal(replyOnA.in_reply_to_id, post.id);
  assert.equal(replyOnA.thread_id, post.id);
  await waitFor("ann is notified of the reply", async () =>
    /replied to you/.test(await (await ann.get("/notifications")).text()),
  );
  const thread = await (await fetch(`${a.url}/@ann/${post.id}`)).text();
  assert.match(thread, /smells good/);

  // ann edits: Update(Note).
  assert.equal(
    (await ann.post(`/posts/${post.id}/edit`, { text: "Bread day, with rye!", spoiler: "" }))
      .status,
    303,
  );
  await waitFor("bob's copy is edited", async () =>
    /with rye/.test((await copyOn(b, post.uri))?.content_html ?? ""),
  );
  assert.ok((await copyOn(b, post.uri))?.edited_at);

  // ann deletes: Delete(Tombstone); the post answers 410 at its id.
  assert.equal((await ann.post(`/posts/${post.id}/delete`, {})).status, 303);
  await waitFor("bob's copy is deleted", async () => !!(await copyOn(b, post.uri))?.deleted_at);
  await waitFor("carl's copy is deleted", async () => !!(await copyOn(c, post.uri))?.deleted_at);
  const gone = await fetch(post.uri, { headers: { accept: "application/activity+json" } });
  assert.equal(gone.status, 410);
});

test("boosts and likes travel, and so does undoing them", async () => {
  const post = await write(ann, a, { text: "Boost me" });
  const onB = await waitFor("bob's node has the post", () => copyOn(b, post.uri));
  assert.equal((await bob.post(`/posts/${onB.id}/boost`, {})).status, 303);
  assert.equal((await bob.post(`/posts/${onB.id}/like`, {})).status, 303);
  const counts = () =>
    a.node.db.db
      .selectFrom("posts")
      .select(["reblogs_count", "likes_count"])
      .where("id", "=", post.id)
      .executeTakeFirstOrThrow();
  await waitFor("ann's node counts the boost and the like", async () => {
    const row = await counts();
    return row.reblogs_count === 1 && row.likes_count === 1;
  });
  const notes = await (await ann.get("/notifications")).text();
  assert.match(notes, /boosted your post/);
  assert.match(notes, /liked your post/);
  assert.equal((await bob.post(`/posts/${onB.id}/unboost`, {})).status, 303);
  assert.equal((await bob.post(`/posts/${onB.id}/unlike`, {})).status, 303);
  await waitFor("ann's node hears both undone", async () => {
    const row = await counts();
    return row.reblogs_count === 0 && row.likes_count === 0;
  });
});

test("followers-only reaches followers only; direct reaches the mentioned only", async () => {
  const fo = await write(ann, a, { text: "followers only here", visibility: "followers" });
  const dm = await write(ann, a, { text: `psst @carl@${c.domain}`, visibility: "direct" });
  const onB = await waitFor("bob (a follower) has the followers-only post", () =>
    copyOn(b, fo.uri),
  );
  assert.equal(onB.visibility, "followers");
  const dmOnC = await waitFor("carl has the direct message", () => copyOn(c, dm.uri));
  assert.equal(dmOnC.visibility, "direct");
  // Each node has had every activity sent to it by now (the DM went out after the post).
  assert.equal(await copyOn(c, fo.uri), undefined);
  await waitFor(
    "the relay is done",
    async () =>
      !(await a.node.db.db
        .selectFrom("outbox_events")
        .select("id")
        .where("relayed_at", "is", null)
        .executeTakeFirst()),
  );
  assert.equal(await copyOn(b, dm.uri), undefined);
  // The DM shows to carl, not to a visitor on carl's node.
  assert.equal((await carl.get(`/posts/${dmOnC.id}`)).status, 200);
  assert.equal((await fetch(`${c.url}/posts/${dmOnC.id}`)).status, 404);
  // Served at its id: public to anyone; followers-only not to an unsigned fetch.
  const accept = { accept: "application/activity+json" };
  assert.equal((await fetch(fo.uri, { headers: accept })).status, 404);
  const pub = await write(ann, a, { text: "public note" });
  const note = (await (await fetch(pub.uri, { headers: accept })).json()) as Record<
    string,
    unknown
  >;
  assert.equal(note.type, "Note");
  assert.equal(note.id, pub.uri);
  assert.equal(note.to, "as:Public");
});

test("polls: a remote member votes once; results come back as Update(Question)", async () => {
  const form = {
    text: "Which bread?",
    poll_option_1: "Rye",
    poll_option_2: "Spelt",
    poll_duration: "3600",
  };
  const poll = await write(ann, a, form);
  const onB = await waitFor("bob's node has the poll", async () => {
    const row = await copyOn(b, poll.uri);
    return row &&
      (await b.node.db.db
        .selectFrom("polls")
        .selectAll()
        .where("post_id", "=", row.id)
        .executeTakeFirst())
      ? row
      : undefined;
  });
  const served = (await (
    await fetch(poll.uri, { headers: { accept: "application/activity+json" } })
  ).json()) as Record<string, unknown>;
  assert.equal(served.type, "Question");
  assert.equal((served.oneOf as unknown[]).length, 2);
  assert.equal((await bob.post(`/posts/${onB.id}/vote`, { choice: "1" })).status, 303);
  // A second vote is refused (422) and changes nothing.
  assert.equal((await bob.post(`/posts/${onB.id}/vote`, { choice: "0" })).status, 422);
  const pollOn = (n: TestNode, id: string) =>
    n.node.db.db
      .selectFrom("polls")
      .selectAll()
      .where("post_id", "=", id)
      .executeTakeFirstOrThrow();
  await waitFor(
    "ann's node counts bob's vote",
    async () => (await pollOn(a, poll.id)).voters_count === 1,
  );
  assert.deepEqual(JSON.parse((await pollOn(a, poll.id)).options), [
    { title: "Rye", votes: 0 },
    { title: "Spelt", votes: 1 },
  ]);
  const vote = await a.node.db.db
    .selectFrom("poll_votes")
    .selectAll()
    .where("post_id", "=", poll.id)
    .executeTakeFirstOrThrow();
  assert.equal(vote.voter_uri, `${b.url}/users/bob`);
  // The Update(Question) reaches bob's node with the same counts.
  await waitFor(
    "bob's node gets the results",
    async () => JSON.parse((await pollOn(b, onB.id)).options)[1]?.votes === 1,
  );
  // ann cannot vote on her own poll.
  assert.equal((await ann.post(`/posts/${poll.id}/vote`, { choice: "0" })).status, 422);
});
