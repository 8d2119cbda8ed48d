/**
 * The network pages, through HTTP with real sessions: search for a member of
 * another node, follow them, see them in Following; on a locked account, answer
 * the request from the requests page; unfollow.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { followStatus, waitFor } from "../src/federation/testing.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
let ann: SignedIn;
let bob: SignedIn;
const stops: (() => Promise<void>)[] = [];

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.3.1" }),
    startTestNode({ host: "127.0.3.2" }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  await createMember(a, { username: "ann", password: "password123" });
  await createMember(b, { username: "bob", password: "password123" });
  ann = await signIn(a, "ann", "password123");
  bob = await signIn(b, "bob", "password123");
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

test("the network pages need a signed-in member", async () => {
  const res = await fetch(`${a.url}/network`, { redirect: "manual" });
  assert.equal(res.status, 303);
  assert.match(res.headers.get("location") ?? "", /^\/login/);
});

test("find a member of another node, follow them, unfollow them", async () => {
  // A lookup whose fetches fail (a loaded machine: CI's failed once) says "Nobody was
  // found"; the member searches again, as a person would.
  const page = await waitFor("the search finds bob", async () => {
    const search = await ann.get(`/network?q=${encodeURIComponent(`@bob@${b.domain}`)}`);
    assert.equal(search.status, 200);
    const text = await search.text();
    return text.includes('action="/network/follow"') ? text : null;
  });
  assert.match(page, new RegExp(`@bob@${b.domain.replace(/\./g, "\\.")}`));
  assert.match(page, /action="\/network\/follow"/);

  const followed = await ann.post("/network/follow", { uri: memberUri(b.url, "bob") });
  assert.equal(followed.status, 303);
  await waitFor(
    "bob's node accepts",
    async () =>
      (await followStatus(a.node, memberUri(a.url, "ann"), memberUri(b.url, "bob"))) === "accepted",
  );
  const following = await (await ann.get("/network/following")).text();
  assert.match(following, /action="\/network\/unfollow"/);
  assert.match(following, new RegExp(`bob@${b.domain.replace(/\./g, "\\.")}`));
  const followers = await (await bob.get("/network/followers")).text();
  assert.match(followers, new RegExp(`ann@${a.domain.replace(/\./g, "\\.")}`));

  const unfollowed = await ann.post("/network/unfollow", { uri: memberUri(b.url, "bob") });
  assert.equal(unfollowed.status, 303);
  await waitFor(
    "bob's node hears the Undo",
    async () =>
      (await followStatus(b.node, memberUri(a.url, "ann"), memberUri(b.url, "bob"))) === null,
  );
});

test("a locked member accepts a request from the requests page", async () => {
  const policy = await bob.post("/network/policy", { manual: "on" });
  assert.equal(policy.status, 303);
  await ann.post("/network/follow", { uri: memberUri(b.url, "bob") }).then(async (r) => {
    // The cached actor may predate the lock: the request still waits on bob's side.
    assert.equal(r.status, 303);
  });
  let requests = "";
  await waitFor("the request is listed", async () => {
    requests = await (await bob.get("/network/requests")).text();
    return requests.includes(`ann@${a.domain}`);
  });
  const id = /action="\/network\/requests\/([^/]+)\/accept"/.exec(requests)?.[1];
  assert.ok(id);
  const accepted = await bob.post(`/network/requests/${id}/accept`, {});
  assert.equal(accepted.status, 303);
  await waitFor(
    "ann's node hears the Accept",
    async () =>
      (await followStatus(a.node, memberUri(a.url, "ann"), memberUri(b.url, "bob"))) === "accepted",
  );
  // Nobody else can answer it again.
  assert.equal((await bob.post(`/network/requests/${id}/reject`, {})).status, 404);
});

test("a search that finds nothing, or is not a handle, says so", async () => {
  const none = await (
    await ann.get(`/network?q=${encodeURIComponent(`nobody@${b.domain}`)}`)
  ).text();
  assert.match(none, /Nobody was found/);
  const bad = await (await ann.get(`/network?q=${encodeURIComponent("two words")}`)).text();
  assert.match(bad, /Type a handle/);
});
