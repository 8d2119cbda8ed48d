/**
 * Moderation across two nodes (127.0.12.x): blocks and mutes (a remote actor
 * hears Block), reports (ours forwarded as Flag, theirs arriving as Flag),
 * moderators silencing and suspending accounts, domain suspension (defederation)
 * and allow-list mode refusing activities, the log, the rules page, and bad
 * input on every moderation form.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { unfollow } from "../src/federation/follows.ts";
import { followRemote, waitFor } from "../src/federation/testing.ts";
import { createMember, type SignedIn, signIn, visitor } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
const stops: (() => Promise<void>)[] = [];
let ann: SignedIn;
let amy: SignedIn;
let mod: SignedIn;
let bob: SignedIn;
let annRow: { id: string; username: string };
let bobRow: { id: string; username: string };

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.12.1" }),
    startTestNode({ host: "127.0.12.2" }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  annRow = await createMember(a, { username: "ann", password: "long enough" });
  await createMember(a, { username: "amy", password: "long enough" });
  await createMember(a, { username: "mo", password: "long enough", role: "moderator" });
  bobRow = await createMember(b, { username: "bob", password: "long enough" });
  [ann, amy, mod, bob] = await Promise.all([
    signIn(a, "ann", "long enough"),
    signIn(a, "amy", "long enough"),
    signIn(a, "mo", "long enough"),
    signIn(b, "bob", "long enough"),
  ]);
  await followRemote(b.node, bobRow, `ann@${a.domain}`);
  await followRemote(a.node, annRow, `bob@${b.domain}`);
  for (const [n, who] of [
    [b, bobRow],
    [a, annRow],
  ] as const)
    await waitFor("the follow is accepted", async () => {
      const row = await n.node.db.db
        .selectFrom("follows")
        .select("status")
        .where("follower_account_id", "=", who.id)
        .executeTakeFirst();
      return row?.status === "accepted";
    });
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

async function write(who: SignedIn, node: TestNode, text: string, visibility = "public") {
  const form = new FormData();
  form.set("text", text);
  form.set("visibility", visibility);
  const res = await who.postMultipart("/social/posts", form);
  assert.equal(res.status, 303, await res.text());
  return node.node.db.db
    .selectFrom("posts")
    .selectAll()
    .where("source", "=", text)
    .executeTakeFirstOrThrow();
}
const copyOn = (n: TestNode, uri: string) =>
  n.node.db.db.selectFrom("posts").selectAll().where("uri", "=", uri).executeTakeFirst();
const idle = (n: TestNode) =>
  waitFor("the node has relayed and delivered everything", async () => {
    const event = await n.node.db.db
      .selectFrom("outbox_events")
      .select("id")
      .where("relayed_at", "is", null)
      .executeTakeFirst();
    const queued = await n.node.db.db.selectFrom("queue_messages").select("id").executeTakeFirst();
    return !event && !queued;
  });

test("mutes hide quietly; blocks end follows, and a remote actor hears Block", async () => {
  assert.equal((await amy.post("/network/follow", { uri: `${a.url}/users/ann` })).status, 303);
  await write(ann, a, "before the mute");
  assert.match(await (await amy.get("/social")).text(), /before the mute/);
  assert.equal((await amy.post("/social/filters", { target: "ann", kind: "mute" })).status, 303);
  assert.doesNotMatch(await (await amy.get("/social")).text(), /before the mute/);
  assert.doesNotMatch(await (await amy.get("/social/local")).text(), /before the mute/);
  assert.match(await (await amy.get("/social/filters")).text(), /Muted/);
  assert.equal(
    (await amy.post("/social/filters/remove", { target: `${a.url}/users/ann`, kind: "mute" }))
      .status,
    303,
  );
  // Bad input: an unknown account (422), an unknown kind (422), oneself (422), removing nothing (404).
  assert.equal(
    (await amy.post("/social/filters", { target: "nobody", kind: "block" })).status,
    422,
  );
  assert.equal((await amy.post("/social/filters", { target: "ann", kind: "shun" })).status, 422);
  assert.equal((await amy.post("/social/filters", { target: "amy", kind: "block" })).status, 422);
  assert.equal(
    (await amy.post("/social/filters/remove", { target: "x", kind: "block" })).status,
    404,
  );

  // bob (remote) blocks ann: both follows end, on both nodes.
  assert.equal(
    (await bob.post("/social/filters", { target: `ann@${a.domain}`, kind: "block" })).status,
    303,
  );
  const follows = (n: TestNode) =>
    n.node.db.db
      .selectFrom("follows")
      .select("id")
      .where((eb) =>
        eb.or([
          eb("follower_uri", "=", `${a.url}/users/ann`),
          eb("followee_uri", "=", `${a.url}/users/ann`),
        ]),
      )
      .where((eb) =>
        eb.or([
          eb("follower_uri", "=", `${b.url}/users/bob`),
          eb("followee_uri", "=", `${b.url}/users/bob`),
        ]),
      )
      .execute();
  await waitFor("bob's node ended both follows", async () => (await follows(b)).length === 0);
  await waitFor("ann's node heard the Block", async () => (await follows(a)).length === 0);
});

test("reports: members report, moderators resolve; a forwarded report arrives as Flag", async () => {
  const p = await write(ann, a, "a rude post");
  assert.equal((await amy.post(`/posts/${p.id}/report`, { comment: "" })).status, 422);
  assert.equal(
    (await amy.post(`/posts/${p.id}/report`, { comment: "x".repeat(1001) })).status,
    422,
  );
  assert.equal((await a.node.db.db.selectFrom("reports").selectAll().execute()).length, 0);
  assert.equal((await amy.post(`/posts/${p.id}/report`, { comment: "Breaks rule 1" })).status, 303);
  assert.equal((await amy.get("/moderation")).status, 403);
  const page = await (await mod.get("/moderation")).text();
  assert.match(page, /Breaks rule 1/);
  const report = await a.node.db.db.selectFrom("reports").selectAll().executeTakeFirstOrThrow();
  assert.equal((await amy.post(`/moderation/reports/${report.id}/resolve`, {})).status, 403);
  assert.equal((await mod.post("/moderation/reports/nope/resolve", {})).status, 404);
  assert.equal((await mod.post(`/moderation/reports/${report.id}/resolve`, {})).status, 303);
  assert.match(await (await mod.get("/moderation/log")).text(), /report\.resolve/);

  // bob reports a post of a remote author he holds (mo's, via a follow) and forwards it.
  const bobFollowsMo = await followRemote(b.node, bobRow, `mo@${a.domain}`);
  assert.ok(bobFollowsMo.result.ok);
  await waitFor(
    "accepted",
    async () =>
      (
        await b.node.db.db
          .selectFrom("follows")
          .select("status")
          .where("followee_uri", "=", `${a.url}/users/mo`)
          .executeTakeFirst()
      )?.status === "accepted",
  );
  const remote = await write(mod, a, "a post to report from afar");
  const copy = await waitFor("bob's node has it", () => copyOn(b, remote.uri));
  assert.equal(
    (await bob.post(`/posts/${copy.id}/report`, { comment: "spam", forward: "on" })).status,
    303,
  );
  const flagged = await waitFor("ann's node receives the Flag", () =>
    a.node.db.db
      .selectFrom("reports")
      .selectAll()
      .where("reporter_account_id", "is", null)
      .executeTakeFirst(),
  );
  assert.equal(flagged.reporter_uri, `${b.url}/users/coop`);
  assert.equal(flagged.target_uri, `${a.url}/users/mo`);
  assert.deepEqual(JSON.parse(flagged.post_ids), [remote.id]);
  assert.equal(flagged.comment, "spam");
});

test("moderators silence and suspend accounts; members cannot", async () => {
  const spoken = await write(amy, a, "amy speaks in public");
  assert.equal((await mod.get(`/@amy/${spoken.id}`)).status, 200);
  assert.equal(
    (await amy.post("/moderation/accounts", { account: "amy", level: "silence" })).status,
    403,
  );
  assert.equal(
    (await mod.post("/moderation/accounts", { account: "nobody", level: "silence" })).status,
    422,
  );
  assert.equal(
    (await mod.post("/moderation/accounts", { account: "amy", level: "banish" })).status,
    422,
  );
  assert.equal(
    (await mod.post("/moderation/accounts", { account: "amy", level: "silence", reason: "spam" }))
      .status,
    303,
  );
  assert.doesNotMatch(await (await fetch(`${a.url}/social/local`)).text(), /amy speaks/);
  assert.equal(
    (await mod.post("/moderation/accounts", { account: "amy", level: "suspend" })).status,
    303,
  );
  const status = await a.node.db.db
    .selectFrom("accounts")
    .select("status")
    .where("username", "=", "amy")
    .executeTakeFirstOrThrow();
  assert.equal(status.status, "suspended");
  // Her posts are hidden from everyone.
  assert.equal((await mod.get(`/@amy/${spoken.id}`)).status, 404);
  // Suspended: the session ends and login is refused.
  assert.equal((await amy.get("/social")).status, 302);
  const start = await visitor(a);
  const login = await fetch(`${a.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: start.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: start.csrf, login: "amy", password: "long enough" }),
  });
  assert.notEqual(login.status, 303);
  assert.equal(
    (await mod.post("/moderation/accounts", { account: "amy", level: "none" })).status,
    303,
  );
  assert.equal(
    (
      await a.node.db.db
        .selectFrom("accounts")
        .select("status")
        .where("username", "=", "amy")
        .executeTakeFirstOrThrow()
    ).status,
    "active",
  );
  const log = await (await mod.get("/moderation/log")).text();
  for (const action of ["account.silence", "account.suspend", "account.restore"])
    assert.match(log, new RegExp(action.replace(".", "\\.")));
});

test("a suspended domain is refused both ways; allow-list mode refuses unlisted domains", async () => {
  // Follows again between bob and mo (ann's were ended by the block).
  assert.equal(
    (await mod.post("/moderation/domains", { domain: "not a domain!", policy: "suspend" })).status,
    422,
  );
  assert.equal(
    (await mod.post("/moderation/domains", { domain: "example.org", policy: "banish" })).status,
    422,
  );
  assert.equal(
    (await ann.post("/moderation/domains", { domain: b.domain, policy: "suspend" })).status,
    403,
  );
  assert.equal(
    (await mod.post("/moderation/domains", { domain: b.domain, policy: "suspend", reason: "test" }))
      .status,
    303,
  );
  // Every follow with the domain is gone at once.
  const withB = await a.node.db.db
    .selectFrom("follows")
    .innerJoin("remote_actors as r", (j) =>
      j.on((eb) =>
        eb.or([
          eb("r.id", "=", eb.ref("follows.follower_remote_id")),
          eb("r.id", "=", eb.ref("follows.followee_remote_id")),
        ]),
      ),
    )
    .select("follows.id")
    .where("r.host", "=", b.domain)
    .execute();
  assert.equal(withB.length, 0);
  // bob mentions mo: refused at mo's node.
  const fromB = await write(bob, b, `hello @mo@${a.domain}`);
  await idle(b);
  assert.equal(await copyOn(a, fromB.uri), undefined);
  // mo mentions bob: not delivered.
  const toB = await write(mod, a, `hello @bob@${b.domain}`);
  await idle(a);
  assert.equal(await copyOn(b, toB.uri), undefined);

  // A Follow from the suspended domain is refused too.
  await unfollow(b.node.db.db, b.url, bobRow, `${a.url}/users/mo`);
  assert.ok((await followRemote(b.node, bobRow, `${a.url}/users/mo`)).result.ok);
  await idle(b);
  const bobFollows = () =>
    a.node.db.db
      .selectFrom("follows")
      .select("id")
      .where("follower_uri", "=", `${b.url}/users/bob`)
      .execute();
  assert.equal((await bobFollows()).length, 0);

  // Lifted, but allow-list mode on with no domain listed: still refused.
  assert.equal(
    (await mod.post("/moderation/domains", { domain: b.domain, policy: "none" })).status,
    303,
  );
  // (bob follows mo again first: allow-list mode ends follows with unlisted servers.)
  await unfollow(b.node.db.db, b.url, bobRow, `${a.url}/users/mo`);
  const refollow = await followRemote(b.node, bobRow, `mo@${a.domain}`);
  assert.ok(refollow.result.ok);
  await waitFor(
    "mo's node has bob as a follower again",
    async () =>
      !!(await a.node.db.db
        .selectFrom("follows")
        .select("id")
        .where("follower_uri", "=", `${b.url}/users/bob`)
        .executeTakeFirst()),
  );
  assert.equal((await mod.post("/moderation/mode", { allowlist: "on" })).status, 303);
  assert.equal(
    await a.node.db.db
      .selectFrom("follows")
      .select("id")
      .where("follower_uri", "=", `${b.url}/users/bob`)
      .executeTakeFirst(),
    undefined,
  );
  const again = await write(bob, b, `hello again @mo@${a.domain}`);
  await idle(b);
  assert.equal(await copyOn(a, again.uri), undefined);
  // Listed: it federates.
  assert.equal(
    (await mod.post("/moderation/domains", { domain: b.domain, policy: "allow" })).status,
    303,
  );
  const allowed = await write(bob, b, `and now @mo@${a.domain}`);
  await waitFor("mo's node accepts it", () => copyOn(a, allowed.uri));
  assert.match(
    await (await mod.get("/moderation/log")).text(),
    /domain\.suspend[\s\S]*federation\.allowlist|federation\.allowlist[\s\S]*domain\.suspend/,
  );
});

test("the rules page shows the co-op's rules", async () => {
  assert.match(await (await fetch(`${a.url}/rules`)).text(), /has not written its rules yet/);
  await a.node.coop.update({ rules: "1. Be kind.\n2. No ads." });
  const page = await (await fetch(`${a.url}/rules`)).text();
  // Markdown (issue 23): the numbered lines are a list.
  assert.match(page, /<ol>\s*<li>Be kind\.<\/li>\s*<li>No ads\.<\/li>\s*<\/ol>/);
});
