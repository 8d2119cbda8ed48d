/**
 * Every stream name, alone and multiplexed, over both transports: masto (a real
 * client) with all eight subscriptions on one WebSocket, and a plain
 * EventSource-style client with one server-sent-events request per stream. Each
 * subscription gets exactly its own events — updates, notifications, edits and
 * deletions — tagged with its own stream name (issue 15, items 10 and 11).
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { createStreamingAPIClient, type mastodon } from "masto";
import { systemClock } from "../src/kernel/clock.ts";
import { newId } from "../src/kernel/ids.ts";
import {
  type RemotePostInput,
  storeRemotePost,
  updateRemotePost,
} from "../src/social/remote-posts.ts";
import { memberClient, until } from "./api-helpers.ts";
import { type EventStreamClient, openEventStream } from "./support/event-stream.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ann: Awaited<ReturnType<typeof memberClient>>;
let bob: Awaited<ReturnType<typeof memberClient>>;
let listId = "";
const closers: (() => void)[] = [];

before(async () => {
  node = await startTestNode({ host: "127.0.57.1" });
  ann = await memberClient(node, "ann");
  bob = await memberClient(node, "bob", ann.app);
  const annAccount = await ann.client.v1.accounts.verifyCredentials();
  await bob.client.v1.accounts.$select(annAccount.id).follow();
  const list = await bob.client.v1.lists.create({ title: "co-op" });
  listId = list.id;
  await bob.client.v1.lists.$select(list.id).accounts.create({ accountIds: [annAccount.id] });
});
after(async () => {
  for (const close of closers) close();
  await node.close();
});

/** The streams under test, with the stream array each one's events must carry. */
const streams = () =>
  [
    { name: "user", sse: "/user", tag: ["user"] },
    { name: "user:notification", sse: "/user/notification", tag: ["user:notification"] },
    { name: "public", sse: "/public", tag: ["public"] },
    { name: "public:local", sse: "/public/local", tag: ["public:local"] },
    { name: "public:remote", sse: "/public/remote", tag: ["public:remote"] },
    { name: "hashtag", sse: "/hashtag?tag=Coop", tag: ["hashtag", "Coop"] },
    { name: "hashtag:local", sse: "/hashtag/local?tag=Coop", tag: ["hashtag:local", "Coop"] },
    { name: "list", sse: `/list?list=${listId}`, tag: ["list", listId] },
  ] as const;

/** A public post by a remote actor, stored as the inbox would store it; `edit` updates it. */
async function remotePost(
  text: string,
): Promise<{ id: string; edit(text: string): Promise<void> }> {
  const db = node.node.db.db;
  const host = "127.0.57.9:1";
  const uri = `http://${host}/users/rem`;
  const now = new Date().toISOString();
  const remoteId = newId();
  await db
    .insertInto("remote_actors")
    .values({
      id: remoteId,
      uri,
      handle: `rem@${host}`,
      type: "Person",
      username: "rem",
      host,
      url: null,
      avatar_url: null,
      inbox_url: `${uri}/inbox`,
      shared_inbox_url: null,
      followers_url: null,
      following_url: null,
      fetched_at: now,
      created_at: now,
    })
    .execute();
  const { config } = node.node;
  const s = { db, origin: config.origin, domain: config.domain, clock: systemClock };
  const input: RemotePostInput = {
    uri: `${uri}/notes/1`,
    url: null,
    authorUri: uri,
    authorRemoteId: remoteId,
    visibility: "public",
    inReplyToUri: null,
    contentHtml: `<p>${text}</p>`,
    spoiler: "",
    sensitive: false,
    language: null,
    createdAt: now,
    editedAt: null,
    mentions: [],
    tags: ["coop"],
    media: [],
    poll: null,
  };
  const stored = await storeRemotePost(s, input);
  return {
    id: stored.id,
    edit: async (text) => {
      const edited = {
        ...input,
        contentHtml: `<p>${text}</p>`,
        editedAt: new Date().toISOString(),
      };
      assert.ok(await updateRemotePost(s, edited));
    },
  };
}

/** `event:id` of each event (the id of the status, or of the notification's status). */
function key(event: string, payload: unknown): string {
  if (event === "delete") return `delete:${String(payload)}`;
  const p = payload as { id: string; status?: { id: string } };
  return event === "notification" ? `notification:${p.status?.id}` : `${event}:${p.id}`;
}

