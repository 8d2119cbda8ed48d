/**
 * What other servers send, good and bad: a signed Follow is accepted once even
 * when delivered twice; malformed JSON is 400, a missing or wrong signature 401,
 * an oversized body 413 (nothing stored in each case); an unknown activity type
 * is skipped with a log line; and with private addresses not allowed, no fetch
 * reaches a loopback address.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { Like } from "@fedify/vocab";
import { configure, type LogRecord } from "@logtape/logtape";
import { z } from "zod";
import { defineEvents } from "../src/db/outbox.ts";
import { areaExtension } from "../src/federation/extensions.ts";
import { FederationGateway } from "../src/federation/index.ts";
import { followStatus, waitFor } from "../src/federation/testing.ts";
import { newId } from "../src/kernel/ids.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

const logs: LogRecord[] = [];
let node: TestNode;
let stopWorker: () => Promise<void>;
/** A fake remote server on 127.0.2.9: one actor ("eve") with an RSA key, and inboxes that record. */
let remote: RemoteActor;
let remoteUrl: string;
const impostor = generateKeyPairSync("rsa", { modulusLength: 2048 });

const signedRequest = (path: string, activity: object, key?: KeyObject) =>
  remote.signed(`${node.url}${path}`, activity, key);
const signedPost = async (path: string, activity: object, key?: KeyObject) =>
  fetch(await signedRequest(path, activity, key));
const delivered = () => remote.delivered;

const countRows = async (table: "follows" | "queue_messages") =>
  Number(
    (
      await node.node.db.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

before(async () => {
  await configure({
    reset: true,
    sinks: { memory: (record) => logs.push(record) },
    loggers: [
      { category: ["synco"], sinks: ["memory"], lowestLevel: "info" },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "error" },
    ],
  });
  remote = await startRemoteActor("127.0.2.9", "eve");
  remoteUrl = remote.url;
  node = await startTestNode({ host: "127.0.2.1" });
  await createMember(node, { username: "ada", password: "password123" });
  stopWorker = await node.node.startWorker();
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  remote?.close();
});

const follow = (n: number) => ({
  "@context": "https://www.w3.org/ns/activitystreams",
  id: `${remoteUrl}/follows/${n}`,
  type: "Follow",
  actor: `${remoteUrl}/users/eve`,
  object: `${node.url}/users/ada`,
});

test("malformed JSON is refused with 400 and nothing is stored", async () => {
  const res = await fetch(`${node.url}/users/ada/inbox`, {
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: '{"type": "Follow", "actor": ',
  });
  assert.equal(res.status, 400);
  assert.equal(await countRows("queue_messages"), 0);
  assert.equal(await countRows("follows"), 0);
});

test("an unsigned activity, or one signed by another key, is refused with 401", async () => {
  const unsigned = await fetch(`${node.url}/users/ada/inbox`, {
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: JSON.stringify(follow(1)),
  });
  assert.equal(unsigned.status, 401);
  const forged = await signedPost("/users/ada/inbox", follow(2), impostor.privateKey);
  assert.equal(forged.status, 401);
  assert.equal(await countRows("follows"), 0);
});

test("an oversized body is refused with 413, with or without Content-Length", async () => {
  const big = JSON.stringify({ ...follow(3), padding: "x".repeat(1_100_000) });
  const sized = await fetch(`${node.url}/inbox`, {
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: big,
  });
  assert.equal(sized.status, 413);
  const chunks = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 12; i++)
        controller.enqueue(new TextEncoder().encode(big.slice(0, 100_000)));
      controller.close();
    },
  });
  const streamed = await fetch(`${node.url}/inbox`, {
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: chunks,
    duplex: "half",
  } as RequestInit);
  assert.equal(streamed.status, 413);
  assert.equal(await countRows("follows"), 0);
});

