/**
 * Issue 14 item 9: hashtag search lists and counts only tags of posts the
 * searcher may see. The SQL filter (social/visibility.ts visibleTo) must agree
 * with canSee for every viewer and post, so both are checked against each other.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { mastodon } from "masto";
import { systemClock } from "../src/kernel/clock.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { limitActor } from "../src/social/moderation.ts";
import { audienceColumns, canSee, visibleTo } from "../src/social/visibility.ts";
import { memberClient } from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

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

test("the SQL filter and canSee agree for every viewer and post, a deleted and a suspended author's included", async () => {
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
  const viewers = [
    null,
    ...Object.keys(clients).map((n) => ({
      id: (clients[n] as { id: string }).id,
      uri: memberUri(node.url, n),
    })),
  ];
  const posts = await db.selectFrom("posts").select(audienceColumns).execute();
  assert.ok(posts.length >= 4);
  for (const viewer of viewers) {
    const listed = new Set(
      (await db.selectFrom("posts as p").select("p.id").where(visibleTo(viewer)).execute()).map(
        (r) => r.id,
      ),
    );
    for (const post of posts)
      assert.equal(
        listed.has(post.id),
        await canSee(db, viewer, post),
        `${viewer?.uri ?? "anonymous"} on a ${post.visibility} post`,
      );
  }
});
