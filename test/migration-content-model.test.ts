/**
 * Migration 0014 (one content model), tried on a database that holds the old
 * tables: one is built with the migrations before it and filled with group posts
 * of every shape (a thread and its replies, a deleted reply, a hidden thread, a
 * Create received from elsewhere, a post of a group elsewhere, a members-only
 * group's thread), with an outbox event still waiting for one of them. After
 * migrating, every post is a post with its id, URI, author, thread, title and
 * content; the group reads the same; the waiting event still names its post;
 * group_posts is gone; and who may see what is unchanged.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Kysely } from "kysely";
import { type Db, openDatabase } from "../src/db/database.ts";
import { migrateToLatest, migrateUpTo } from "../src/db/migrate.ts";
import { htmlToText } from "../src/db/migrations/0014_one_content_model.ts";
import { listThreads, threadOf } from "../src/groups/threads.ts";
import { canSee } from "../src/social/visibility.ts";
import { emptyDatabaseUrl } from "./support/db.ts";

const origin = "https://coop.example";
const at = (minute: number) => `2026-11-01T10:${String(minute).padStart(2, "0")}:00.000Z`;
// Ids as newId makes them (UUIDv7: time-ordered), written out so the order is plain.
const id = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, "0")}`;

let handle: Db;
let old: Kysely<any>;

const accounts = { ana: id(1), ben: id(2), out: id(3) };
const groups = { garden: id(10), council: id(11) };
const remote = { lemmy: id(20), community: id(21) };
const gardenUri = `${origin}/groups/garden`;
const councilUri = `${origin}/groups/council`;
const communityUri = "https://lemmy.example/c/bikes";

/** The rows as the old code wrote them (groups/threads.ts before issue 16). */
const oldPosts = [
  {
    id: id(100),
    group_id: groups.garden,
    group_uri: gardenUri,
    uri: `${gardenUri}/posts/${id(100)}`,
    author_uri: `${origin}/users/ana`,
    author_account_id: accounts.ana,
    author_remote_id: null,
    in_reply_to_id: null,
    thread_id: id(100),
    title: "Seeds",
    content_html: "<p>Who has tomato seeds?</p><p>I have &#60;none&#62;<br>at all</p>",
    activity_json: null,
    created_at: at(1),
    deleted_at: null,
    hidden_at: null,
  },
  {
    id: id(101),
    group_id: groups.garden,
    group_uri: gardenUri,
    uri: "https://lemmy.example/comment/7",
    author_uri: "https://lemmy.example/u/leo",
    author_account_id: null,
    author_remote_id: remote.lemmy,
    in_reply_to_id: id(100),
    thread_id: id(100),
    title: "",
    content_html: "<p>I do</p>",
    activity_json: JSON.stringify({ type: "Create", id: "https://lemmy.example/activities/1" }),
    created_at: at(2),
    deleted_at: null,
    hidden_at: null,
  },
  {
    id: id(102),
    group_id: groups.garden,
    group_uri: gardenUri,
    uri: `${gardenUri}/posts/${id(102)}`,
    author_uri: `${origin}/users/ben`,
    author_account_id: accounts.ben,
    author_remote_id: null,
    in_reply_to_id: id(101),
    thread_id: id(100),
    title: "",
    content_html: "",
    activity_json: null,
    created_at: at(3),
    deleted_at: at(4),
    hidden_at: null,
  },
  {
    id: id(103),
    group_id: groups.garden,
    group_uri: gardenUri,
    uri: `${gardenUri}/posts/${id(103)}`,
    author_uri: `${origin}/users/ben`,
    author_account_id: accounts.ben,
    author_remote_id: null,
    in_reply_to_id: null,
    thread_id: id(103),
    title: "Spam?",
    content_html: "<p>Buy now</p>",
    activity_json: null,
    created_at: at(5),
    deleted_at: null,
    hidden_at: at(6),
  },
  {
    id: id(104),
    group_id: groups.council,
    group_uri: councilUri,
    uri: `${councilUri}/posts/${id(104)}`,
    author_uri: `${origin}/users/ana`,
    author_account_id: accounts.ana,
    author_remote_id: null,
    in_reply_to_id: null,
    thread_id: id(104),
    title: "Budget",
    content_html: "<p>Members only</p>",
    activity_json: null,
    created_at: at(7),
    deleted_at: null,
    hidden_at: null,
  },
  {
    id: id(105),
    group_id: null,
    group_uri: communityUri,
    uri: `${origin}/group-posts/${id(105)}`,
    author_uri: `${origin}/users/ana`,
    author_account_id: accounts.ana,
    author_remote_id: null,
    in_reply_to_id: null,
    thread_id: id(105),
    title: "Rides",
    content_html: "<p>Sunday?</p>",
    activity_json: null,
    created_at: at(8),
    deleted_at: null,
    hidden_at: null,
  },
];

