import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { actorUri, unfollow } from "../src/federation/follows.ts";
import { followRemote, followStatus, waitFor } from "../src/federation/testing.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
const stops: (() => Promise<void>)[] = [];

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.1.1" }),
    startTestNode({ host: "127.0.1.2" }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

test("a member follows a member of another node, which accepts; then unfollows", async () => {
  const ann = await createMember(a, { username: "ann", password: "password123" });
  await createMember(b, { username: "bob", password: "password123" });
  const { actor, result } = await followRemote(a.node, ann, `@bob@${b.domain}`);
  assert.equal(actor.uri, `${b.url}/users/bob`);
  assert.ok(result.ok);
  const annUri = actorUri(a.url, "ann");
  await waitFor("bob's node records the follow", () =>
    followStatus(b.node, annUri, actor.uri).then((s) => s === "accepted"),
  );
  await waitFor("ann's node hears the Accept", () =>
    followStatus(a.node, annUri, actor.uri).then((s) => s === "accepted"),
  );
  assert.ok(await unfollow(a.node.db.db, a.url, ann, actor.uri));
  a.node.federation.nudge();
  await waitFor("bob's node hears the Undo", () =>
    followStatus(b.node, annUri, actor.uri).then((s) => s === null),
  );
});
