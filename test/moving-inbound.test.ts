/**
 * A Move that arrives (moving/, federation/moving/): Mastodon's own Move and
 * actor documents parse; a Move from the account that moved, to an account that
 * lists it in alsoKnownAs, moves the members here who followed it (Undo(Follow)
 * to the old, Follow to the new, the old shown as moved); a Move not from the
 * origin actor, a forged one, and one whose target does not list the origin are
 * refused and change nothing.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Object as APObject, Move, Person } from "@fedify/vocab";
import { preloadedContexts } from "@fedify/vocab-runtime";
import { loadAccount } from "../src/api/serializers/account.ts";
import { waitFor } from "../src/federation/testing.ts";
import { newId } from "../src/kernel/ids.ts";
import { followActivityUri, memberUri } from "../src/kernel/uris.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

const dir = join(import.meta.dirname, "..", "src", "federation", "fixtures");
const fixture = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8"));
const documentLoader = async (url: string) => {
  const document = (preloadedContexts as Record<string, unknown>)[url];
  if (!document) throw new Error(`No network in this test: ${url}`);
  return { contextUrl: null, documentUrl: url, document };
};

let node: TestNode;
let stopWorker: () => Promise<void>;
/** Mastodon-like servers: the account that moves, where it moves, one that names nobody, a stranger. */
let old: RemoteActor;
let fresh: RemoteActor;
let liar: RemoteActor;
let eve: RemoteActor;
let mia: { id: string; username: string };
const db = () => node.node.db.db;

const following = async () =>
  (
    await db()
      .selectFrom("follows")
      .select(["followee_uri", "status"])
      .where("follower_account_id", "=", mia.id)
      .orderBy("followee_uri")
      .execute()
  ).map((f) => `${f.followee_uri} ${f.status}`);
const moves = () => db().selectFrom("actor_moves").selectAll().execute();
const drained = () =>
  waitFor(
    "the queues are empty",
    async () => !(await db().selectFrom("queue_messages").select("id").executeTakeFirst()),
  );

/** The Mastodon fixture's Move with its hosts put on the test's servers. */
function moveFixture(from: RemoteActor, to: RemoteActor) {
  const text = JSON.stringify(fixture("mastodon-move.json"))
    .replaceAll("https://example.org/alice", from.id)
    .replaceAll("https://example.com/alice", to.id);
  return JSON.parse(text) as Record<string, unknown>;
}

async function deliver(from: RemoteActor, activity: object, key = from.keys.privateKey) {
  const res = await fetch(await from.signed(`${node.url}/users/mia/inbox`, activity, key));
  return res.status;
}

before(async () => {
  old = await startRemoteActor("127.0.28.11", "alice");
  const aliased = fixture("mastodon-actor-aliased.json");
  fresh = await startRemoteActor("127.0.28.12", "alice", {
    "@context": aliased["@context"],
    alsoKnownAs: [old.id],
  });
  liar = await startRemoteActor("127.0.28.13", "liar");
  // Eve names the old account too: what refuses her Move is that she is not its actor.
  eve = await startRemoteActor("127.0.28.14", "eve", {
    "@context": aliased["@context"],
    alsoKnownAs: [old.id],
  });
  node = await startTestNode({ host: "127.0.28.1" });
  stopWorker = await node.node.startWorker();
  mia = await createMember(node, { username: "mia", password: "long enough" });
  const actor = await node.node.federation.lookup(old.id);
  assert.ok(actor);
  // Mia follows the old account (as after its Accept).
  const id = newId();
  const now = new Date().toISOString();
  await db()
    .insertInto("follows")
    .values({
      id,
      follower_uri: memberUri(node.url, "mia"),
      followee_uri: old.id,
      follower_account_id: mia.id,
      follower_remote_id: null,
      followee_account_id: null,
      followee_remote_id: actor.id,
      status: "accepted",
      activity_uri: followActivityUri(node.url, id),
      created_at: now,
      accepted_at: now,
    })
    .execute();
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  for (const r of [old, fresh, liar, eve]) r?.close();
});