before(async () => {
  handle = await openDatabase(await emptyDatabaseUrl(), { poolSize: 2 });
  old = handle.db as Kysely<any>;
  await migrateUpTo(old, "0013_http_urls_only");
  const stamp = { created_at: at(0), updated_at: at(0) };
  for (const [username, key] of Object.entries(accounts))
    await old
      .insertInto("accounts")
      .values({
        id: key,
        username,
        email: `${username}@coop.example`,
        password_hash: "x",
        ...stamp,
      })
      .execute();
  for (const [key, uri, type] of [
    [remote.lemmy, "https://lemmy.example/u/leo", "Person"],
    [remote.community, communityUri, "Group"],
  ] as const)
    await old
      .insertInto("remote_actors")
      .values({
        id: key,
        uri,
        handle: uri,
        type,
        username: "x",
        host: "lemmy.example",
        inbox_url: `${uri}/inbox`,
        fetched_at: at(0),
        created_at: at(0),
      })
      .execute();
  await old
    .insertInto("groups")
    .values([
      {
        id: groups.garden,
        name: "garden",
        kind: "working_group",
        display_name: "Garden",
        visibility: "public",
        ...stamp,
      },
      {
        id: groups.council,
        name: "council",
        kind: "working_group",
        display_name: "Council",
        visibility: "members",
        ...stamp,
      },
    ])
    .execute();
  const member = (n: number, group: string, account: string, username: string, role: string) => ({
    id: id(n),
    group_id: group,
    actor_uri: `${origin}/users/${username}`,
    account_id: account,
    actor_kind: "person",
    role,
    status: "active",
    ...stamp,
  });
  await old
    .insertInto("group_members")
    .values([
      member(30, groups.garden, accounts.ana, "ana", "admin"),
      member(31, groups.garden, accounts.ben, "ben", "member"),
      member(32, groups.council, accounts.ana, "ana", "admin"),
    ])
    .execute();
  await old
    .insertInto("follows")
    .values({
      id: id(40),
      follower_uri: `${origin}/users/ana`,
      followee_uri: communityUri,
      follower_account_id: accounts.ana,
      followee_remote_id: remote.community,
      status: "accepted",
      activity_uri: `${origin}/follows/${id(40)}`,
      created_at: at(0),
    })
    .execute();
  await old.insertInto("group_posts").values(oldPosts).execute();
  await old
    .insertInto("outbox_events")
    .values({
      id: id(50),
      type: "groups.post.created",
      payload: JSON.stringify({ postId: id(104) }),
      created_at: at(7),
    })
    .execute();
  await migrateToLatest(old);
});

after(() => handle.close());

