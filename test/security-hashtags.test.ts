/**
 * Issue 14 item 9: hashtag search lists and counts only tags of posts the
 * searcher may see. The SQL filter (social/visibility.ts visibleTo) must agree
 * with canSee for every viewer and post, so both are checked against each other
 * — group posts too (members-only, public, hidden threads, a group elsewhere),
 * seen by a member, a non-member and a group moderator.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { mastodon } from "masto";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { deleteGroupPost, setThreadHidden, writeInGroup } from "../src/groups/threads.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { limitActor } from "../src/social/moderation.ts";
import { textPost } from "../src/social/posts.ts";
import { audienceColumns, canSee, visibleTo } from "../src/social/visibility.ts";
import { memberClient } from "./api-helpers.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { followedRemoteGroup } from "./support/remote-group.ts";

let node: TestNode;
const clients: Record<string, { client: mastodon.rest.Client; id: string }> = {};
before(async () => {
  node = await startTestNode({ host: "127.0.34.1" });
  for (const name of ["ana", "bea", "cy", "dee"]) {
    const { client, id } = await memberClient(node, name);
    clients[name] = { client, id };
  }
  const c = (n: string) => (clients[n] as { client: mastodon.rest.Client }).client;
  // cy follows ana (accepted: ana does not approve followers by hand).
  const ana = await c("cy").v1.accounts.lookup({ acct: "ana" });
  assert.equal((await c("cy").v1.accounts.$select(ana.id).follow()).following, true);
  await c("ana").v1.statuses.create({ status: "@bea just us #dmsecret", visibility: "direct" });
  await c("ana").v1.statuses.create({
    status: "friends only #followersecret",
    visibility: "private",
  });
  await c("ana").v1.statuses.create({ status: "hello all #opentag", visibility: "public" });
  await c("ana").v1.statuses.create({ status: "quietly #quiettag", visibility: "unlisted" });
});
after(() => node.close());

const tagsFor = async (who: string, q: string) =>
  (
    await (clients[who] as { client: mastodon.rest.Client }).client.v2.search.list({
      q,
      type: "hashtags",
    })
  ).hashtags.map((h) => h.name);

test("a direct message's hashtag is found only by its author and those it mentions", async () => {
  assert.deepEqual(await tagsFor("dee", "dmsecret"), []);
  assert.deepEqual(await tagsFor("cy", "dmsecret"), [], "following the author is not enough");
  assert.deepEqual(await tagsFor("bea", "dmsecret"), ["dmsecret"]);
  assert.deepEqual(await tagsFor("ana", "dmsecret"), ["dmsecret"]);
});

test("a followers-only hashtag is found by followers, not by others", async () => {
  assert.deepEqual(await tagsFor("dee", "followersecret"), []);
  assert.deepEqual(await tagsFor("bea", "followersecret"), []);
  assert.deepEqual(await tagsFor("cy", "followersecret"), ["followersecret"]);
});

test("public and unlisted hashtags are found by anyone; a prefix lists only what may be seen", async () => {
  assert.deepEqual(await tagsFor("dee", "opentag"), ["opentag"]);
  assert.deepEqual(await tagsFor("dee", "quiet"), ["quiettag"]);
  assert.deepEqual((await tagsFor("dee", "")).length, 0, "an empty query lists nothing");
  assert.deepEqual(await tagsFor("dee", "d"), []);
});

test("the SQL filter and canSee agree for every viewer and post, a deleted and a suspended author's and group posts included", async () => {
  const db = node.node.db.db;
  const dee = clients.dee as { client: mastodon.rest.Client; id: string };
  await dee.client.v1.statuses.create({ status: "mine #deetag" });
  const gone = await dee.client.v1.statuses.create({ status: "oops #gonetag" });
  await dee.client.v1.statuses.$select(gone.id).remove();
  assert.deepEqual(await tagsFor("ana", "gonetag"), [], "a deleted post's tag is not listed");
  assert.deepEqual(await tagsFor("ana", "deetag"), ["deetag"]);
  const target = { uri: memberUri(node.url, "dee"), accountId: dee.id, remoteId: null };
  assert.equal(
    (await limitActor({ db, clock: systemClock }, dee.id, target, "suspend", "test")).ok,
    true,
  );
  assert.deepEqual(await tagsFor("ana", "deetag"), [], "a suspended author's tag is not listed");
  const groupPosts = await groupFixtures();
  const viewers = [
    null,
    ...Object.keys(clients).map((n) => ({
      id: (clients[n] as { id: string }).id,
      uri: memberUri(node.url, n),
    })),
  ];
  const posts = await db.selectFrom("posts").select(audienceColumns).execute();
  assert.ok(posts.length >= 4);
  // Hidden by a group's moderators: the thread, and every reply in it.
  const hiddenThreads = new Set(posts.filter((p) => p.hidden_at).map((p) => p.id));
  const hidden = (p: (typeof posts)[number]) =>
    !!p.hidden_at || (!!p.audience_uri && hiddenThreads.has(p.thread_id));
  const seen = new Map<string, Set<string>>();
  for (const viewer of viewers) {
    const who = viewer?.uri.split("/").at(-1) ?? "anonymous";
    const listed = new Set(
      (await db.selectFrom("posts as p").select("p.id").where(visibleTo(viewer)).execute()).map(
        (r) => r.id,
      ),
    );
    const sees = new Set<string>();
    for (const post of posts) {
      const can = await canSee(db, viewer, post);
      if (can) sees.add(post.id);
      // Hidden posts are shown to the group's moderators, and listed to nobody.
      if (hidden(post)) assert.equal(listed.has(post.id), false, `${who}: hidden, never listed`);
      else assert.equal(listed.has(post.id), can, `${who} on a ${post.visibility} post`);
    }
    seen.set(who, sees);
  }
  const g = groupPosts;
  const expect = (who: string, visible: string[], invisible: string[]) => {
    const sees = seen.get(who) ?? new Set();
    for (const name of visible)
      assert.ok(sees.has(g[name] as string), `${who} sees the group post ${name}`);
    for (const name of invisible)
      assert.ok(!sees.has(g[name] as string), `${who} does not see the group post ${name}`);
  };
  const open = ["square", "squareReply", "farPublic"];
  const quiet = ["quiet", "quietReply", "far", "farReply"];
  const hiddenPosts = ["quietHidden", "quietHiddenReply", "squareHidden", "squareHiddenReply"];
  expect("anonymous", open, [...quiet, ...hiddenPosts, "gone"]);
  expect("ana", open, [...quiet, ...hiddenPosts, "gone"]);
  expect("gmem", [...open, ...quiet], [...hiddenPosts, "gone"]);
  // The moderator is not in the group elsewhere.
  expect("gmod", [...open, "quiet", "quietReply", ...hiddenPosts], ["far", "farReply", "gone"]);
});

/**
 * Group posts of every kind, by name: a members-only group's thread and reply
 * (and a thread hidden by its moderator, with a reply, and a deleted one); the
 * same in a public group; a group elsewhere that gmem follows (members-only and
 * public threads, a reply). gmod moderates both groups here; gmem is a member.
 */
