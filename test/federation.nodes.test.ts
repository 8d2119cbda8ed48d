/**
 * Real nodes on 127.0.1.x in one process, each with its own database and worker:
 * follow, accept (at once or by hand), reject, unfollow, profile updates and
 * account deletion travel between them; and a GoToSocial-like server that refuses
 * unsigned GETs still lets us look its actors up.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { verifyRequest } from "@fedify/fedify";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { accountsContributor, deleteAccount } from "../src/accounts/data.ts";
import { updateProfile } from "../src/accounts/profile.ts";
import { federationContributor } from "../src/federation/account-data.ts";
import {
  acceptFollowRequest,
  rejectFollowRequest,
  setManuallyApproves,
  unfollow,
} from "../src/federation/follows.ts";
import { findRemoteActor } from "../src/federation/remote-actors.ts";
import { followRemote, followStatus, waitFor } from "../src/federation/testing.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
let c: TestNode;
const stops: (() => Promise<void>)[] = [];

before(async () => {
  [a, b, c] = await Promise.all([
    startTestNode({ host: "127.0.1.1" }),
    startTestNode({ host: "127.0.1.2" }),
    startTestNode({ host: "127.0.1.3" }),
  ]);
  for (const n of [a, b, c]) stops.push(await n.node.startWorker());
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

const uri = (n: TestNode, username: string) => memberUri(n.url, username);
const statusOn = (n: TestNode, follower: string, followee: string) =>
  followStatus(n.node, follower, followee);

test("a member follows a member of another node, which accepts; then unfollows", async () => {
  const ann = await createMember(a, { username: "ann", password: "password123" });
  await createMember(b, { username: "bob", password: "password123" });
  const { actor, result } = await followRemote(a.node, ann, `@bob@${b.domain}`);
  assert.equal(actor.uri, uri(b, "bob"));
  assert.ok(result.ok);
  await waitFor(
    "bob's node records the follow",
    async () => (await statusOn(b, uri(a, "ann"), actor.uri)) === "accepted",
  );
  await waitFor(
    "ann's node hears the Accept",
    async () => (await statusOn(a, uri(a, "ann"), actor.uri)) === "accepted",
  );
  assert.ok(await unfollow(a.node.db.db, a.url, ann, actor.uri));
  await waitFor(
    "bob's node hears the Undo",
    async () => (await statusOn(b, uri(a, "ann"), actor.uri)) === null,
  );
});

test("a locked member's requests wait; one is accepted, another rejected", async () => {
  const cat = await createMember(c, { username: "cat", password: "password123" });
  await setManuallyApproves(c.node.db.db, cat.id, true);
  const amy = await createMember(a, { username: "amy", password: "password123" });
  const ben = await createMember(b, { username: "ben", password: "password123" });
  const fromA = await followRemote(a.node, amy, `${c.url}/users/cat`);
  assert.equal(fromA.actor.manually_approves, 1);
  const fromB = await followRemote(b.node, ben, `cat@${c.domain}`);
  const requests = async () =>
    c.node.db.db
      .selectFrom("follows")
      .select(["id", "follower_uri"])
      .where("followee_account_id", "=", cat.id)
      .where("status", "=", "pending")
      .execute();
  await waitFor("both requests reach cat", async () => (await requests()).length === 2);
  const rows = await requests();
  const amyRequest = rows.find((r) => r.follower_uri === uri(a, "amy"));
  const benRequest = rows.find((r) => r.follower_uri === uri(b, "ben"));
  assert.ok(amyRequest && benRequest);
  assert.equal(await statusOn(a, uri(a, "amy"), fromA.actor.uri), "pending");

  assert.ok(await acceptFollowRequest(c.node.db.db, cat.id, amyRequest.id, systemClock));
  assert.ok(await rejectFollowRequest(c.node.db.db, cat.id, benRequest.id));
  await waitFor(
    "amy's node hears the Accept",
    async () => (await statusOn(a, uri(a, "amy"), fromA.actor.uri)) === "accepted",
  );
  await waitFor(
    "ben's node hears the Reject",
    async () => (await statusOn(b, uri(b, "ben"), fromB.actor.uri)) === null,
  );
  // Someone else's request cannot be answered.
  assert.equal(await acceptFollowRequest(c.node.db.db, amy.id, benRequest.id, systemClock), false);
});

test("profile updates reach followers as Update(Person); deletion as Delete(Person)", async () => {
  const dan = await createMember(b, { username: "dan", password: "password123" });
  const ari = await createMember(a, { username: "ari", password: "password123" });
  const cal = await createMember(c, { username: "cal", password: "password123" });
  await followRemote(a.node, ari, `dan@${b.domain}`);
  await followRemote(c.node, cal, `dan@${b.domain}`);
  for (const n of [a, c])
    await waitFor(
      "the follow is accepted",
      async () =>
        (await statusOn(n, uri(n, n === a ? "ari" : "cal"), uri(b, "dan"))) === "accepted",
    );

  // The accounts area's own profile update records accounts.account.updated with the change.
  await updateProfile(
    b.node.db.db,
    dan.id,
    { displayName: "Dan the Baker", bio: "Bread daily.", language: "en", fields: [] },
    {},
  );
  for (const n of [a, c])
    await waitFor(
      "the new name arrives",
      async () =>
        (await findRemoteActor(n.node.db.db, { uri: uri(b, "dan") }))?.name === "Dan the Baker",
    );

  // And its account deletion (with this area's contributor) records accounts.account.deleted.
  const deleted = await deleteAccount(b.node.db.db, dan.id, {
    contributors: [accountsContributor, federationContributor],
    dataDir: b.node.config.dataDir,
  });
  assert.ok(deleted.ok);
  // Served documents are cached until the relay handles the event (it clears the cache).
  await waitFor(
    "the actor answers 410",
    async () =>
      (await fetch(uri(b, "dan"), { headers: { accept: "application/activity+json" } })).status ===
      410,
  );
  for (const n of [a, c]) {
    await waitFor(
      "the deletion arrives",
      async () => (await findRemoteActor(n.node.db.db, { uri: uri(b, "dan") }))?.gone === 1,
    );
    assert.equal(await statusOn(n, uri(n, n === a ? "ari" : "cal"), uri(b, "dan")), null);
  }
  // Once the Delete is queued, the deleted member's follows are removed on their node too.
  await waitFor("dan's follows are removed", async () => {
    const rows = await b.node.db.db
      .selectFrom("follows")
      .select("id")
      .where("followee_account_id", "=", dan.id)
      .execute();
    return rows.length === 0;
  });
});

test("members follow the co-op's Organization actor", async () => {
  const eli = await createMember(a, { username: "eli", password: "password123" });
  const { actor } = await followRemote(a.node, eli, `coop@${c.domain}`);
  assert.equal(actor.type, "Organization");
  await waitFor(
    "the co-op accepts",
    async () => (await statusOn(a, uri(a, "eli"), uri(c, "coop"))) === "accepted",
  );
  const followers = (await (
    await fetch(`${c.url}/users/coop/followers`, {
      headers: { accept: "application/activity+json" },
    })
  ).json()) as { totalItems: number };
  assert.equal(followers.totalItems, 1);
});

/** Like GoToSocial: actor documents only for GETs signed by a key that verifies. */
test("looking up an actor on a server that refuses unsigned GETs signs the request", async () => {
  const signedBy: string[] = [];
  const loader = getDocumentLoader({ allowPrivateAddress: true });
  const strict = createServer(async (req: IncomingMessage, res) => {
    const origin = `http://${req.headers.host}`;
    const request = new Request(`${origin}${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
    });
    const key = await verifyRequest(request, { documentLoader: loader, contextLoader: loader });
    if (!key) return res.writeHead(401).end("signature required");
    signedBy.push(key.id?.href ?? "");
    res.writeHead(200, { "content-type": "application/activity+json" });
    res.end(
      JSON.stringify({
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${origin}/users/gts`,
        type: "Person",
        preferredUsername: "gts",
        inbox: `${origin}/users/gts/inbox`,
      }),
    );
  });
  await new Promise<void>((r) => strict.listen(0, "127.0.1.4", () => r()));
  try {
    const url = `http://127.0.1.4:${(strict.address() as AddressInfo).port}/users/gts`;
    assert.equal((await fetch(url)).status, 401);
    const found = await a.node.federation.lookup(url);
    assert.equal(found?.uri, url);
    assert.ok(signedBy.includes(`${a.url}/actor#main-key`), signedBy.join());
  } finally {
    strict.closeAllConnections();
    strict.close();
  }
});

test("a cached remote actor is fetched again once it is stale", async () => {
  const fay = await createMember(c, { username: "fay", password: "password123" });
  const first = await a.node.federation.lookup(`fay@${c.domain}`);
  assert.equal(first?.name, "fay");
  // Renamed without an Update reaching us (say, it was lost): a fresh copy is still used…
  await c.node.db.db
    .updateTable("accounts")
    .set({ display_name: "Fay Renamed" })
    .where("id", "=", fay.id)
    .execute();
  c.node.federation.deps.invalidate();
  assert.equal((await a.node.federation.lookup(`fay@${c.domain}`))?.name, "fay");
  // …until it is older than a day.
  await a.node.db.db
    .updateTable("remote_actors")
    .set({ fetched_at: new Date(Date.now() - 2 * 86_400_000).toISOString() })
    .where("uri", "=", uri(c, "fay"))
    .execute();
  assert.equal((await a.node.federation.lookup(`fay@${c.domain}`))?.name, "Fay Renamed");
});
