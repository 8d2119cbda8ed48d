/**
 * What the speed work of issue 24 must not change: account counts read from
 * actor_stats (kept by triggers) follow every post, deletion, boost, follow and
 * unfollow; the cached instance document shows a new member and post at once; and
 * a timeline or a status read again (its caches warm) respects a new mute, a new
 * block and a deleted post. Through the client API of a real node, on SQLite and
 * PostgreSQL alike.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import type { mastodon } from "masto";
import { createOAuthAPIClient } from "masto";
import { memberClient, statusOf, until } from "./api-helpers.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: mastodon.rest.Client;
let bo: mastodon.rest.Client;
let adaId: string;
let boId: string;
let boToken: string;

before(async () => {
  node = await startTestNode({ host: "127.0.124.1" });
  const a = await memberClient(node, "ada");
  ada = a.client;
  adaId = a.id;
  const b = await memberClient(node, "bo", a.app);
  bo = b.client;
  boId = b.id;
  boToken = b.token;
});
after(() => node.close());

const counts = async (client: mastodon.rest.Client, id: string) => {
  const a = await client.v1.accounts.$select(id).fetch();
  return {
    statuses: a.statusesCount,
    followers: a.followersCount,
    following: a.followingCount,
    last: a.lastStatusAt,
  };
};

describe("account counts (actor_stats)", () => {
  it("follow posts, boosts, deletions, follows and unfollows", async () => {
    assert.deepEqual(await counts(bo, adaId), {
      statuses: 0,
      followers: 0,
      following: 0,
      last: null,
    });
    const first = await ada.v1.statuses.create({ status: "Rye today", visibility: "public" });
    const second = await ada.v1.statuses.create({ status: "Spelt tomorrow", visibility: "public" });
    const boPost = await bo.v1.statuses.create({ status: "Oats", visibility: "public" });
    await ada.v1.statuses.$select(boPost.id).reblog();
    const today = new Date().toISOString().slice(0, 10);
    assert.deepEqual(await counts(bo, adaId), {
      statuses: 3,
      followers: 0,
      following: 0,
      last: today,
    });
    await bo.v1.accounts.$select(adaId).follow();
    assert.equal((await counts(bo, adaId)).followers, 1);
    assert.equal((await counts(ada, boId)).following, 1);
    await ada.v1.statuses.$select(first.id).remove();
    await ada.v1.statuses.$select(boPost.id).unreblog();
    assert.equal((await counts(bo, adaId)).statuses, 1);
    await bo.v1.accounts.$select(adaId).unfollow();
    assert.equal((await counts(bo, adaId)).followers, 0);
    assert.equal((await counts(ada, boId)).following, 0);
    // A row removed outright (as erasing an account does) is counted out too.
    await sql`DELETE FROM posts WHERE id = ${second.id}`.execute(node.node.db.db);
    assert.deepEqual(await counts(bo, adaId), {
      statuses: 0,
      followers: 0,
      following: 0,
      last: null,
    });
  });

  it("match a count of the tables after many writes", async () => {
    const db = node.node.db.db;
    for (let i = 0; i < 5; i++) await bo.v1.statuses.create({ status: `Loaf ${i}` });
    const posted = await bo.v1.accounts.$select(boId).statuses.list({ limit: 40 });
    for (const s of posted.slice(0, 2)) await bo.v1.statuses.$select(s.id).remove();
    const stats = await db
      .selectFrom("actor_stats")
      .selectAll()
      .where("actor_uri", "=", `${node.url}/users/bo`)
      .executeTakeFirstOrThrow();
    const counted = await db
      .selectFrom("posts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("author_uri", "=", `${node.url}/users/bo`)
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow();
    assert.equal(Number(stats.statuses_count), Number(counted.n));
    assert.equal(Number(stats.statuses_count), posted.length - 2);
  });
});

describe("the instance document", () => {
  it("shows a new member and a new post at once, though it is cached", async () => {
    const get = async () =>
      (await (await fetch(`${node.url}/api/v1/instance`)).json()) as {
        stats: { user_count: number; status_count: number };
      };
    const before = await get();
    assert.equal((await get()).stats.user_count, before.stats.user_count);
    await createMember(node, { username: "cy", password: "correct horse battery" });
    assert.equal((await get()).stats.user_count, before.stats.user_count + 1);
    await bo.v1.statuses.create({ status: "Barley" });
    assert.equal((await get()).stats.status_count, before.stats.status_count + 1);
  });
});

describe("timelines read again", () => {
  const home = async () => (await ada.v1.timelines.home.list({ limit: 40 })).map((s) => s.id);
  const local = async () =>
    (await ada.v1.timelines.public.list({ local: true, limit: 40 })).map((s) => s.id);

  it("respect a new mute, a new block and a deleted post", async () => {
    await ada.v1.accounts.$select(boId).follow();
    const post = await bo.v1.statuses.create({ status: "Fresh bread", visibility: "public" });
    // Home is written on arrival, by the worker: wait for it, then read it again (warm).
    await until(async () => (await home()).includes(post.id), "the post in ada's home");
    for (let i = 0; i < 3; i++) {
      assert.ok((await home()).includes(post.id));
      assert.ok((await local()).includes(post.id));
    }
    await ada.v1.accounts.$select(boId).mute();
    assert.ok(!(await home()).includes(post.id));
    assert.ok(!(await local()).includes(post.id));
    await ada.v1.accounts.$select(boId).unmute();
    assert.ok((await local()).includes(post.id));
    await ada.v1.accounts.$select(boId).block();
    assert.ok(!(await home()).includes(post.id));
    assert.ok(!(await local()).includes(post.id));
    await ada.v1.accounts.$select(boId).unblock();
    await ada.v1.accounts.$select(boId).follow();
    const again = await bo.v1.statuses.create({ status: "Second loaf", visibility: "public" });
    await until(async () => (await home()).includes(again.id), "the second post in ada's home");
    const shown = await ada.v1.statuses.$select(again.id).fetch();
    assert.equal(shown.id, again.id);
    await bo.v1.statuses.$select(again.id).remove();
    assert.ok(!(await home()).includes(again.id));
    assert.ok(!(await local()).includes(again.id));
    const gone = await fetch(`${node.url}/api/v1/statuses/${again.id}`, {
      headers: { authorization: `Bearer ${boToken}` },
    });
    assert.equal(gone.status, 404);
  });
});

describe("bearer tokens", () => {
  it("a token used many times is refused as soon as it is revoked", async () => {
    const dee = await memberClient(node, "dee");
    for (let i = 0; i < 5; i++)
      assert.equal((await dee.client.v1.accounts.verifyCredentials()).username, "dee");
    await createOAuthAPIClient({ url: node.url }).revoke({
      clientId: dee.app.clientId ?? "",
      clientSecret: dee.app.clientSecret ?? "",
      token: dee.token,
    });
    await assert.rejects(dee.client.v1.accounts.verifyCredentials(), (e) => statusOf(e) === 401);
  });
});

describe("accounts kept in memory", () => {
  it("show a new name and new counts at once, though cached", async () => {
    const shown = async () => {
      const [s] = await bo.v1.accounts.$select(adaId).statuses.list({ limit: 1 });
      const a = await bo.v1.accounts.$select(adaId).fetch();
      return { inStatus: s?.account.displayName, name: a.displayName, count: a.statusesCount };
    };
    await ada.v1.statuses.create({ status: "Warm loaf", visibility: "public" });
    const before = await shown();
    for (let i = 0; i < 3; i++) assert.deepEqual(await shown(), before);
    await ada.v1.accounts.updateCredentials({ displayName: "Ada the Baker" });
    const renamed = await shown();
    assert.equal(renamed.name, "Ada the Baker");
    assert.equal(renamed.inStatus, "Ada the Baker");
    await ada.v1.statuses.create({ status: "Another loaf", visibility: "public" });
    assert.equal((await shown()).count, before.count + 1);
  });
});
