/**
 * Hostile streaming clients (issue 14, item 1): a 20 MB WebSocket frame closes
 * that socket and nothing else; long messages are refused before they are parsed;
 * subscriptions per connection, connections per token and per address, and
 * messages per minute are capped; a revoked token ends an SSE stream as it ends
 * a WebSocket; a node with SSE clients connected still closes promptly.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { hashToken } from "../src/accounts/tokens.ts";
import {
  MAX_CONNECTIONS_PER_ADDRESS,
  MAX_CONNECTIONS_PER_TOKEN,
  MAX_MESSAGE_BYTES,
  MAX_MESSAGES_PER_MINUTE,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
} from "../src/api/streaming/streams.ts";
import { memberClient, until } from "./api-helpers.ts";
import { type EventStreamClient, openEventStream } from "./support/event-stream.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { openStreamSocket, type StreamSocket } from "./support/stream-socket.ts";

let node: TestNode;
let ada: Awaited<ReturnType<typeof memberClient>>;
const open: { ws: StreamSocket[]; sse: EventStreamClient[] } = { ws: [], sse: [] };

before(async () => {
  node = await startTestNode({ host: "127.0.59.1" });
  ada = await memberClient(node, "ada");
});
after(async () => {
  closeAll();
  await node.close();
});

function closeAll() {
  for (const s of open.ws.splice(0)) s.ws.close();
  for (const s of open.sse.splice(0)) s.close();
}

const wsUrl = (query = "") => `${node.url.replace(/^http/, "ws")}/api/v1/streaming${query}`;
const sseUrl = (path: string) => `${node.url}/api/v1/streaming${path}`;

function socket(query = "", protocols?: string[]): StreamSocket {
  const s = openStreamSocket(wsUrl(query), protocols);
  open.ws.push(s);
  return s;
}

async function events(path: string, token?: string): Promise<EventStreamClient> {
  const client = await openEventStream(sseUrl(path), token);
  if (client.status === 200) open.sse.push(client);
  return client;
}

/** Each test starts with no stream open (the caps count what is open). */
async function noStreams() {
  closeAll();
  await until(async () => node.node.streaming.size === 0, "every stream to close");
}

it("a 20 MB frame closes that socket (1009), and the node and other streams carry on", async () => {
  await noStreams();
  const bystander = socket("?stream=public");
  const attacker = socket();
  assert.ok(await attacker.opened);
  assert.ok(await bystander.opened);
  attacker.ws.send(`[${"{},".repeat(6.7e6)}{}]`);
  assert.equal(await attacker.closed, 1009);
  const res = await fetch(`${node.url}/api/v1/instance`);
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  const post = await ada.client.v1.statuses.create({ status: "still here" });
  await until(
    async () =>
      bystander.messages.some((m) => m.event === "update" && m.payload?.includes(post.id)),
    "the bystander's update",
  );
});

it("a message over the limit is refused before it is parsed; one under it is answered", async () => {
  await noStreams();
  const ok = socket();
  assert.ok(await ok.opened);
  const near = JSON.stringify({ type: "subscribe", stream: "x".repeat(MAX_MESSAGE_BYTES - 100) });
  ok.ws.send(near);
  await until(async () => ok.messages.length > 0, "an answer");
  assert.equal(ok.messages[0]?.error, "Invalid message");
  const long = socket();
  assert.ok(await long.opened);
  long.ws.send(`{"type":"subscribe","stream":"${"x".repeat(MAX_MESSAGE_BYTES)}"}`);
  assert.equal(await long.closed, 1009);
  assert.deepEqual(long.messages, []);
});

it("subscriptions per connection are capped", async () => {
  await noStreams();
  const s = socket("?stream=public");
  assert.ok(await s.opened);
  for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CONNECTION + 2; i++)
    s.subscribe("hashtag", { tag: `t${i}` });
  await until(async () => s.messages.length >= 3, "the refusals");
  assert.deepEqual(
    s.messages.map((m) => [m.error, m.status]),
    Array(3).fill(["Too many subscriptions on this connection", 429]),
  );
  assert.equal(node.node.streaming.subscriptionCount, MAX_SUBSCRIPTIONS_PER_CONNECTION);
  // Subscribing again to one it holds changes nothing and is not refused.
  s.subscribe("public");
  s.subscribe("hashtag", { tag: "#T1" });
  s.ws.send("{not json");
  await until(async () => s.messages.length >= 4, "the JSON error");
  assert.equal(s.messages[3]?.error, "Invalid JSON");
});

it("connections per token are capped across WebSocket and SSE, and free up when one closes", async () => {
  await noStreams();
  const half = MAX_CONNECTIONS_PER_TOKEN / 2;
  for (let i = 0; i < half; i++) assert.ok(await socket("?stream=user", [ada.token]).opened);
  for (let i = 0; i < half; i++) assert.equal((await events("/user", ada.token)).status, 200);
  assert.equal(await socket("?stream=user", [ada.token]).opened, false);
  const refused = await events("/user", ada.token);
  assert.equal(refused.status, 429);
  assert.equal(refused.error, "Too many streaming connections");
  // Visitors are not held to it.
  assert.ok(await socket("?stream=public").opened);
  open.sse[0]?.close();
  await until(
    async () => node.node.streaming.size === MAX_CONNECTIONS_PER_TOKEN,
    "the closed stream to be forgotten",
  );
  assert.equal((await events("/user", ada.token)).status, 200);
});

it("connections per address are capped", async () => {
  await noStreams();
  for (let i = 0; i < MAX_CONNECTIONS_PER_ADDRESS; i++) {
    if (i % 2) assert.equal((await events("/public")).status, 200);
    else assert.ok(await socket("?stream=public").opened);
  }
  assert.equal(await socket("?stream=public").opened, false);
  assert.equal((await events("/public/local")).status, 429);
});

it("a client sending too many messages is disconnected (1008)", async () => {
  await noStreams();
  const s = socket();
  assert.ok(await s.opened);
  for (let i = 0; i <= MAX_MESSAGES_PER_MINUTE; i++)
    s.ws.send(JSON.stringify({ type: "unsubscribe", stream: "public" }));
  assert.equal(await s.closed, 1008);
});

it("a WebSocket upgrade to any other path is answered 404, not left open", async () => {
  const elsewhere = openStreamSocket(`${node.url.replace(/^http/, "ws")}/api/v1/timelines/public`);
  assert.equal(await elsewhere.opened, false);
});

it("a revoked token ends its SSE stream, as it ends a WebSocket", async () => {
  await noStreams();
  const { token } = await memberClient(node, "cy");
  const stream = await events("/user", token);
  assert.equal(stream.status, 200);
  await node.node.db.db
    .updateTable("oauth_tokens")
    .set({ revoked_at: new Date().toISOString() })
    .where("token_hash", "=", hashToken(token))
    .execute();
  const timeout = new Promise<string>((resolve) =>
    setTimeout(() => resolve("still open"), 10_000).unref(),
  );
  assert.equal(await Promise.race([stream.ended.then(() => "ended"), timeout]), "ended");
});

it("a node with SSE clients connected closes promptly", async () => {
  const other = await startTestNode({ host: "127.0.59.2" });
  const client = await openEventStream(`${other.url}/api/v1/streaming/public`);
  assert.equal(client.status, 200);
  const closing = other.close().then(() => "closed");
  const timeout = new Promise((resolve) => setTimeout(() => resolve("still open"), 5000).unref());
  assert.equal(await Promise.race([closing, timeout]), "closed");
  await client.ended;
});
