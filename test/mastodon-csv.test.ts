/**
 * Moving out (issue 25): a member downloads their follows, blocks, mutes,
 * bookmarks and lists as the CSV files Mastodon imports, from the export page;
 * local members and remote actors are named by address, fields with commas or
 * quotes are quoted (RFC 4180), and only a signed-in member gets their own.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { systemClock } from "../src/kernel/clock.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { bookmark } from "../src/social/interactions.ts";
import { addToList, createList } from "../src/social/lists.ts";
import { createPost, textPost } from "../src/social/posts.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let node: TestNode;
let eve: RemoteActor;
let ann: { id: string; username: string };
let bob: { id: string; username: string };
let session: SignedIn;
let bobPostUri: string;

const db = () => node.node.db.db;
const s = () => ({ db: db(), origin: node.url, domain: node.domain, clock: systemClock });

async function followed(followee: string, local: string | null) {
  const now = new Date().toISOString();
  await db()
    .insertInto("follows")
    .values({
      id: randomUUID(),
      follower_uri: memberUri(node.url, "ann"),
      followee_uri: followee,
      follower_account_id: ann.id,
      follower_remote_id: null,
      followee_account_id: local,
      followee_remote_id: null,
      status: "accepted",
      activity_uri: `${node.url}/follows/${randomUUID()}`,
      created_at: now,
      accepted_at: now,
    })
    .execute();
}

before(async () => {
  eve = await startRemoteActor("127.0.64.9", "Eve");
  node = await startTestNode({ host: "127.0.64.1" });
  ann = await createMember(node, { username: "ann", password: "long enough" });
  bob = await createMember(node, { username: "bob", password: "long enough" });
  await createMember(node, { username: "cy", password: "long enough" });
  // The remote actor is known here as any fetched actor is (remote_actors).
  assert.ok(await node.node.federation.lookup(eve.id));
  const bobUri = memberUri(node.url, "bob");
  await followed(bobUri, bob.id);
  await followed(eve.id, null);
  await followed("https://never-fetched.example/users/x", null);
  const now = new Date().toISOString();
  await db()
    .insertInto("actor_filters")
    .values([
      { account_id: ann.id, target_uri: eve.id, kind: "block", created_at: now },
      { account_id: ann.id, target_uri: bobUri, kind: "mute", created_at: now },
    ])
    .execute();
  const post = await createPost(s(), bob, { ...textPost("Bread at six"), visibility: "public" });
  assert.ok(post.ok);
  bobPostUri = (
    await db()
      .selectFrom("posts")
      .select("uri")
      .where("id", "=", post.value.id)
      .executeTakeFirstOrThrow()
  ).uri;
  assert.ok(await bookmark(s(), ann, post.value.id));
  const list = await createList(s(), ann, { title: 'Bakers, "the good ones"' });
  assert.ok((await addToList(s(), ann, list.id, bobUri)).ok);
  session = await signIn(node, "ann", "long enough");
});
after(async () => {
  await node?.close();
  eve?.close();
});

const download = async (name: string, who = session) => {
  const res = await who.get(`/settings/export/${name}.csv`);
  assert.equal(res.status, 200, name);
  assert.match(res.headers.get("content-type") ?? "", /^text\/csv/);
  assert.match(res.headers.get("content-disposition") ?? "", new RegExp(`${name}\\.csv`));
  return res.text();
};

test("the export page links the five files Mastodon imports", async () => {
  const page = await (await session.get("/settings/export")).text();
  for (const name of [
    "following_accounts",
    "blocked_accounts",
    "muted_accounts",
    "bookmarks",
    "lists",
  ])
    assert.match(page, new RegExp(`href="/settings/export/${name}\\.csv"`));
});

test("each file is in Mastodon's own format, accounts by address", async () => {
  const host = new URL(eve.url).host;
  assert.equal(
    await download("following_accounts"),
    "Account address,Show boosts,Notify on new posts,Languages\n" +
      `bob@${node.domain},true,false,\n` +
      `Eve@${host},true,false,\n`,
    "an actor never fetched is left out",
  );
  assert.equal(await download("blocked_accounts"), `Eve@${host}\n`);
  assert.equal(
    await download("muted_accounts"),
    `Account address,Hide notifications\nbob@${node.domain},true\n`,
  );
  assert.equal(await download("bookmarks"), `${bobPostUri}\n`);
  assert.equal(await download("lists"), `"Bakers, ""the good ones""",bob@${node.domain}\n`);
});

test("another member gets their own (empty) files; a visitor and unknown names get none", async () => {
  const cy = await signIn(node, "cy", "long enough");
  assert.equal(
    await download("following_accounts", cy),
    "Account address,Show boosts,Notify on new posts,Languages\n",
  );
  assert.equal(await download("lists", cy), "");
  assert.equal((await cy.get("/settings/export/passwords.csv")).status, 404);
  const visitor = await fetch(`${node.url}/settings/export/bookmarks.csv`, { redirect: "manual" });
  assert.notEqual(visitor.status, 200);
});