it("each stream, over masto's multiplexed WebSocket and over SSE, gets exactly its own events", async () => {
  // masto: all eight subscriptions on one WebSocket.
  const masto = createStreamingAPIClient({
    streamingApiUrl: node.url.replace(/^http/, "ws"),
    accessToken: bob.token,
    retry: false,
  });
  closers.push(() => masto.close());
  const subscriptions: Record<string, mastodon.streaming.Subscription> = {
    user: masto.user.subscribe(),
    "user:notification": masto.user.notification.subscribe(),
    public: masto.public.subscribe(),
    "public:local": masto.public.local.subscribe(),
    "public:remote": masto.public.remote.subscribe(),
    hashtag: masto.hashtag.subscribe({ tag: "Coop" }),
    "hashtag:local": masto.hashtag.local.subscribe({ tag: "Coop" }),
    list: masto.list.subscribe({ list: listId }),
  };
  const overWs = new Map<string, { keys: string[]; tags: string[][] }>();
  for (const [name, subscription] of Object.entries(subscriptions)) {
    const got = { keys: [] as string[], tags: [] as string[][] };
    overWs.set(name, got);
    (async () => {
      for await (const e of subscription) {
        got.keys.push(key(e.event, e.payload));
        got.tags.push(e.stream);
      }
    })().catch(() => undefined);
  }
  // SSE: one request per stream.
  const overSse = new Map<string, EventStreamClient>();
  for (const s of streams()) {
    const client = await openEventStream(`${node.url}/api/v1/streaming${s.sse}`, bob.token);
    assert.equal(client.status, 200, `${s.sse}: ${client.error}`);
    assert.match(client.contentType ?? "", /^text\/event-stream/);
    closers.push(client.close);
    overSse.set(s.name, client);
  }
  // Every subscription is in place before anything happens (masto sends them as it connects).
  await until(async () => node.node.streaming.subscriptionCount >= 8 + 8, "the subscriptions");

  const sseKeys = (name: string) =>
    (overSse.get(name)?.events ?? []).map((ev) =>
      key(ev.event, ev.event === "delete" ? ev.data : JSON.parse(ev.data)),
    );
  const expected: Record<string, string[]> = {};
  /** Expects `k` on these streams, and waits until each transport has it there. */
  const arrives = async (k: string, names: string[]) => {
    for (const name of names) expected[name] = [...(expected[name] ?? []), k];
    const missing = () =>
      names.flatMap((name) => [
        ...(overWs.get(name)?.keys.includes(k) ? [] : [`ws ${name}`]),
        ...(sseKeys(name).includes(k) ? [] : [`sse ${name}`]),
      ]);
    await until(async () => missing().length === 0, k).catch((e) => {
      throw new Error(`${e.message}; missing on: ${missing().join(", ")}`);
    });
  };

  // The hub reads what is new a few times a second: each step is awaited before the next,
  // or a post made and deleted within one read is (rightly) never announced.
  const remote = await remotePost("from afar #coop");
  await arrives(`update:${remote.id}`, ["public", "public:remote", "hashtag"]);
  // An edit of a remote post (an Update from its server) is pushed as well.
  await remote.edit("from afar, edited #coop");
  await arrives(`status.update:${remote.id}`, ["public", "public:remote", "hashtag"]);
  const post = await ann.client.v1.statuses.create({ status: "hello @bob #coop" });
  const local = ["public", "public:local", "hashtag", "hashtag:local", "user", "list"];
  await arrives(`update:${post.id}`, local);
  await arrives(`notification:${post.id}`, ["user", "user:notification"]);
  await ann.client.v1.statuses.$select(post.id).update({ status: "hello again @bob #coop" });
  await arrives(`status.update:${post.id}`, local);
  await ann.client.v1.statuses.$select(post.id).remove();
  await arrives(`delete:${post.id}`, local);
  // A last public post marks the end: whatever was wrongly sent has arrived by then.
  const end = await ann.client.v1.statuses.create({ status: "the end" });
  await until(
    async () =>
      overWs.get("public")?.keys.includes(`update:${end.id}`) &&
      sseKeys("public").includes(`update:${end.id}`),
    "the last post",
  );
  const endKey = `update:${end.id}`;
  for (const s of streams()) {
    const want = [...(expected[s.name] ?? [])].sort();
    const ws = overWs.get(s.name);
    assert.deepEqual(ws?.keys.filter((k) => k !== endKey).sort(), want, `${s.name} over WebSocket`);
    for (const tag of ws?.tags ?? []) assert.deepEqual(tag, [...s.tag], `${s.name}'s stream tag`);
    assert.deepEqual(
      sseKeys(s.name)
        .filter((k) => k !== endKey)
        .sort(),
      want,
      `${s.name} over SSE`,
    );
  }
  masto.close();
  for (const client of overSse.values()) client.close();
});