async function groupFixtures(): Promise<Record<string, string>> {
  const s = socialOf(node);
  for (const name of ["gmod", "gmem"]) {
    const { client, id } = await memberClient(node, name);
    clients[name] = { client, id };
  }
  const gmod = { id: (clients.gmod as { id: string }).id, username: "gmod" };
  const gmem = { id: (clients.gmem as { id: string }).id, username: "gmem" };
  const out: Record<string, string> = {};
  const write = async (group: Group, by: typeof gmod, text: string, parent?: string) => {
    const r = await writeInGroup(s, group, by, {
      ...textPost(`${text} #grouptag`),
      ...(parent ? { inReplyToId: parent } : { title: text }),
    });
    assert.ok(r.ok);
    return r.value.id;
  };
  for (const visibility of ["members", "public"] as const) {
    const name = visibility === "members" ? "quiet" : "square";
    const made = await createGroup({ ...s, clock: systemClock }, gmod, {
      name,
      kind: "working_group",
      displayName: name,
      visibility,
      moderated: false,
    });
    assert.ok(made.ok);
    const group = made.value;
    assert.equal((await joinGroup({ ...s, clock: systemClock }, gmem, { group })).ok, true);
    out[name] = await write(group, gmod, name);
    out[`${name}Reply`] = await write(group, gmem, `${name} reply`, out[name]);
    out[`${name}Hidden`] = await write(group, gmem, `${name} hidden`);
    out[`${name}HiddenReply`] = await write(
      group,
      gmod,
      `${name} hidden reply`,
      out[`${name}Hidden`],
    );
    const hid = await setThreadHidden(s, group, out[`${name}Hidden`] as string, gmod, {
      hidden: true,
    });
    assert.ok(hid.ok);
    if (visibility === "members") {
      out.gone = await write(group, gmem, "gone");
      assert.ok((await deleteGroupPost(s, group, out.gone, gmem)).ok);
    }
  }
  const far = await followedRemoteGroup(node, "127.0.34.9:1", "far", gmem);
  const thread = await far.post({ text: "far away", title: "Far", tags: ["grouptag"] });
  out.far = thread.id;
  out.farReply = (await far.post({ text: "far reply", inReplyToUri: thread.uri })).id;
  out.farPublic = (await far.post({ text: "far public", title: "Open", visibility: "public" })).id;
  return out;
}
