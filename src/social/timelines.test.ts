/**
 * The one pager (pager.ts) through its timelines, and lists and markers, on
 * testDatabase() (SQLite, or PostgreSQL with TEST_DATABASE_URL).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import { createAccount } from "../accounts/accounts.ts";
import type { Db } from "../db/database.ts";
import { follow } from "../federation/follows.ts";
import { systemClock } from "../kernel/clock.ts";
import { type Member, memberUri, type SocialContext } from "./context.ts";
import { isFollowing } from "./following.ts";
import { bookmark, boost, boostOf, like } from "./interactions.ts";
import { listTimeline } from "./list-timeline.ts";
import { addToList, createList, deleteList, listMembers, listOf, listsHolding } from "./lists.ts";
import { markersOf, setMarker } from "./markers.ts";
import { createPost } from "./posts.ts";
import {
  bookmarkedPosts,
  favouritedPosts,
  homeTimeline,
  postView,
  profileTimeline,
  publicTimeline,
} from "./timelines.ts";

let handle: Db;
let s: SocialContext;
let ada: Member;
let bo: Member;
const ref = (m: Member) => ({ id: m.id, uri: memberUri(s.origin, m.username) });
/** bo's posts, oldest first. */
const posts: string[] = [];

before(async () => {
  handle = await testDatabase();
  s = {
    db: handle.db,
    origin: "https://pager.example",
    domain: "pager.example",
    clock: systemClock,
  };
  const member = async (username: string) => {
    const made = await createAccount(
      handle.db,
      { username, email: `${username}@example.org`, password: "a long passphrase" },
      { passwordCost: 8 },
    );
    assert.ok(made.ok);
    return { id: made.value.id, username };
  };
  ada = await member("ada");
  bo = await member("bo");
  const followed = await follow(handle.db, s.origin, ada, { kind: "local", account: bo }, s.clock);
  assert.ok(followed.ok);
  for (let i = 0; i < 7; i++) {
    const made = await createPost(s, bo, {
      text: `post ${i}`,
      spoiler: "",
      visibility: i === 6 ? "followers" : "public",
      language: null,
      sensitive: false,
      inReplyToId: null,
      mentions: [],
      media: [],
      poll: null,
    });
    assert.ok(made.ok);
    posts.push(made.value.id);
  }
});
after(() => handle.close());

const newestFirst = () => [...posts].reverse();

test("every page request reads the same way: max_id older, since_id newest first, min_id right after", async () => {
  const all = newestFirst();
  const first = await homeTimeline(s, ref(ada), { limit: 3 });
  assert.deepEqual(
    first.items.map((v) => v.id),
    all.slice(0, 3),
  );
  assert.equal(first.nextMaxId, all[2]);
  const older = await homeTimeline(s, ref(ada), { maxId: first.nextMaxId ?? "", limit: 3 });
  assert.deepEqual(
    older.items.map((v) => v.id),
    all.slice(3, 6),
  );
  const last = await homeTimeline(s, ref(ada), { maxId: all[5], limit: 3 });
  assert.deepEqual(
    last.items.map((v) => v.id),
    all.slice(6),
  );
  assert.equal(last.nextMaxId, null, "no older page after the last");
  // since_id: the newest ones above the cursor; min_id: those right after it.
  const since = await homeTimeline(s, ref(ada), { sinceId: posts[1], limit: 2 });
  assert.deepEqual(
    since.items.map((v) => v.id),
    [posts[6], posts[5]],
  );
  const min = await homeTimeline(s, ref(ada), { minId: posts[1], limit: 2 });
  assert.deepEqual(
    min.items.map((v) => v.id),
    [posts[3], posts[2]],
  );
  assert.deepEqual(min.cursors, [posts[3], posts[2]]);
});

test("the profile shows followers-only posts to accepted followers only", async () => {
  assert.ok(await isFollowing(s.db, ref(ada).uri, ref(bo).uri));
  assert.ok(!(await isFollowing(s.db, ref(bo).uri, ref(ada).uri)));
  const asFollower = await profileTimeline(s, ref(ada), ref(bo).uri, { limit: 40 });
  assert.equal(asFollower.items.length, 7);
  const asVisitor = await profileTimeline(s, null, ref(bo).uri, { limit: 40 });
  assert.deepEqual(
    asVisitor.items.map((v) => v.id),
    newestFirst().slice(1),
  );
  const local = await publicTimeline(s, null, "local", { limit: 40 });
  assert.equal(local.items.length, 6);
});