test("every group post is a post with its id, URI, author, thread, title and content", async () => {
  const posts = await handle.db.selectFrom("posts").selectAll().orderBy("id").execute();
  assert.deepEqual(
    posts.map((p) => p.id),
    oldPosts.map((p) => p.id),
  );
  for (const [i, was] of oldPosts.entries()) {
    const now = posts[i];
    assert.ok(now);
    assert.equal(now.uri, was.uri);
    assert.equal(now.author_uri, was.author_uri);
    assert.equal(now.author_account_id, was.author_account_id);
    assert.equal(now.author_remote_id, was.author_remote_id);
    assert.equal(now.in_reply_to_id, was.in_reply_to_id);
    assert.equal(now.thread_id, was.thread_id);
    assert.equal(now.title, was.title);
    assert.equal(now.content_html, was.content_html);
    assert.equal(now.activity_json, was.activity_json);
    assert.equal(now.created_at, was.created_at);
    assert.equal(now.deleted_at, was.deleted_at);
    assert.equal(now.hidden_at, was.hidden_at);
    assert.equal(now.audience_uri, was.group_uri);
    assert.equal(now.group_id, was.group_id);
    assert.equal(now.kind, was.in_reply_to_id ? "note" : "page");
    assert.equal(now.local, was.author_account_id ? 1 : 0);
    assert.equal(now.reblog_of_id, null);
  }
  const byId = new Map(posts.map((p) => [p.id, p]));
  // Replies point at their parent's URI too; counts are of live direct replies.
  assert.equal(byId.get(id(101))?.in_reply_to_uri, oldPosts[0]?.uri);
  assert.equal(byId.get(id(100))?.replies_count, 1);
  assert.equal(byId.get(id(101))?.replies_count, 0, "its only reply was deleted");
  // A public group's posts are public; a members-only group's and a group elsewhere's, members'.
  assert.equal(byId.get(id(100))?.visibility, "public");
  assert.equal(byId.get(id(104))?.visibility, "followers");
  assert.equal(byId.get(id(105))?.visibility, "followers");
  // What a member typed comes back for editing.
  assert.equal(byId.get(id(100))?.source, "Who has tomato seeds?\n\nI have <none>\nat all");
  assert.equal(byId.get(id(101))?.source, "", "a remote post has no source");
});

test("the old table is gone and the waiting outbox event still names its post", async () => {
  const tables = await handle.db.introspection.getTables();
  assert.equal(
    tables.some((t) => t.name === "group_posts"),
    false,
  );
  const event = await handle.db
    .selectFrom("outbox_events")
    .select("payload")
    .where("id", "=", id(50))
    .executeTakeFirstOrThrow();
  const { postId } = JSON.parse(event.payload) as { postId: string };
  assert.equal(
    (await handle.db.selectFrom("posts").select("uri").where("id", "=", postId).executeTakeFirst())
      ?.uri,
    oldPosts[4]?.uri,
  );
});

test("the groups read as before: threads, replies, hidden threads for moderators", async () => {
  const threads = await listThreads(handle.db, gardenUri);
  assert.deepEqual(
    threads.map((t) => [t.title, t.replies]),
    [["Seeds", 1]],
  );
  const withHidden = await listThreads(handle.db, gardenUri, { includeHidden: true });
  assert.deepEqual(
    withHidden.map((t) => t.title),
    ["Spam?", "Seeds"],
  );
  assert.deepEqual(
    (await threadOf(handle.db, id(100))).map((p) => p.id),
    [id(100), id(101)],
  );
});

test("who may see what is unchanged: members-only stays with members, hidden with moderators", async () => {
  const post = async (n: number) =>
    handle.db.selectFrom("posts").selectAll().where("id", "=", id(n)).executeTakeFirstOrThrow();
  const viewer = (name: keyof typeof accounts) => ({
    id: accounts[name],
    uri: `${origin}/users/${name}`,
  });
  assert.equal(await canSee(handle.db, null, await post(100)), true);
  assert.equal(await canSee(handle.db, null, await post(104)), false);
  assert.equal(await canSee(handle.db, viewer("out"), await post(104)), false);
  assert.equal(
    await canSee(handle.db, viewer("ben"), await post(104)),
    false,
    "ben is not in the council",
  );
  assert.equal(await canSee(handle.db, viewer("ana"), await post(104)), true);
  assert.equal(
    await canSee(handle.db, viewer("ben"), await post(103)),
    false,
    "hidden: moderators only",
  );
  assert.equal(await canSee(handle.db, viewer("ana"), await post(103)), true);
  assert.equal(
    await canSee(handle.db, viewer("ana"), await post(105)),
    true,
    "ana follows the community",
  );
  assert.equal(await canSee(handle.db, viewer("ben"), await post(105)), false);
});

test("htmlToText undoes what the old groups wrote", () => {
  assert.equal(htmlToText("<p>a &#38; b<br>c</p><p>d</p>"), "a & b\nc\n\nd");
});
