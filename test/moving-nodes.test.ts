/**
 * Moving between two Synco nodes, both ways (issue 25), on real nodes on
 * 127.0.28.2x: the new account names the old in Settings → Moving (alsoKnownAs);
 * until it does, the move is refused and nothing changes; then the old account
 * moves from its settings page (password confirmed), its actor carries movedTo,
 * its profile points to the new one, and its followers — on its own node, on the
 * new account's node and on a third — follow the new account and no longer the old.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { follow } from "../src/federation/follows.ts";
import { followRemote, followStatus, waitFor } from "../src/federation/testing.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { createMember, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
let c: TestNode;
const stops: (() => Promise<void>)[] = [];
const PASSWORD = "long enough";

before(async () => {
  [a, b, c] = await Promise.all([
    startTestNode({ host: "127.0.28.21" }),
    startTestNode({ host: "127.0.28.22" }),
    startTestNode({ host: "127.0.28.23" }),
  ]);
  for (const n of [a, b, c]) stops.push(await n.node.startWorker());
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

async function actorJson(n: TestNode, username: string) {
  const res = await fetch(`${n.url}/users/${username}`, {
    headers: { accept: "application/activity+json" },
  });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

const moveCount = (n: TestNode) =>
  n.node.db.db
    .selectFrom("actor_moves")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

/**
 * `mover` on `from` moves to `target` on `to`; it is followed by a member of `from`,
 * one of `to` and one of `third`, named after the mover.
 */
async function moveAcross(
  from: TestNode,
  to: TestNode,
  third: TestNode,
  mover: string,
  target: string,
) {
  const moverAccount = await createMember(from, { username: mover, password: PASSWORD });
  await createMember(to, { username: target, password: PASSWORD });
  const moverUri = memberUri(from.url, mover);
  const targetUri = memberUri(to.url, target);
  // Followers: one beside the mover, one beside the target, one elsewhere.
  const near = await createMember(from, { username: `${mover}near`, password: PASSWORD });
  const there = await createMember(to, { username: `${mover}there`, password: PASSWORD });
  const far = await createMember(third, { username: `${mover}far`, password: PASSWORD });
  const local = await follow(
    from.node.db.db,
    from.url,
    near,
    { kind: "local", account: moverAccount },
    from.node.federation.deps.clock,
  );
  assert.ok(local.ok);
  await followRemote(to.node, there, `${mover}@${from.domain}`);
  await followRemote(third.node, far, `${mover}@${from.domain}`);
  const followers = [
    { n: from, uri: memberUri(from.url, near.username) },
    { n: to, uri: memberUri(to.url, there.username) },
    { n: third, uri: memberUri(third.url, far.username) },
  ];
  for (const f of followers)
    await waitFor(
      "the follow is accepted",
      async () => (await followStatus(f.n.node, f.uri, moverUri)) === "accepted",
      90_000,
    );

  const moverSession = await signIn(from, mover, PASSWORD);
  const targetSession = await signIn(to, target, PASSWORD);
  const moveForm = { target: `@${target}@${to.domain}`, password: PASSWORD };
  const movesBefore = await moveCount(from);

  // The target does not name the mover yet: refused, nothing changes.
  const early = await moverSession.post("/settings/moving/move", moveForm);
  assert.equal(early.status, 422);
  assert.match(await early.text(), /does not list this one/);
  // A wrong password is refused too.
  const wrong = await moverSession.post("/settings/moving/move", {
    ...moveForm,
    password: "nope nope",
  });
  assert.equal(wrong.status, 422);
  assert.equal(await moveCount(from), movesBefore);
  assert.equal(await followStatus(from.node, followers[0]?.uri ?? "", moverUri), "accepted");

  // The target names the mover (Settings → Moving → "Your old account").
  const alias = await targetSession.post("/settings/moving/aliases", {
    alias: `${mover}@${from.domain}`,
  });
  assert.equal(alias.status, 303);
  // One alias compacts to a string (JSON-LD); Mastodon reads either (`as_array`).
  assert.deepEqual([(await actorJson(to, target)).alsoKnownAs].flat(), [moverUri]);
  const page = await (await targetSession.get("/settings/moving")).text();
  assert.ok(page.includes(moverUri), "the settings page lists the alias");

  const moved = await moverSession.post("/settings/moving/move", moveForm);
  assert.equal(moved.status, 303, await moved.text());
  assert.equal((await actorJson(from, mover)).movedTo, targetUri);
  const profile = await (await fetch(`${from.url}/@${mover}`)).text();
  assert.ok(profile.includes(`href="${targetUri}"`), "the profile links to the new account");

  for (const f of followers) {
    await waitFor(
      `${f.uri} follows the new account`,
      async () => (await followStatus(f.n.node, f.uri, targetUri)) === "accepted",
      // Follow, Accept and the Move cross three nodes: slow on a loaded machine.
      90_000,
    );
    await waitFor(
      `${f.uri} no longer follows the old account`,
      async () => (await followStatus(f.n.node, f.uri, moverUri)) === null,
      90_000,
    );
  }
  // The old account's node no longer counts them as its followers.
  await waitFor("the old account has no followers left", async () => {
    const rows = await from.node.db.db
      .selectFrom("follows")
      .select("id")
      .where("followee_uri", "=", moverUri)
      .execute();
    return rows.length === 0;
  });
  // Moving again at once is refused (the 30-day cooldown).
  const again = await moverSession.post("/settings/moving/move", moveForm);
  assert.equal(again.status, 422);
}

test("a member of node A moves to node B: followers on A, B and C follow the new account", async () => {
  await moveAcross(a, b, c, "ann", "bea");
});

test("and the other way: a member of node B moves to node A", async () => {
  await moveAcross(b, a, c, "bo", "ari");
});
