/**
 * The streaming routing table without a database: which subscriptions an event
 * belongs on (visibility is checked after, with canSee; see
 * test/api-streaming-visibility.test.ts), and how stream requests are parsed.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { type PostEvent, type PostFacts, subscriptionsFor } from "./audience.ts";
import {
  parseStreamRequest,
  type StreamConnection,
  type StreamRequest,
  type Subscription,
  subscriptionKey,
} from "./streams.ts";

const ANN = "https://node.example/users/ann";

function connection(requests: StreamRequest[], accountId = "bob-id"): StreamConnection {
  const subscriptions = new Map<string, Subscription>();
  for (const r of requests) {
    const parsed = parseStreamRequest(r);
    assert.ok(parsed.ok, r.stream);
    subscriptions.set(subscriptionKey(parsed.value), parsed.value);
  }
  return {
    token: {
      tokenId: "t",
      appId: "a",
      scopes: new Set(["read"]),
      account: { id: accountId, username: "bob" },
    },
    address: "127.0.0.1",
    subscriptions,
    transport: { send: () => undefined, end: () => undefined },
  };
}

const every: StreamRequest[] = [
  { stream: "user" },
  { stream: "user:notification" },
  { stream: "public" },
  { stream: "public:local" },
  { stream: "public:remote" },
  { stream: "hashtag", tag: "Coop" },
  { stream: "hashtag:local", tag: "#coop" },
  { stream: "list", list: "L1" },
];

const post = (over: Partial<PostFacts> = {}): PostFacts => ({
  id: "p1",
  local: true,
  visibility: "public",
  authorUri: ANN,
  deleted: false,
  reblog: null,
  tags: ["coop"],
  broadcastable: true,
  audienceUri: null,
  ...over,
});

const names = (ev: PostEvent, lists = new Map([["L1", new Set([ANN])]])) =>
  subscriptionsFor(connection(every), ev, lists).map((s) => s.stream.join("/"));

it("a new public local post goes on every public and matching hashtag stream, not on user ones", () => {
  assert.deepEqual(
    names({ event: "update", post: post(), toPublic: true, inHomeOf: new Set(), toGroup: false }),
    ["public", "public:local", "hashtag/Coop", "hashtag:local/#coop"],
  );
});

it("a home entry goes on user and on the lists holding its author, never on user:notification", () => {
  const ev: PostEvent = {
    event: "update",
    post: post(),
    toPublic: false,
    inHomeOf: new Set(["bob-id"]),
    toGroup: false,
  };
  assert.deepEqual(names(ev), ["user", "list/L1"]);
  assert.deepEqual(names(ev, new Map()), ["user"]);
});

it("what is not public, is a boost, or is by a silenced author stays off public streams", () => {
  for (const p of [
    post({ visibility: "unlisted" }),
    post({ visibility: "direct" }),
    post({ reblog: { id: "p0", visibility: "public", authorUri: ANN } }),
    post({ broadcastable: false }),
  ])
    assert.deepEqual(
      names({
        event: "status.update",
        post: p,
        toPublic: true,
        inHomeOf: new Set(),
        toGroup: false,
      }),
      [],
    );
});

it("a remote post goes on public:remote; a deletion on hashtag streams though its tags are gone", () => {
  const remote = post({ local: false, tags: [] });
  assert.deepEqual(
    names({ event: "update", post: remote, toPublic: true, inHomeOf: new Set(), toGroup: false }),
    ["public", "public:remote"],
  );
  assert.deepEqual(
    names({ event: "delete", post: remote, toPublic: true, inHomeOf: new Set(), toGroup: false }),
    ["public", "public:remote", "hashtag/Coop"],
  );
});

it("a group's post stays off public streams, goes on hashtag streams and on that group's list only", () => {
  const GROUP = "https://node.example/groups/garden";
  const conn = connection([...every, { stream: "list", list: "group:garden" }]);
  const groupList = [...conn.subscriptions.values()].find((s) => s.param === "group:garden");
  assert.ok(groupList);
  groupList.audience = GROUP;
  const on = (ev: PostEvent) =>
    subscriptionsFor(conn, ev, new Map([["L1", new Set([ANN])]])).map((s) => s.stream.join("/"));
  const inGroup = post({ audienceUri: GROUP });
  // Read from the public posts: hashtags only (public timelines leave group posts out).
  assert.deepEqual(
    on({ event: "update", post: inGroup, toPublic: true, inHomeOf: new Set(), toGroup: false }),
    ["hashtag/Coop", "hashtag:local/#coop"],
  );
  // Read from the group's posts: its list alone.
  assert.deepEqual(
    on({ event: "update", post: inGroup, toPublic: false, inHomeOf: new Set(), toGroup: true }),
    ["list/group:garden"],
  );
  // Another group's post, or one outside groups, never reaches this group's list.
  for (const p of [post({ audienceUri: `${GROUP}2` }), post()])
    assert.ok(
      !on({
        event: "update",
        post: p,
        toPublic: false,
        inHomeOf: new Set(),
        toGroup: true,
      }).includes("list/group:garden"),
    );
});

it("parses stream requests: names, tags, lists and their limits", () => {
  assert.deepEqual(parseStreamRequest({ stream: "nonsense" }), {
    ok: false,
    reason: "unknown-stream",
  });
  assert.deepEqual(parseStreamRequest({ stream: "hashtag" }), { ok: false, reason: "missing-tag" });
  assert.deepEqual(parseStreamRequest({ stream: "hashtag", tag: "x".repeat(101) }), {
    ok: false,
    reason: "missing-tag",
  });
  assert.deepEqual(parseStreamRequest({ stream: "list", list: " " }), {
    ok: false,
    reason: "missing-list",
  });
  const tag = parseStreamRequest({ stream: "hashtag:local", tag: "#Coop" });
  assert.ok(tag.ok);
  assert.equal(subscriptionKey(tag.value), "hashtag:local#coop");
  assert.deepEqual(tag.value.stream, ["hashtag:local", "#Coop"]);
});
