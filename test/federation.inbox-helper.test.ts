/**
 * The inbox helper (src/inbox-helper.ts): while the main thread is saturated, a
 * helper thread with its own database connection takes over the inbox queue; the
 * main thread's inbox consumers pause, and resume once the helper has left. The
 * thresholds are set so the first handled activity starts the helper (a real
 * node waits for a saturated second) and a short idle makes it leave.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { followStatus, waitFor } from "../src/federation/testing.ts";
import { inboxHelper } from "../src/inbox-helper.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let node: TestNode;
let eve: RemoteActor;
let stopWorker: (() => Promise<void>) | undefined;
const helperEvents: string[] = [];

before(async () => {
  eve = await startRemoteActor("127.0.41.9", "eve");
  node = await startTestNode({ host: "127.0.41.1" });
  await createMember(node, { username: "ada", password: "password123" });
  stopWorker = await node.node.startWorker({
    inboxHelper: inboxHelper(node.node.config, {
      saturated: 0,
      minTaken: 1,
      checkMs: 50,
      idleExitMs: 500,
      onHelper: (event) => helperEvents.push(event),
    }),
  });
});

after(async () => {
  await stopWorker?.();
  await node?.close();
  eve?.close();
});

async function post(activity: object) {
  const response = await fetch(await eve.signed(`${node.url}/inbox`, activity));
  assert.equal(response.status, 202);
}

const follow = (n: number) => ({
  "@context": "https://www.w3.org/ns/activitystreams",
  id: `${eve.url}/follows/${n}`,
  type: "Follow",
  actor: eve.id,
  object: `${node.url}/users/ada`,
});

test("a helper thread takes the inbox while it runs, then the main thread again", async () => {
  const ada = `${node.url}/users/ada`;
  const runtime = await node.node.federation.load();

  // Handled here; having taken an activity, the main thread calls the helper in.
  await post(follow(1));
  await waitFor(
    "the first follow",
    async () => (await followStatus(node.node, eve.id, ada)) !== null,
  );
  await waitFor("the helper to start", () => helperEvents.includes("started"));

  // While the helper runs, this thread takes nothing: the helper handles the Undo.
  const takenHere = runtime.inboxTaken();
  await post({
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${eve.url}/undo/1`,
    type: "Undo",
    actor: eve.id,
    object: follow(1),
  });
  await waitFor("the undo", async () => (await followStatus(node.node, eve.id, ada)) === null);
  assert.equal(runtime.inboxTaken(), takenHere);

  // With nothing left to take, the helper leaves and this thread consumes again.
  await waitFor("the helper to leave", () => helperEvents.includes("stopped"));
  await post(follow(2));
  await waitFor(
    "the second follow",
    async () => (await followStatus(node.node, eve.id, ada)) !== null,
  );
  assert.ok(runtime.inboxTaken() > takenHere);
});