test("a signed Follow delivered twice makes one follow and one Accept", async () => {
  const first = await signedPost("/users/ada/inbox", follow(4));
  assert.equal(first.status, 202);
  const again = await signedPost("/inbox", follow(4));
  assert.equal(again.status, 202);
  const ada = memberUri(node.url, "ada");
  await waitFor(
    "the follow is stored",
    async () => (await followStatus(node.node, `${remoteUrl}/users/eve`, ada)) === "accepted",
  );
  await waitFor("the Accept arrives", () => delivered().some((d) => d.body.type === "Accept"));
  await waitFor("the queue is drained", async () => (await countRows("queue_messages")) === 0);
  const accepts = delivered().filter((d) => d.body.type === "Accept");
  assert.equal(accepts.length, 1);
  assert.equal(
    (accepts[0]?.body.object as { id?: string } | undefined)?.id,
    `${remoteUrl}/follows/4`,
  );
  assert.equal(await countRows("follows"), 1);
});

test("an activity of an unknown type is skipped with a log line", async () => {
  const res = await signedPost("/inbox", {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${remoteUrl}/frobs/1`,
    type: "Like",
    actor: `${remoteUrl}/users/eve`,
    object: `${node.url}/users/ada`,
  });
  assert.equal(res.status, 202);
  await waitFor("a log line says why it was skipped", () =>
    logs.some(
      (r) =>
        r.rawMessage.toString().startsWith("Skipping") &&
        r.properties.id === `${remoteUrl}/frobs/1`,
    ),
  );
  assert.equal(await countRows("follows"), 1);
});

test("with private addresses not allowed, a loopback actor is never fetched", async () => {
  let requests = 0;
  const target = createServer((_req, res) => {
    requests++;
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => target.listen(0, "127.0.2.8", () => r()));
  const host = `127.0.2.8:${(target.address() as AddressInfo).port}`;
  const strict = await startTestNode({
    host: "127.0.2.2",
    env: { SYNCO_ALLOW_PRIVATE_ADDRESS: "0" },
  });
  try {
    assert.equal(await strict.node.federation.lookup(`http://${host}/users/eve`), null);
    assert.equal(await strict.node.federation.lookup(`eve@${host}`), null);
    assert.equal(requests, 0);
  } finally {
    await strict.close();
    target.close();
  }
});

test("an area's extension gets its outbox events and the activities the core leaves", async () => {
  // This node's own worker stops, so the extended federation below processes the queue.
  await stopWorker();
  const seen: string[] = [];
  const gateway = new FederationGateway(
    { config: node.node.config, db: node.node.db, coop: node.node.coop },
    {
      extensions: async () => [
        areaExtension({
          area: "test",
          events: defineEvents("test", { "test.ping.sent": z.object({ n: z.number() }) }),
          eventHandlers: {
            "test.ping.sent": async (_ctx, _deps, _event, payload) => {
              seen.push(`event ${payload.n}`);
            },
          },
          inbox: [
            {
              types: [Like],
              handle: async (_ctx, activity) => {
                seen.push(`inbox ${activity.id?.href}`);
              },
            },
          ],
        }),
      ],
    },
  );
  const runtime = await gateway.load();
  // Not one of the node's own event types, so written as a row (recordEvent would refuse it).
  await node.node.db.db
    .insertInto("outbox_events")
    .values({
      id: newId(),
      type: "test.ping.sent",
      payload: JSON.stringify({ n: 1 }),
      created_at: new Date().toISOString(),
    })
    .execute();
  assert.equal(await runtime.relay.relayPending(), 1);
  assert.deepEqual(seen, ["event 1"]);

  const controller = new AbortController();
  const queues = runtime.startQueue(controller.signal);
  const like = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${remoteUrl}/likes/2`,
    type: "Like",
    actor: `${remoteUrl}/users/eve`,
    object: `${node.url}/users/ada`,
  };
  const res = await runtime.federation.fetch(await signedRequest("/inbox", like), {
    contextData: undefined,
  });
  assert.equal(res.status, 202);
  await waitFor("the extension handles the Like", () => seen.includes(`inbox ${like.id}`));
  controller.abort();
  await queues;
});
