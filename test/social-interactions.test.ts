/**
 * Interactions on one node: likes, boosts, bookmarks and pins (and undoing
 * them), notifications (follow, follow request, like, boost, poll ended), polls
 * voted by members, what each member may see of others', bad input on every
 * action, and the social part of the export and of account deletion.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setManuallyApproves } from "../src/federation/follows.ts";
import { closeEndedPolls } from "../src/social/polls.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ann: SignedIn;
let ben: SignedIn;
let cy: SignedIn;
let ids: Record<string, string>;
after(() => node.close());

before(async () => {
  node = await startTestNode({ host: "127.0.10.2" });
  ids = {};
  for (const name of ["ann", "ben", "cy"])
    ids[name] = (await createMember(node, { username: name, password: "long enough" })).id;
  [ann, ben, cy] = await Promise.all([
    signIn(node, "ann", "long enough"),
    signIn(node, "ben", "long enough"),
    signIn(node, "cy", "long enough"),
  ]);
});

const db = () => node.node.db.db;
const uri = (username: string) => `${node.url}/users/${username}`;
async function write(who: SignedIn, fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ visibility: "public", ...fields })) form.set(k, v);
  const res = await who.postMultipart("/social/posts", form);
  assert.equal(res.status, 303, await res.text());
  return db()
    .selectFrom("posts")
    .selectAll()
    .where("source", "=", fields.text ?? "")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
}
const post = (id: string) =>
  db().selectFrom("posts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const notifications = (accountId: string) =>
  db()
    .selectFrom("notifications")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("id")
    .execute();

test("follows notify: a follow, and a request to a member who approves by hand", async () => {
  await setManuallyApproves(db(), ids.cy as string, true);
  assert.equal((await ben.post("/network/follow", { uri: uri("ann") })).status, 303);
  assert.equal((await ben.post("/network/follow", { uri: uri("cy") })).status, 303);
  assert.deepEqual(
    (await notifications(ids.ann as string)).map((n) => n.type),
    ["follow"],
  );
  assert.deepEqual(
    (await notifications(ids.cy as string)).map((n) => n.type),
    ["follow_request"],
  );
  assert.match(await (await cy.get("/notifications")).text(), /ben<\/a>|asked to follow you/);
});

test("like, boost, bookmark and pin, undone again; the author is notified once", async () => {
  const p = await write(ann, { text: "Like and boost me" });
  for (const action of ["like", "like", "boost", "boost", "bookmark"])
    assert.equal((await ben.post(`/posts/${p.id}/${action}`, {})).status, 303, action);
  let row = await post(p.id);
  assert.equal(row.likes_count, 1);
  assert.equal(row.reblogs_count, 1);
  const types = (await notifications(ids.ann as string))
    .filter((n) => n.post_id === p.id)
    .map((n) => n.type);
  assert.deepEqual(types.sort(), ["favourite", "reblog"]);
  // The boost shows in the home feed of ben's followers… and in ben's own.
  assert.match(await (await ben.get("/social")).text(), /ben boosted/);
  assert.match(await (await ben.get("/bookmarks")).text(), /Like and boost me/);
  // cy's bookmarks are cy's: empty.
  assert.doesNotMatch(await (await cy.get("/bookmarks")).text(), /Like and boost me/);
  for (const action of ["unlike", "unboost", "unbookmark"])
    assert.equal((await ben.post(`/posts/${p.id}/${action}`, {})).status, 303, action);
  row = await post(p.id);
  assert.equal(row.likes_count, 0);
  assert.equal(row.reblogs_count, 0);
  assert.equal((await db().selectFrom("bookmarks").selectAll().execute()).length, 0);

  assert.equal((await ann.post(`/posts/${p.id}/pin`, {})).status, 303);
  assert.match(await (await fetch(`${node.url}/@ann`)).text(), /Pinned[\s\S]*Like and boost me/);
  // Only one's own posts can be pinned, and at most five.
  assert.equal((await ben.post(`/posts/${p.id}/pin`, {})).status, 422);
  for (let i = 0; i < 4; i++)
    assert.equal(
      (await ann.post(`/posts/${(await write(ann, { text: `pin ${i}` })).id}/pin`, {})).status,
      303,
    );
  const sixth = await write(ann, { text: "pin 5" });
  assert.equal((await ann.post(`/posts/${sixth.id}/pin`, {})).status, 422);
  assert.equal((await db().selectFrom("pins").selectAll().execute()).length, 5);

  // The pins are the actor's `featured` collection (Mastodon's toot:featured), newest pin first.
  const as = { headers: { accept: "application/activity+json" } };
  const actor = (await (await fetch(uri("ann"), as)).json()) as { featured?: string };
  assert.equal(actor.featured, `${uri("ann")}/featured`);
  type Item = { id: string; type: string; content: string };
  const featured = async () => {
    const res = await fetch(actor.featured as string, as);
    assert.equal(res.status, 200);
    return (await res.json()) as {
      type: string;
      totalItems: number;
      orderedItems: Item[] | Item;
    };
  };
  const pinned = await db()
    .selectFrom("pins")
    .innerJoin("posts", "posts.id", "pins.post_id")
    .select(["posts.uri", "posts.id"])
    .where("pins.account_id", "=", ids.ann as string)
    .orderBy("pins.created_at", "desc")
    .orderBy("posts.id", "desc")
    .execute();
  let collection = await featured();
  assert.equal(collection.type, "OrderedCollection");
  assert.equal(collection.totalItems, 5);
  const items = [collection.orderedItems].flat();
  assert.deepEqual(new Set(items.map((i) => i.id)), new Set(pinned.map((p) => p.uri)));
  assert.ok(items.every((i) => i.type === "Note"));
  assert.ok(items.some((i) => /Like and boost me/.test(i.content)));
  assert.equal((await ann.post(`/posts/${p.id}/unpin`, {})).status, 303);
  collection = await featured();
  assert.equal(collection.totalItems, 4);
  assert.ok(![collection.orderedItems].flat().some((i) => i.id === p.uri));
  assert.equal((await fetch(`${uri("nobody")}/featured`, as)).status, 404);
});

test("a double click boosts and likes once (PostgreSQL: the post's row is locked)", async () => {
  const p = await write(ann, { text: "click twice" });
  const twice = (action: string) =>
    Promise.all([
      ben.post(`/posts/${p.id}/${action}`, {}),
      ben.post(`/posts/${p.id}/${action}`, {}),
    ]);
  for (const action of ["boost", "like"])
    assert.deepEqual(
      (await twice(action)).map((r) => r.status),
      [303, 303],
    );
  const row = await post(p.id);
  assert.equal(row.reblogs_count, 1);
  assert.equal(row.likes_count, 1);
  assert.equal(
    (await db().selectFrom("posts").select("id").where("reblog_of_id", "=", p.id).execute()).length,
    1,
  );
});

test("what others cannot do: act on posts they cannot see, read others' notifications", async () => {
  const dm = await write(ann, { text: "secret for @ben", visibility: "direct" });
  const fo = await write(ann, { text: "followers see this", visibility: "followers" });
  const before = await db().selectFrom("likes").selectAll().execute();
  for (const action of ["like", "boost", "bookmark"])
    assert.equal((await cy.post(`/posts/${dm.id}/${action}`, {})).status, 404, action);
  // ben follows ann: may like the followers-only post, but nobody can boost it.
  assert.equal((await ben.post(`/posts/${fo.id}/boost`, {})).status, 404);
  assert.equal((await cy.get(`/posts/${dm.id}/report`)).status, 404);
  assert.deepEqual(await db().selectFrom("likes").selectAll().execute(), before);
  assert.equal((await post(fo.id)).reblogs_count, 0);
  // Bad ids, no CSRF, no session.
  assert.equal((await ben.post("/posts/../like", {})).status, 404);
  assert.equal((await ben.post("/posts/0190-bad/like", {})).status, 404);
  assert.equal((await ben.post(`/posts/${fo.id}/like`, { _csrf: "nope" })).status, 403);
  const visitor = await fetch(`${node.url}/posts/${fo.id}/like`, {
    method: "POST",
    redirect: "manual",
  });
  assert.equal(visitor.status, 403);
  assert.equal((await post(fo.id)).likes_count, 0);
  // Notifications are one's own: cy sees none of ann's.
  assert.doesNotMatch(
    await (await cy.get("/notifications")).text(),
    /liked your post|boosted your post/,
  );
  assert.equal((await fetch(`${node.url}/notifications`, { redirect: "manual" })).status, 303);
});

test("polls: one vote per member, refused votes change nothing, and its end is notified", async () => {
  const poll = await write(ann, {
    text: "Rye or spelt?",
    poll_option_1: "Rye",
    poll_option_2: "Spelt",
    poll_duration: "300",
  });
  const options = async () =>
    JSON.parse(
      (
        await db()
          .selectFrom("polls")
          .select("options")
          .where("post_id", "=", poll.id)
          .executeTakeFirstOrThrow()
      ).options,
    );
  assert.equal((await ben.post(`/posts/${poll.id}/vote`, { choice: "0" })).status, 303);
  for (const bad of [{ choice: "1" }, {}] as Record<string, string>[])
    assert.equal((await ben.post(`/posts/${poll.id}/vote`, bad)).status, 422);
  for (const bad of [{ choice: "7" }, { choice: "x" }, {}] as Record<string, string>[])
    assert.equal((await cy.post(`/posts/${poll.id}/vote`, bad)).status, 422);
  const both = new URLSearchParams([
    ["_csrf", cy.csrf],
    ["choice", "0"],
    ["choice", "1"],
  ]);
  const multi = await fetch(`${node.url}/posts/${poll.id}/vote`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: cy.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: both,
  });
  assert.equal(multi.status, 422, "two choices on a one-choice poll");
  assert.equal(
    (await ann.post(`/posts/${poll.id}/vote`, { choice: "1" })).status,
    422,
    "not on one's own poll",
  );
  assert.deepEqual(await options(), [
    { title: "Rye", votes: 1 },
    { title: "Spelt", votes: 0 },
  ]);
  assert.match(
    await (await ben.get(`/@ann/${poll.id}`)).text(),
    /100%<\/strong> <span>Rye<\/span> <em>\(your choice\)/,
  );
  // Time is up: no more votes; the author and the voters hear it ended.
  await db()
    .updateTable("polls")
    .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
    .where("post_id", "=", poll.id)
    .execute();
  assert.equal((await cy.post(`/posts/${poll.id}/vote`, { choice: "1" })).status, 422);
  assert.ok((await closeEndedPolls(db())) >= 1);
  for (const who of [ids.ann, ids.ben])
    assert.ok(
      (await notifications(who as string)).some((n) => n.type === "poll" && n.post_id === poll.id),
    );
  assert.ok(!(await notifications(ids.cy as string)).some((n) => n.type === "poll"));
  assert.equal(await closeEndedPolls(db()), 0, "notified once");
});

test("the export holds posts, media, likes, bookmarks and votes; deletion erases them", async () => {
  const mine = await write(cy, { text: "cy's own words" });
  const target = await write(ann, {
    text: "cy likes this",
    poll_option_1: "A",
    poll_option_2: "B",
    poll_duration: "3600",
  });
  for (const action of ["like", "bookmark", "boost"])
    assert.equal((await cy.post(`/posts/${target.id}/${action}`, {})).status, 303);
  assert.equal((await cy.post(`/posts/${target.id}/vote`, { choice: "1" })).status, 303);
  assert.equal(
    (await cy.post(`/posts/${mine.id}/edit`, { text: "cy's own words, edited", spoiler: "" }))
      .status,
    303,
  );
  const archive = (await (await cy.get("/settings/export.json")).json()) as {
    social: Record<string, unknown[]>;
  };
  const social = archive.social;
  const own = social.posts?.find(
    (p) => (p as { source: string }).source === "cy's own words, edited",
  ) as { earlier_versions: { source: string }[] } | undefined;
  assert.deepEqual(
    own?.earlier_versions.map((v) => v.source),
    ["cy's own words"],
  );
  assert.deepEqual(
    social.likes?.map((l) => (l as { uri: string }).uri),
    [target.uri],
  );
  assert.deepEqual(
    social.bookmarks?.map((l) => (l as { uri: string }).uri),
    [target.uri],
  );
  assert.deepEqual(
    social.votes?.map((v) => (v as { choice: string }).choice),
    ["B"],
  );
  assert.equal(social.boosts?.length, 1);

  const res = await cy.post("/settings/delete", { password: "long enough", confirm: "yes" });
  assert.equal(res.status, 303, await res.text());
  assert.equal(
    await db().selectFrom("posts").select("id").where("id", "=", mine.id).executeTakeFirst(),
    undefined,
  );
  assert.equal(
    (await db().selectFrom("post_edits").select("id").where("post_id", "=", mine.id).execute())
      .length,
    0,
  );
  assert.equal(
    (
      await db()
        .selectFrom("posts")
        .selectAll()
        .where("author_account_id", "=", ids.cy as string)
        .execute()
    ).length,
    0,
  );
  for (const table of [
    "likes",
    "bookmarks",
    "poll_votes",
    "home_entries",
    "notifications",
    "pins",
  ] as const)
    assert.equal(
      (
        await db()
          .selectFrom(table)
          .selectAll()
          .where("account_id", "=", ids.cy as string)
          .execute()
      ).length,
      0,
      table,
    );
  const row = await post(target.id);
  assert.equal(row.likes_count, 0);
  assert.equal(row.reblogs_count, 0);
});

test("acting in place: back to the page and post it was pressed on, JSON for the script, delete asks first", async () => {
  const p = await write(ann, { text: "In place, please" });
  // Without JavaScript: 303 to the page the form came from, at the post's anchor.
  const liked = await ben.post(`/posts/${p.id}/like`, { back: `/social?max_id=9#post-${p.id}` });
  assert.equal(liked.status, 303);
  assert.equal(new URL(liked.headers.get("location") ?? "", node.url).pathname, "/social");
  assert.match(liked.headers.get("location") ?? "", new RegExp(`\\?max_id=9#post-${p.id}$`));
  // Another origin (or a scheme-relative path) is not a place to go back to.
  for (const back of ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)"]) {
    const res = await ben.post(`/posts/${p.id}/unlike`, { back });
    assert.equal(res.status, 303);
    assert.equal(new URL(res.headers.get("location") ?? "", node.url).origin, node.url, back);
  }
  // The script asks for JSON: the new state, and the act was done.
  const json = await fetch(`${node.url}/posts/${p.id}/like`, {
    method: "POST",
    headers: {
      cookie: ben.cookie,
      accept: "application/json",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: ben.csrf }),
  });
  assert.equal(json.status, 200);
  assert.deepEqual(await json.json(), { done: "like", pressed: true });
  assert.equal((await post(p.id)).likes_count, 1);
  // The page's forms carry where they were pressed.
  const page = await (await ben.get("/social/local")).text();
  assert.match(page, new RegExp(`name="back" value="/social/local#post-${p.id}"`));
  // Delete: a confirmation page first (GET changes nothing), then the POST deletes.
  assert.equal((await ben.get(`/posts/${p.id}/delete`)).status, 404, "not ben's post");
  const confirm = await ann.get(`/posts/${p.id}/delete`);
  assert.equal(confirm.status, 200);
  assert.match(await confirm.text(), /Delete this post\?[\s\S]*In place, please/);
  assert.equal((await post(p.id)).deleted_at, null);
  assert.equal((await ann.post(`/posts/${p.id}/delete`, {})).status, 303);
  assert.notEqual((await post(p.id)).deleted_at, null);
});
