/**
 * Every stream event passes the same visibility check as a page (issue 14, item 3):
 * posts, edits and deletions of direct and followers-only posts reach only those
 * who may see them, over the WebSocket and over SSE; blocks hide an author's
 * events; and the token's scopes decide what a stream carries (read:statuses for
 * statuses, read:notifications for notifications).
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { createOAuthAPIClient } from "masto";
import { authorize, memberClient, pkce, REDIRECT, registerApp, until } from "./api-helpers.ts";
import { type EventStreamClient, openEventStream } from "./support/event-stream.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { eventKeys, openStreamSocket, type StreamSocket } from "./support/stream-socket.ts";

let node: TestNode;
type Member = Awaited<ReturnType<typeof memberClient>>;
let ann: Member;
let bob: Member;
let cat: Member;
let dan: Member;
let eve: Member;
let fay: Member;
const sockets: StreamSocket[] = [];
const sse: EventStreamClient[] = [];

before(async () => {
  node = await startTestNode({ host: "127.0.58.1" });
  ann = await memberClient(node, "ann");
  bob = await memberClient(node, "bob", ann.app);
  cat = await memberClient(node, "cat", ann.app);
  dan = await memberClient(node, "dan", ann.app);
  eve = await memberClient(node, "eve", ann.app);
  fay = await memberClient(node, "fay", ann.app);
  const annId = (await ann.client.v1.accounts.verifyCredentials()).id;
  await cat.client.v1.accounts.$select(annId).follow();
  await eve.client.v1.accounts.$select(annId).block();
  await fay.client.v1.accounts.$select(annId).mute();
});
after(async () => {
  for (const s of sockets) s.ws.close();
  for (const s of sse) s.close();
  await node.close();
});

const wsUrl = (query: string, token?: string) =>
  `${node.url.replace(/^http/, "ws")}/api/v1/streaming?${query}${token ? `&access_token=${token}` : ""}`;

function socket(query: string, token?: string): StreamSocket {
  const s = openStreamSocket(wsUrl(query, token));
  sockets.push(s);
  return s;
}

async function events(path: string, token?: string): Promise<EventStreamClient> {
  const client = await openEventStream(`${node.url}/api/v1/streaming${path}`, token);
  assert.equal(client.status, 200, client.error ?? "");
  sse.push(client);
  return client;
}

const sseKeys = (client: EventStreamClient) =>
  eventKeys(client.events.map((e) => ({ event: e.event, payload: e.data })));

/** A token of `member`'s with only these scopes. */
async function scopedToken(username: string, scope: string): Promise<string> {
  const app = await registerApp(node);
  const { verifier, challenge } = pkce();
  const code = await authorize(node, { username, password: "correct horse battery" }, app, {
    scope,
    challenge,
  });
  const token = await createOAuthAPIClient({ url: node.url }).token.create({
    grantType: "authorization_code",
    clientId: app.clientId ?? "",
    clientSecret: app.clientSecret ?? "",
    redirectUri: REDIRECT,
    code,
    codeVerifier: verifier,
  } as Parameters<ReturnType<typeof createOAuthAPIClient>["token"]["create"]>[0]);
  return token.accessToken;
}

