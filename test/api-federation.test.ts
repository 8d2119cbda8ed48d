/**
 * Two real nodes (127.0.32.x) driven through masto: find and follow a member of
 * the other node, receive their posts over the streaming API, vote on their
 * poll, and see the vote counted over there. Notifications on the user stream.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { createStreamingAPIClient, type mastodon } from "masto";
import { memberClient, until } from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
const stops: (() => Promise<void>)[] = [];
let ann: Awaited<ReturnType<typeof memberClient>>;
let bob: Awaited<ReturnType<typeof memberClient>>;
let cat: Awaited<ReturnType<typeof memberClient>>;
const streams: mastodon.streaming.Client[] = [];

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.32.1" }),
    startTestNode({ host: "127.0.32.2" }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  ann = await memberClient(a, "ann");
  cat = await memberClient(a, "cat", ann.app);
  bob = await memberClient(b, "bob");
});
after(async () => {
  for (const s of streams) s.close();
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

/** Collects a stream's events in the background. */
function collect(
  node: TestNode,
  token: string,
  open: (s: mastodon.streaming.Client) => mastodon.streaming.Subscription,
) {
  const client = createStreamingAPIClient({
    streamingApiUrl: node.url.replace(/^http/, "ws"),
    accessToken: token,
    retry: false,
  });
  streams.push(client);
  const events: mastodon.streaming.Event[] = [];
  const subscription = open(client);
  (async () => {
    for await (const event of subscription) events.push(event);
  })().catch(() => undefined);
  return events;
}

it("follows across nodes, streams the other node's post, votes on its poll", async () => {
  const annEvents = collect(a, ann.token, (s) => s.user.subscribe());
  const localEvents = collect(a, ann.token, (s) => s.public.local.subscribe());
  const tagEvents = collect(a, ann.token, (s) => s.hashtag.subscribe({ tag: "coop" }));

  const found = await ann.client.v2.search.list({
    q: `@bob@${b.domain}`,
    resolve: true,
    type: "accounts",
  });
  const remoteBob = found.accounts[0];
  assert.ok(remoteBob);
  assert.equal(remoteBob.acct, `bob@${b.domain}`);
  await ann.client.v1.accounts.$select(remoteBob.id).follow();
  await until(
    async () =>
      (await ann.client.v1.accounts.relationships.fetch({ id: [remoteBob.id] }))[0]?.following,
    "the remote follow to be accepted",
  );
  const bobNotes = await until(async () => {
    const list = await bob.client.v1.notifications.list({ types: ["follow"] });
    return list.length > 0 && list;
  }, "bob's follow notification");
  assert.equal(bobNotes[0]?.account.acct, `ann@${a.domain}`);

  const poll = await bob.client.v1.statuses.create({
    status: "Where shall we meet?",
    poll: { options: ["hall", "park"], expiresIn: 3600 },
  });
  const streamed = await until(
    async () =>
      annEvents.find(
        (e) =>
          e.event === "update" &&
          (e.payload as mastodon.v1.Status).content.includes("Where shall we meet"),
      ),
    "bob's post on ann's user stream",
  );
  const remote = streamed.payload as mastodon.v1.Status;
  assert.equal(remote.account.acct, `bob@${b.domain}`);
  assert.ok(remote.poll);
  const home = await ann.client.v1.timelines.home.list();
  assert.ok(home.some((s) => s.id === remote.id));

  const voted = await ann.client.v1.polls.$select(remote.poll.id).votes.create({ choices: [1] });
  assert.deepEqual(voted.ownVotes, [1]);
  await until(
    async () =>
      (await bob.client.v1.polls.$select(poll.poll?.id ?? "").fetch()).options[1]?.votesCount === 1,
    "the vote counted on bob's node",
  );

  // A local post with a hashtag reaches the public:local and hashtag streams; a favourite notifies ann.
  const own = await ann.client.v1.statuses.create({ status: "Meeting at the #coop" });
  await until(
    async () =>
      localEvents.some(
        (e) => e.event === "update" && (e.payload as mastodon.v1.Status).id === own.id,
      ),
    "public:local update",
  );
  await until(
    async () =>
      tagEvents.some(
        (e) => e.event === "update" && (e.payload as mastodon.v1.Status).id === own.id,
      ),
    "hashtag update",
  );
  await cat.client.v1.statuses.$select(own.id).favourite();
  const note = await until(
    async () => annEvents.find((e) => e.event === "notification"),
    "a notification on ann's stream",
  );
  const payload = note.payload as mastodon.v1.Notification;
  assert.equal(payload.type, "favourite");
  assert.equal(payload.account?.username, "cat");
  assert.equal(payload.status?.id, own.id);

  // Edits and deletions of this node's posts reach the streams too.
  await ann.client.v1.statuses.$select(own.id).update({ status: "Meeting at the #coop, 7pm" });
  await until(
    async () =>
      localEvents.some(
        (e) =>
          e.event === "status.update" && (e.payload as mastodon.v1.Status).content.includes("7pm"),
      ),
    "status.update on public:local",
  );
  await ann.client.v1.statuses.$select(own.id).remove();
  await until(
    async () => localEvents.some((e) => e.event === "delete" && e.payload === own.id),
    "delete on public:local",
  );
  const health = await fetch(`${a.url}/api/v1/streaming/health`);
  assert.equal(await health.text(), "OK");

  // A post this node never received is fetched by its address (search with resolve=true).
  const dan = await memberClient(b, "dan", bob.app);
  const lonely = await dan.client.v1.statuses.create({ status: "Nobody over there follows me" });
  const byUrl = await ann.client.v2.search.list({ q: lonely.uri, resolve: true, type: "statuses" });
  assert.equal(byUrl.statuses.length, 1);
  assert.match(byUrl.statuses[0]?.content ?? "", /Nobody over there/);
  assert.equal(byUrl.statuses[0]?.account.acct, `dan@${b.domain}`);
  const unresolved = await cat.client.v2.search.list({
    q: `${b.url}/posts/nothing-here`,
    resolve: true,
    type: "statuses",
  });
  assert.equal(unresolved.statuses.length, 0);
});
