/**
 * Bad input at the inbox, for every social handler: activities signed by a
 * (fake) remote server's actor that try to create posts for someone else, edit
 * or delete our members' posts, like or vote twice, vote for options that do not
 * exist, undo others' likes, or report nobody. Each is accepted by the inbox
 * (202, as Mastodon does) and changes nothing; the good ones are stored once,
 * with their HTML sanitized. Mastodon's own Question fixture parses.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Create, Question } from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { waitFor } from "../src/federation/testing.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { pin, unpin } from "../src/social/interactions.ts";
import { receiveVote } from "../src/social/polls.ts";
import { createPost } from "../src/social/posts.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let node: TestNode;
let stopWorker: () => Promise<void>;
/** A fake remote server on 127.0.14.9: actor eve, with an RSA key; it records what reaches it. */
let remote: RemoteActor;
let ann: { id: string; username: string };
const eve = () => remote.id;
/** What our node delivered to eve. */
const received = () => remote.delivered.map((d) => d.body);
let sent = 0;
/** Signs `activity` as eve (with an id and actor of hers) and posts it to the node's shared inbox. */
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
const drained = () =>
  waitFor(
    "the inbox queue is empty",
    async () =>
      !(await node.node.db.db.selectFrom("queue_messages").select("id").executeTakeFirst()),
  );
const db = () => node.node.db.db;
const s = () => ({ db: db(), origin: node.url, domain: node.domain, clock: systemClock });
const note = (id: string, extra: Record<string, unknown> = {}) => ({
  id: `${eve()}/notes/${id}`,
  type: "Note",
  attributedTo: eve(),
  content: `<p>note ${id}</p>`,
  to: "https://www.w3.org/ns/activitystreams#Public",
  ...extra,
});

before(async () => {
  remote = await startRemoteActor("127.0.14.9", "eve");
  node = await startTestNode({ host: "127.0.14.1" });
  stopWorker = await node.node.startWorker();
  ann = await createMember(node, { username: "ann", password: "long enough" });
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  remote?.close();
});

