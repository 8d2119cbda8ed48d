/**
 * The inbox helper (src/inbox-helper.ts): while the main thread is saturated, a
 * helper thread with its own database connection takes over the inbox queue; the
 * main thread's inbox consumers pause, and resume once the helper has left. The
 * thresholds are set so the first handled activity starts the helper (a real
 * node waits for a saturated second) and a short idle makes it leave.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { signRequest } from "@fedify/fedify";
import { followStatus, waitFor } from "../src/federation/testing.ts";
import { inboxHelper } from "../src/inbox-helper.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let remote: Server;
let remoteUrl: string;
let stopWorker: (() => Promise<void>) | undefined;
const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const helperEvents: string[] = [];

before(async () => {
  remote = createServer((req, res) => {
    if (req.url !== "/users/eve") return res.writeHead(req.method === "POST" ? 202 : 404).end();
    res.writeHead(200, { "content-type": "application/activity+json" });
    res.end(
      JSON.stringify({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        id: `${remoteUrl}/users/eve`,
        type: "Person",
        preferredUsername: "eve",
        inbox: `${remoteUrl}/users/eve/inbox`,
        publicKey: {
          id: `${remoteUrl}/users/eve#main-key`,
          owner: `${remoteUrl}/users/eve`,
          publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }),
        },
      }),
    );
  });
  await new Promise<void>((r) => remote.listen(0, "127.0.41.9", () => r()));
  remoteUrl = `http://127.0.41.9:${(remote.address() as AddressInfo).port}`;
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
  remote?.closeAllConnections();
  remote?.close();
});

async function post(activity: object) {
  const key = await crypto.subtle.importKey(
    "pkcs8",
    keys.privateKey.export({ type: "pkcs8", format: "der" }),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    true,
    ["sign"],
  );
  const request = await signRequest(
    new Request(`${node.url}/inbox`, {
      method: "POST",
      headers: { "content-type": "application/activity+json" },
      body: JSON.stringify(activity),
    }),
    key,
    new URL(`${remoteUrl}/users/eve#main-key`),
    { spec: "draft-cavage-http-signatures-12" },
  );
  const response = await fetch(request);
  assert.equal(response.status, 202);
}

const follow = (n: number) => ({
  "@context": "https://www.w3.org/ns/activitystreams",
  id: `${remoteUrl}/follows/${n}`,
  type: "Follow",
  actor: `${remoteUrl}/users/eve`,
  object: `${node.url}/users/ada`,
});

test("a helper thread takes the inbox while it runs, then the main thread again", async () => {
  const eve = `${remoteUrl}/users/eve`;
  const ada = `${node.url}/users/ada`;
  const runtime = await node.node.federation.load();

  // Handled here; having taken an activity, the main thread calls the helper in.
  await post(follow(1));
  await waitFor("the first follow", async () => (await followStatus(node.node, eve, ada)) !== null);
  await waitFor("the helper to start", () => helperEvents.includes("started"));

  // While the helper runs, this thread takes nothing: the helper handles the Undo.
  const takenHere = runtime.inboxTaken();
  await post({
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${remoteUrl}/undo/1`,
    type: "Undo",
    actor: eve,
    object: follow(1),
  });
  await waitFor("the undo", async () => (await followStatus(node.node, eve, ada)) === null);
  assert.equal(runtime.inboxTaken(), takenHere);

  // With nothing left to take, the helper leaves and this thread consumes again.
  await waitFor("the helper to leave", () => helperEvents.includes("stopped"));
  await post(follow(2));
  await waitFor(
    "the second follow",
    async () => (await followStatus(node.node, eve, ada)) !== null,
  );
  assert.ok(runtime.inboxTaken() > takenHere);
});