it("each stream alone, one masto client per stream, gets its own events", async () => {
  const opened: Record<string, (c: mastodon.streaming.Client) => mastodon.streaming.Subscription> =
    {
      user: (c) => c.user.subscribe(),
      "user:notification": (c) => c.user.notification.subscribe(),
      public: (c) => c.public.subscribe(),
      "public:local": (c) => c.public.local.subscribe(),
      "public:remote": (c) => c.public.remote.subscribe(),
      hashtag: (c) => c.hashtag.subscribe({ tag: "Coop" }),
      "hashtag:local": (c) => c.hashtag.local.subscribe({ tag: "Coop" }),
      list: (c) => c.list.subscribe({ list: listId }),
    };
  const got = new Map<string, string[]>();
  await until(async () => node.node.streaming.size === 0, "the first test's streams to close");
  const clients: mastodon.streaming.Client[] = [];
  for (const [name, subscribe] of Object.entries(opened)) {
    const client = createStreamingAPIClient({
      streamingApiUrl: node.url.replace(/^http/, "ws"),
      accessToken: bob.token,
      retry: false,
    });
    clients.push(client);
    const keys: string[] = [];
    got.set(name, keys);
    (async () => {
      for await (const e of subscribe(client)) {
        assert.equal(e.stream[0], name);
        keys.push(key(e.event, e.payload));
      }
    })().catch(() => undefined);
  }
  await until(async () => node.node.streaming.subscriptionCount >= 8, "the eight subscriptions");
  const post = await ann.client.v1.statuses.create({ status: "alone @bob #coop" });
  const u = `update:${post.id}`;
  const n = `notification:${post.id}`;
  const expected: Record<string, string[]> = {
    user: [n, u],
    "user:notification": [n],
    public: [u],
    "public:local": [u],
    "public:remote": [],
    hashtag: [u],
    "hashtag:local": [u],
    list: [u],
  };
  await until(
    async () =>
      Object.entries(expected).every(([name, want]) =>
        want.every((k) => got.get(name)?.includes(k)),
      ),
    "each stream's events",
  );
  const end = await ann.client.v1.statuses.create({ status: "alone, the end" });
  await until(async () => got.get("public")?.includes(`update:${end.id}`), "the last post");
  for (const [name, want] of Object.entries(expected))
    assert.deepEqual(
      got
        .get(name)
        ?.filter((k) => k !== `update:${end.id}`)
        .sort(),
      want,
      name,
    );
  for (const client of clients) client.close();
});

it("SSE: refuses what the WebSocket refuses, with Mastodon's statuses", async () => {
  const url = (path: string) => `${node.url}/api/v1/streaming${path}`;
  assert.equal((await openEventStream(url("/user"))).status, 401);
  assert.equal((await openEventStream(url("/public"), "not-a-token")).status, 401);
  assert.equal((await openEventStream(url("/hashtag"))).status, 400);
  assert.equal((await openEventStream(url("/list?list=nope"), bob.token)).status, 404);
  // Only its owner may stream a list.
  assert.equal((await openEventStream(url(`/list?list=${listId}`), ann.token)).status, 404);
  const health = await fetch(url("/health"));
  assert.equal(await health.text(), "OK");
  // The token may also come as a query parameter; an anonymous public stream needs none.
  const byQuery = await openEventStream(url(`/user?access_token=${bob.token}`));
  assert.equal(byQuery.status, 200);
  byQuery.close();
  const anonymous = await openEventStream(url("/public/local"));
  assert.equal(anonymous.status, 200);
  await until(async () => anonymous.comments.includes(")"), "the opening comment");
  anonymous.close();
});
