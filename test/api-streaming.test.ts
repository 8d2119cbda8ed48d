/**
 * The WebSocket stream's edges with a plain WebSocket: a bad token is refused,
 * an unknown stream is answered with an error, the user stream needs a token,
 * a public post arrives on `public`, and a node closes promptly while apps are
 * still connected.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { hashToken } from "../src/accounts/tokens.ts";
import { memberClient, until } from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: Awaited<ReturnType<typeof memberClient>>;
before(async () => {
  node = await startTestNode({ host: "127.0.35.1" });
  ada = await memberClient(node, "ada");
});
after(() => node.close());

function open(url: string, protocols?: string[]) {
  const ws = new WebSocket(url, protocols);
  const messages: { stream?: string[]; event?: string; payload?: string; error?: string }[] = [];
  ws.addEventListener("message", (e) => messages.push(JSON.parse(String(e.data))));
  const opened = new Promise<boolean>((resolve) => {
    ws.addEventListener("open", () => resolve(true));
    ws.addEventListener("error", () => resolve(false));
  });
  return { ws, messages, opened };
}

const wsUrl = (path: string) => `${node.url.replace(/^http/, "ws")}${path}`;

it("refuses a bad token and answers unknown streams and token-less user streams with an error", async () => {
  assert.equal(await open(wsUrl("/api/v1/streaming?stream=user"), ["not-a-token"]).opened, false);
  const anon = open(wsUrl("/api/v1/streaming"));
  assert.ok(await anon.opened);
  anon.ws.send(JSON.stringify({ type: "subscribe", stream: "nonsense" }));
  anon.ws.send(JSON.stringify({ type: "subscribe", stream: "user" }));
  anon.ws.send("{not json");
  await until(async () => anon.messages.length >= 3, "three error answers");
  assert.deepEqual(
    anon.messages.map((m) => m.error),
    ["Unknown stream type", "Missing access token", "Invalid JSON"],
  );
  anon.ws.close();
});

it("sends public posts to `public` (query parameter and access_token), and unsubscribes", async () => {
  const client = open(wsUrl(`/api/v1/streaming?stream=public&access_token=${ada.token}`));
  assert.ok(await client.opened);
  const post = await ada.client.v1.statuses.create({ status: "to everyone" });
  const got = await until(
    async () => client.messages.find((m) => m.event === "update"),
    "an update",
  );
  assert.deepEqual(got.stream, ["public"]);
  assert.equal((JSON.parse(got.payload ?? "{}") as { id: string }).id, post.id);
  client.ws.send(JSON.stringify({ type: "unsubscribe", stream: "public" }));
  client.ws.close();
});

it("a node with connected apps closes promptly", async () => {
  const other = await startTestNode({ host: "127.0.35.2" });
  const { token } = await memberClient(other, "bo");
  const client = open(`${other.url.replace(/^http/, "ws")}/api/v1/streaming?stream=user`, [token]);
  assert.ok(await client.opened);
  const closing = other.close().then(() => "closed");
  const timeout = new Promise((resolve) => setTimeout(() => resolve("still open"), 5000).unref());
  assert.equal(await Promise.race([closing, timeout]), "closed");
});

it("a stream whose token is revoked is closed (1008)", async () => {
  const { token } = await memberClient(node, "cy");
  const client = open(wsUrl(`/api/v1/streaming?stream=public&access_token=${token}`));
  assert.ok(await client.opened);
  const closed = new Promise<number>((resolve) =>
    client.ws.addEventListener("close", (e) => resolve(e.code)),
  );
  const revoked = await node.node.db.db
    .updateTable("oauth_tokens")
    .set({ revoked_at: new Date().toISOString() })
    .where("token_hash", "=", hashToken(token))
    .executeTakeFirst();
  assert.equal(Number(revoked.numUpdatedRows), 1);
  const timeout = new Promise<string>((resolve) =>
    setTimeout(() => resolve("still open"), 10_000).unref(),
  );
  assert.equal(await Promise.race([closed, timeout]), 1008);
});