test("posts: only relevant ones by their own author are stored, sanitized; others' posts cannot be changed", async () => {
  const annUri = `${node.url}/users/ann`;
  const mention = { type: "Mention", href: annUri, name: `@ann@${node.domain}` };
  const created = await createPost(s(), ann, {
    text: "ann's own post",
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
  const annPost = await db()
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", created.value.id)
    .executeTakeFirstOrThrow();
  // Someone else's post (attributedTo mallory), one on another origin, one nobody here cares about.
  await send({
    type: "Create",
    object: note("1", { attributedTo: "http://127.0.14.9:1/users/mallory", tag: [mention] }),
  });
  await send({
    type: "Create",
    object: note("2", { id: "http://127.0.14.8:1/notes/2", tag: [mention] }),
  });
  await send({ type: "Create", object: note("3") });
  // Not theirs to change or delete.
  await send({
    type: "Update",
    object: { ...note("4"), id: annPost.uri, content: "<p>hijacked</p>" },
  });
  await send({ type: "Delete", object: annPost.uri });
  // A good one: mentions ann, with a script to strip.
  await send({
    type: "Create",
    object: note("5", {
      content: '<p>hi <script>alert(1)</script><a href="javascript:x" onclick="y">ann</a></p>',
      tag: [mention],
      cc: [annUri],
    }),
  });
  await drained();
  const stored = await db()
    .selectFrom("posts")
    .select(["uri", "content_html"])
    .where("local", "=", 0)
    .execute();
  assert.deepEqual(
    stored.map((p) => p.uri),
    [`${eve()}/notes/5`],
  );
  assert.doesNotMatch(stored[0]?.content_html ?? "", /script|javascript|onclick/);
  const after = await db()
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", annPost.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(after, annPost);
  // The same Create again (a new activity id, same object) stores nothing new; ann was notified once.
  await send({ type: "Create", object: note("5", { tag: [mention] }) });
  await drained();
  assert.equal(
    (await db().selectFrom("posts").select("id").where("local", "=", 0).execute()).length,
    1,
  );
  assert.equal(
    (
      await db()
        .selectFrom("notifications")
        .select("id")
        .where("account_id", "=", ann.id)
        .where("type", "=", "mention")
        .execute()
    ).length,
    1,
  );
});

test("likes, boosts, undo, votes and reports: refused when wrong, counted once when right", async () => {
  const post = await createPost(s(), ann, {
    text: "vote here",
    spoiler: "",
    visibility: "public",
    language: null,
    sensitive: false,
    inReplyToId: null,
    mentions: [],
    media: [],
    poll: { options: ["Rye", "Spelt"], multiple: false, expiresInSeconds: 3600 },
  });
  assert.ok(post.ok);
  const row = await db()
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", post.value.id)
    .executeTakeFirstOrThrow();
  await send({ type: "Like", object: `${node.url}/posts/01900000-0000-7000-8000-000000000000` });
  await send({ type: "Like", id: `${eve()}/likes/1`, object: row.uri });
  await send({ type: "Like", id: `${eve()}/likes/2`, object: row.uri });
  await send({ type: "Announce", object: `${eve()}/notes/unknown` });
  await send({
    type: "Undo",
    object: {
      type: "Like",
      id: "http://127.0.14.9:1/likes/9",
      actor: "http://127.0.14.9:1/users/mallory",
      object: row.uri,
    },
  });
  const vote = (n: number, name: string) => ({
    type: "Create",
    object: {
      id: `${eve()}/votes/${n}`,
      type: "Note",
      attributedTo: eve(),
      name,
      inReplyTo: row.uri,
      to: `${node.url}/users/ann`,
    },
  });
  await send(vote(1, "Barley"));
  await send(vote(2, "Rye"));
  await send(vote(3, "Spelt"));
  await send({
    type: "Flag",
    object: ["https://elsewhere.example/users/x"],
    content: "about nobody here",
  });
  await send({ type: "Flag", object: [`${node.url}/users/ann`, row.uri], content: "spam" });
  await drained();
  const counted = await db()
    .selectFrom("posts")
    .select(["likes_count", "reblogs_count"])
    .where("id", "=", row.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(counted, { likes_count: 1, reblogs_count: 0 });
  const poll = await db()
    .selectFrom("polls")
    .selectAll()
    .where("post_id", "=", row.id)
    .executeTakeFirstOrThrow();
  // Three votes of one actor on a one-choice poll, processed concurrently: exactly one counts
  // ("Barley" is no option at all).
  const tally = JSON.parse(poll.options) as { title: string; votes: number }[];
  assert.deepEqual(
    tally.map((o) => o.title),
    ["Rye", "Spelt"],
  );
  assert.equal(
    tally.reduce((n, o) => n + o.votes, 0),
    1,
  );
  assert.equal(poll.voters_count, 1);
  const reports = await db().selectFrom("reports").selectAll().execute();
  assert.equal(reports.length, 1);
  assert.equal(reports[0]?.target_uri, `${node.url}/users/ann`);
  assert.deepEqual(JSON.parse(reports[0]?.post_ids ?? "[]"), [row.id]);
  // eve undoes her own like: gone.
  await send({
    type: "Undo",
    object: { type: "Like", id: `${eve()}/likes/1`, actor: eve(), object: row.uri },
  });
  await drained();
  assert.equal(
    (
      await db()
        .selectFrom("posts")
        .select("likes_count")
        .where("id", "=", row.id)
        .executeTakeFirstOrThrow()
    ).likes_count,
    0,
  );
  // A poll whose time is up refuses votes.
  const closed = await createPost(s(), ann, {
    text: "closed poll",
    spoiler: "",
    visibility: "public",
    language: null,
    sensitive: false,
    inReplyToId: null,
    mentions: [],
    media: [],
    poll: { options: ["A", "B"], multiple: true, expiresInSeconds: 300 },
  });
  assert.ok(closed.ok);
  const closedRow = await db()
    .selectFrom("posts")
    .select("uri")
    .where("id", "=", closed.value.id)
    .executeTakeFirstOrThrow();
  await db()
    .updateTable("polls")
    .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
    .where("post_id", "=", closed.value.id)
    .execute();
  await send({
    type: "Create",
    object: {
      id: `${eve()}/votes/4`,
      type: "Note",
      attributedTo: eve(),
      name: "A",
      inReplyTo: closedRow.uri,
    },
  });
  await drained();
  assert.equal(
    (
      await db()
        .selectFrom("poll_votes")
        .select("id")
        .where("post_id", "=", closed.value.id)
        .execute()
    ).length,
    0,
  );
});

test("two votes of one actor at once on a one-choice poll: exactly one counts", async () => {
  const eveRow = await db()
    .selectFrom("remote_actors")
    .select("id")
    .where("uri", "=", eve())
    .executeTakeFirstOrThrow();
  for (let round = 0; round < 5; round++) {
    const poll = await createPost(s(), ann, {
      text: `race ${round}`,
      spoiler: "",
      visibility: "public",
      language: null,
      sensitive: false,
      inReplyToId: null,
      mentions: [],
      media: [],
      poll: { options: ["A", "B"], multiple: false, expiresInSeconds: 3600 },
    });
    assert.ok(poll.ok);
    const input = (optionName: string) => ({
      postId: poll.value.id,
      voterUri: eve(),
      remoteId: eveRow.id,
      optionName,
      uri: `${eve()}/race/${round}/${optionName}`,
    });
    const results = await Promise.all([receiveVote(s(), input("A")), receiveVote(s(), input("B"))]);
    assert.equal(results.filter((r) => r.ok).length, 1, `round ${round}`);
    const votes = await db()
      .selectFrom("poll_votes")
      .select("id")
      .where("post_id", "=", poll.value.id)
      .execute();
    assert.equal(votes.length, 1);
  }
});

test("Mastodon's Create(Question) fixture parses with its options and tallies", async () => {
  const json = JSON.parse(
    readFileSync(
      join(import.meta.dirname, "../src/federation/fixtures/mastodon-create-question.json"),
      "utf8",
    ),
  );
  const loader = getDocumentLoader();
  const create = await Create.fromJsonLd(json, { documentLoader: loader, contextLoader: loader });
  const question = await create.getObject({ documentLoader: loader, contextLoader: loader });
  assert.ok(question instanceof Question);
  const { parseRemotePost } = await import("../src/federation/social/parse.ts");
  const { federation } = await node.node.federation.load();
  const ctx = federation.createContext(new URL(node.url), undefined);
  const author = {
    id: "x",
    uri: "https://mastodon.example/users/sender",
    followers_url: null,
  } as never;
  const parsed = await parseRemotePost(ctx, question, author, systemClock);
  assert.equal(parsed?.contentHtml, "Which color was the submarine?");
  assert.deepEqual(parsed?.poll?.options, [
    { title: "Yellow", votes: 10 },
    { title: "Blue", votes: 3 },
  ]);
  assert.equal(parsed?.poll?.multiple, false);
  assert.equal(parsed?.visibility, "direct");
});

test("a remote Update keeps the earlier version; an unchanged one adds none; Delete erases them", async () => {
  const annUri = `${node.url}/users/ann`;
  const tag = [{ type: "Mention", href: annUri, name: `@ann@${node.domain}` }];
  await send({ type: "Create", object: note("h1", { content: "<p>first take</p>", tag }) });
  await drained();
  const uriH1 = `${eve()}/notes/h1`;
  const post = await db()
    .selectFrom("posts")
    .select("id")
    .where("uri", "=", uriH1)
    .executeTakeFirstOrThrow();
  const edits = () =>
    db()
      .selectFrom("post_edits")
      .selectAll()
      .where("post_id", "=", post.id)
      .orderBy("id")
      .execute();
  await send({
    type: "Update",
    object: note("h1", { content: "<p>second take</p>", tag, updated: "2026-01-02T00:00:00Z" }),
  });
  await drained();
  // The same content again (as an Update(Question) that only recounts votes would be).
  await send({
    type: "Update",
    object: note("h1", { content: "<p>second take</p>", tag, updated: "2026-01-03T00:00:00Z" }),
  });
  await drained();
  const kept = await edits();
  assert.deepEqual(
    kept.map((e) => e.content_html),
    ["<p>first take</p>"],
  );
  const { postHistory } = await import("../src/social/edits.ts");
  const history = await postHistory(db(), post.id);
  assert.deepEqual(
    history?.map((v) => v.contentHtml),
    ["<p>first take</p>", "<p>second take</p>"],
  );
  await send({ type: "Delete", object: uriH1 });
  await drained();
  assert.equal((await edits()).length, 0);
});

test("a pin goes to followers as Add to the featured collection, an unpin as Remove", async () => {
  const annUri = `${node.url}/users/ann`;
  await send({ type: "Follow", id: `${eve()}/follows/ann`, object: annUri });
  await drained();
  await waitFor("eve gets the Accept", () => received().some((a) => a.type === "Accept"));
  const created = await createPost(s(), ann, {
    text: "pin me",
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
  const postUri = `${node.url}/posts/${created.value.id}`;
  assert.ok((await pin(s(), ann, created.value.id)).ok);
  const add = await waitFor("eve gets the Add", () =>
    received().find((a) => a.type === "Add" && a.object === postUri),
  );
  assert.equal(add.actor, annUri);
  assert.equal(add.target, `${annUri}/featured`);
  assert.equal(await unpin(s(), ann, created.value.id), true);
  assert.equal(await unpin(s(), ann, created.value.id), false, "not pinned any more");
  const remove = await waitFor("eve gets the Remove", () =>
    received().find((a) => a.type === "Remove" && a.object === postUri),
  );
  assert.equal(remove.target, `${annUri}/featured`);
  const events = await db()
    .selectFrom("outbox_events")
    .select("type")
    .where("type", "in", ["social.post.pinned", "social.post.unpinned"])
    .orderBy("id")
    .execute();
  assert.deepEqual(
    events.map((e) => e.type),
    ["social.post.pinned", "social.post.unpinned"],
  );
});