test("Mastodon's Move and its actors' alsoKnownAs and movedTo parse", async () => {
  const move = await APObject.fromJsonLd(fixture("mastodon-move.json"), {
    documentLoader,
    contextLoader: documentLoader,
  });
  assert.ok(move instanceof Move);
  assert.equal(move.actorId?.href, "https://example.org/alice");
  assert.equal(move.objectId?.href, "https://example.org/alice");
  assert.equal(move.targetId?.href, "https://example.com/alice");
  const aliased = await Person.fromJsonLd(fixture("mastodon-actor-aliased.json"), {
    documentLoader,
    contextLoader: documentLoader,
  });
  assert.deepEqual(
    aliased.aliasIds.map((u) => u.href),
    ["https://example.org/alice"],
  );
  const moved = await Person.fromJsonLd(fixture("mastodon-actor-moved.json"), {
    documentLoader,
    contextLoader: documentLoader,
  });
  assert.equal(moved.successorId?.href, "https://example.com/alice");
});

test("a Move not sent by the account that moved is refused and changes nothing", async () => {
  const before = await following();
  // Eve says the old account moved to an account that does list it; she signs as herself.
  // Taking the object for the origin would move mia: only the origin's own Move counts.
  const byEve = { ...moveFixture(old, fresh), id: `${eve.id}#moves/1`, actor: eve.id };
  assert.equal(await deliver(eve, byEve), 202);
  // Forged: the old account's key id, eve's key.
  const forged = { ...moveFixture(old, eve), id: `${old.id}#moves/forged` };
  assert.equal(await deliver(old, forged, eve.keys.privateKey), 401);
  await drained();
  assert.deepEqual(await following(), before);
  assert.deepEqual(await moves(), []);
  assert.equal(eve.delivered.length, 0, "eve was not followed");
  assert.equal(fresh.delivered.length, 0, "nobody followed the target");
});

test("a Move whose target does not list the origin is refused and changes nothing", async () => {
  const before = await following();
  const fetchedBefore = liar.fetched.length;
  assert.equal(await deliver(old, { ...moveFixture(old, liar), id: `${old.id}#moves/2` }), 202);
  await drained();
  // The target was read (fresh), and refused for not naming the origin.
  assert.ok(liar.fetched.length > fetchedBefore, "the target was fetched");
  assert.deepEqual(await following(), before);
  assert.deepEqual(await moves(), []);
  assert.equal(liar.delivered.length, 0);
});

test("Mastodon's Move to an account that lists the origin moves the followers here", async () => {
  assert.equal(await deliver(old, moveFixture(old, fresh)), 202);
  await waitFor("mia follows the new account", async () =>
    (await following()).includes(`${fresh.id} pending`),
  );
  assert.deepEqual(await following(), [`${fresh.id} pending`]);
  const [move] = await moves();
  assert.equal(move?.actor_uri, old.id);
  assert.equal(move?.target_uri, fresh.id);
  await waitFor("the Follow reaches the new account", () =>
    fresh.delivered.some((d) => d.body.type === "Follow" && d.body.object === fresh.id),
  );
  await waitFor("the Undo(Follow) reaches the old account", () =>
    old.delivered.some(
      (d) => d.body.type === "Undo" && (d.body.object as { type?: string }).type === "Follow",
    ),
  );
  // The client API shows the old account as moved (Mastodon's Account.moved).
  const l = { db: db(), origin: node.url, domain: node.domain };
  const account = await loadAccount(l, old.id);
  assert.equal(account?.moved?.uri, fresh.id);
  assert.equal(account?.moved?.moved, undefined);
  assert.equal((await loadAccount(l, fresh.id))?.moved, undefined);
});

test("a second Move of the same account elsewhere within the cooldown changes nothing", async () => {
  const before = await following();
  assert.equal(await deliver(old, { ...moveFixture(old, eve), id: `${old.id}#moves/3` }), 202);
  await drained();
  assert.deepEqual(await following(), before);
  assert.equal((await moves())[0]?.target_uri, fresh.id);
});