test("favourites page by the like's id, bookmarks by the post's, both with min_id", async () => {
  // Liked in another order than written: the page follows the likes.
  const order = [posts[2], posts[0], posts[4]] as string[];
  for (const id of order) assert.ok((await like(s, ada, id)).ok);
  const likes = await handle.db
    .selectFrom("likes")
    .select(["id", "post_id"])
    .where("account_id", "=", ada.id)
    .orderBy("id", "desc")
    .execute();
  const page = await favouritedPosts(s, ref(ada), { limit: 2 });
  assert.deepEqual(
    page.items.map((v) => v.id),
    [posts[4], posts[0]],
  );
  assert.deepEqual(
    page.cursors,
    likes.slice(0, 2).map((l) => l.id),
  );
  assert.equal(page.nextMaxId, likes[1]?.id);
  const rest = await favouritedPosts(s, ref(ada), { maxId: page.nextMaxId ?? "", limit: 2 });
  assert.deepEqual(
    rest.items.map((v) => v.id),
    [posts[2]],
  );
  const newer = await favouritedPosts(s, ref(ada), { minId: likes[2]?.id, limit: 1 });
  assert.deepEqual(
    newer.items.map((v) => v.id),
    [posts[0]],
  );

  for (const id of posts.slice(0, 3)) assert.ok(await bookmark(s, ada, id));
  const marks = await bookmarkedPosts(s, ref(ada), { minId: posts[0], limit: 1 });
  assert.deepEqual(
    marks.items.map((v) => v.id),
    [posts[1]],
  );
});

test("a post by id: a thread's post for anyone who may see it, a boost only for its booster", async () => {
  assert.equal((await postView(s, null, posts[0] as string))?.id, posts[0]);
  assert.equal(await postView(s, null, posts[6] as string), null, "followers-only");
  assert.equal(await postView(s, ref(ada), "01900000-0000-7000-8000-000000000000"), null);
  const boosted = await boost(s, ada, posts[0] as string);
  assert.ok(boosted.ok);
  assert.equal(await boostOf(s.db, ref(ada).uri, posts[0] as string), boosted.value.id);
  assert.equal((await postView(s, ref(ada), boosted.value.id))?.reblog?.id, posts[0]);
  assert.equal(await postView(s, ref(bo), boosted.value.id), null);
});

test("lists hold only followed accounts, and only their owner reads or deletes them", async () => {
  const list = await createList(s, ada, { title: "friends" });
  assert.deepEqual(await addToList(s, ada, list.id, ref(bo).uri), { ok: true, value: null });
  assert.deepEqual(await addToList(s, ada, list.id, "https://elsewhere.example/users/x"), {
    ok: false,
    reason: "not-following",
  });
  assert.deepEqual(await addToList(s, bo, list.id, ref(ada).uri), {
    ok: false,
    reason: "not-found",
  });
  assert.deepEqual(await listMembers(s.db, ada.id, list.id), [ref(bo).uri]);
  assert.deepEqual(await listMembers(s.db, bo.id, list.id), []);
  assert.deepEqual(
    (await listsHolding(s.db, ada.id, ref(bo).uri)).map((l) => l.id),
    [list.id],
  );
  const page = await listTimeline(s, ref(ada), list.id, { limit: 2 });
  assert.deepEqual(
    page?.items.map((v) => v.id),
    newestFirst().slice(0, 2),
  );
  assert.equal(await deleteList(s, bo, list.id), false);
  assert.equal(await deleteList(s, ada, list.id), true);
  assert.equal(await listOf(s.db, ada.id, list.id), undefined);
  assert.equal(
    (await handle.db.selectFrom("list_accounts").selectAll().execute()).length,
    0,
    "its accounts go with it",
  );
});

test("markers: each save bumps the version, concurrent saves too", async () => {
  const first = await setMarker(s, ada.id, "home", "a");
  assert.equal(first.version, 0);
  await Promise.all(["b", "c", "d"].map((id) => setMarker(s, ada.id, "home", id)));
  const [home] = await markersOf(s.db, ada.id);
  assert.equal(home?.version, 3);
});