it("direct and followers-only posts, their edits and deletions reach only who may see them", async () => {
  const anonWs = socket("stream=public");
  const anonSse = await events("/public");
  const bobWs = socket("stream=user", bob.token);
  const catSse = await events("/user", cat.token);
  const danWs = socket("stream=public", dan.token);
  danWs.subscribe("user");
  const eveWs = socket("stream=public", eve.token);
  eveWs.subscribe("user");
  const fayWs = socket("stream=public", fay.token);
  assert.deepEqual(await Promise.all(sockets.map((s) => s.opened)), Array(5).fill(true));
  await until(async () => node.node.streaming.subscriptionCount >= 8, "the subscriptions").catch(
    (e) => {
      throw new Error(
        `${e.message}: ${node.node.streaming.subscriptionCount} on ${node.node.streaming.size}; ${JSON.stringify(sockets.map((s) => s.messages))}`,
      );
    },
  );

  const direct = await ann.client.v1.statuses.create({
    status: "@bob secret",
    visibility: "direct",
  });
  const followers = await ann.client.v1.statuses.create({
    status: "for followers",
    visibility: "private",
  });
  await until(async () => eventKeys(bobWs.messages).includes(`update:${direct.id}`), "bob's DM");
  await until(async () => sseKeys(catSse).includes(`update:${followers.id}`), "cat's post");
  await ann.client.v1.statuses.$select(direct.id).update({ status: "@bob secret, edited" });
  await ann.client.v1.statuses.$select(followers.id).update({ status: "for followers, edited" });
  await until(
    async () => eventKeys(bobWs.messages).includes(`status.update:${direct.id}`),
    "bob's edit",
  );
  await until(async () => sseKeys(catSse).includes(`status.update:${followers.id}`), "cat's edit");
  await ann.client.v1.statuses.$select(direct.id).remove();
  await ann.client.v1.statuses.$select(followers.id).remove();
  await until(
    async () => eventKeys(bobWs.messages).includes(`delete:${direct.id}`),
    "bob's delete",
  );
  await until(async () => sseKeys(catSse).includes(`delete:${followers.id}`), "cat's delete");

  // Public posts mark the end: what was wrongly sent has arrived before them.
  const marker = await ann.client.v1.statuses.create({ status: "public" });
  await until(
    async () =>
      [anonWs, danWs].every((s) => eventKeys(s.messages).includes(`update:${marker.id}`)) &&
      sseKeys(anonSse).includes(`update:${marker.id}`),
    "the public post",
  );
  const danPost = await dan.client.v1.statuses.create({ status: "dan, public" });
  await until(
    async () =>
      eventKeys(eveWs.messages).includes(`update:${danPost.id}`) &&
      eventKeys(fayWs.messages).includes(`update:${danPost.id}`) &&
      eventKeys(danWs.messages).filter((k) => k === `update:${danPost.id}`).length === 2,
    "dan's public post on eve's stream, and on dan's public and user streams",
  );

  const m = `update:${marker.id}`;
  const d = `update:${danPost.id}`;
  assert.deepEqual(eventKeys(anonWs.messages).sort(), [d, m].sort(), "a visitor over WebSocket");
  assert.deepEqual(sseKeys(anonSse).sort(), [d, m].sort(), "a visitor over SSE");
  assert.deepEqual(eventKeys(danWs.messages).sort(), [d, d, m].sort(), "a stranger");
  assert.deepEqual(
    eventKeys(bobWs.messages).sort(),
    [
      `update:${direct.id}`,
      `notification:${direct.id}`,
      `status.update:${direct.id}`,
      `delete:${direct.id}`,
    ].sort(),
    "the one mentioned",
  );
  assert.deepEqual(
    sseKeys(catSse).filter((k) => k !== m),
    [`update:${followers.id}`, `status.update:${followers.id}`, `delete:${followers.id}`],
    "the follower",
  );
  // eve blocked ann and fay muted her: nothing of ann's, on any stream.
  assert.deepEqual(eventKeys(eveWs.messages), [d], "the member who blocked the author");
  assert.deepEqual(eventKeys(fayWs.messages), [d], "the member who muted the author");
});

it("a token's scopes decide what its stream carries", async () => {
  const statusesOnly = await scopedToken("bob", "read:statuses");
  const notificationsOnly = await scopedToken("bob", "read:notifications");

  // read:statuses: the user stream, without notifications; not user:notification.
  const home = socket("stream=user", statusesOnly);
  home.subscribe("user:notification");
  // read:notifications: user:notification only.
  const notes = socket("stream=user:notification", notificationsOnly);
  notes.subscribe("user");
  const notesSse = await events("/user/notification", notificationsOnly);
  assert.equal(
    (await openEventStream(`${node.url}/api/v1/streaming/user`, notificationsOnly)).status,
    403,
  );
  assert.equal(
    (await openEventStream(`${node.url}/api/v1/streaming/user/notification`, statusesOnly)).status,
    403,
  );
  const scopeError = "Access token does not have the required scopes";
  await until(
    async () =>
      home.messages.some((x) => x.error === scopeError) &&
      notes.messages.some((x) => x.error === scopeError),
    "both refusals",
  );

  // cat follows ann; bob does not — ann mentions bob in a public post.
  const post = await ann.client.v1.statuses.create({ status: "hello @bob" });
  await until(
    async () =>
      eventKeys(notes.messages).includes(`notification:${post.id}`) &&
      sseKeys(notesSse).includes(`notification:${post.id}`) &&
      eventKeys(home.messages).includes(`update:${post.id}`),
    "the mention",
  );
  const end = await bob.client.v1.statuses.create({ status: "bob's own" });
  await until(async () => eventKeys(home.messages).includes(`update:${end.id}`), "bob's post");
  assert.deepEqual(eventKeys(home.messages), [`update:${post.id}`, `update:${end.id}`]);
  assert.deepEqual(
    home.messages.filter((x) => x.error).map((x) => x.error),
    [scopeError],
  );
  for (const x of notes.messages.filter((x) => x.event)) {
    assert.equal(x.event, "notification");
    assert.deepEqual(x.stream, ["user:notification"]);
  }
});
