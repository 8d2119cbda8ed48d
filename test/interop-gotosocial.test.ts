/**
 * Live interop with a real GoToSocial (v0.19), both ways, through each side's
 * Mastodon client API (masto): lookup, follow and accept, posts, replies and
 * mentions, likes, boosts and their undoing, poll votes, a second edit, delete,
 * profile update, block and unblock, and a Synco group followed from GoToSocial.
 *
 * GoToSocial WebFingers only over https and calls a loopback node's http origin
 * for the rest, so the node's port answers both (test/support/node.ts `tls`);
 * GoToSocial serves https itself. Both use one self-signed certificate for
 * 127.0.51.5 (Synco) and 127.0.51.6 (GoToSocial), which this process trusts.
 * Without a GoToSocial binary (SYNCO_GOTOSOCIAL_BIN or ~/.cache/synco/gotosocial;
 * README "Interop with GoToSocial") every check is skipped, loudly.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { createRestAPIClient, type mastodon } from "masto";
import { createGroup } from "../src/groups/groups.ts";
import { writeInGroup } from "../src/groups/threads.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { textPost } from "../src/social/posts.ts";
import { memberClient } from "./api-helpers.ts";
import {
  type GoToSocial,
  gotosocialBinary,
  selfSignedCertificate,
  startGoToSocial,
} from "./support/gotosocial.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

const SYNCO_HOST = "127.0.51.5";
const GTS_HOST = "127.0.51.6";
const binary = gotosocialBinary();
const skip = existsSync(binary)
  ? false
  : `no GoToSocial binary at ${binary} (set SYNCO_GOTOSOCIAL_BIN; README "Interop with GoToSocial")`;
if (skip) {
  const line = "!".repeat(78);
  console.warn(`\n${line}\n!! SKIPPING the live GoToSocial interop checks: ${skip}\n${line}\n`);
}

type Client = mastodon.rest.Client;
type Status = mastodon.v1.Status;
let synco: TestNode;
let gts: GoToSocial;
let stopWorker: (() => Promise<void>) | undefined;
/** sam on Synco, gina on GoToSocial, each through their own server's API. */
let sam: Client;
let gina: Client;
let samId: string;
/** Each as the other's server knows them. */
let ginaOnSynco: mastodon.v1.Account;
let samOnGts: mastodon.v1.Account;
/** One post each, as it reached the other side. */
let ginaPost: Status;
let ginaPostOnSynco: Status;
let samPost: Status;
let samPostOnGts: Status;

/** GoToSocial's latest distinct warnings and errors: what it refused, and why. */
const gtsComplaints = () => {
  const lines = (gts?.logTail(2000) ?? "")
    .split("\n")
    .filter((l) => /level=(WARN|ERROR)/.test(l) && !/migration|insecure|avatars|themes/.test(l))
    .map((l) =>
      l
        .replace(/^timestamp="[^"]*" /, "")
        .replace(/requestID=\S+ /, "")
        .slice(0, 400),
    );
  return [...new Set(lines)].slice(-8).join("\n");
};

/** Polls `check` until it gives a value; a thrown error (a 404 while waiting) counts as not yet. */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      assert.fail(
        `timed out waiting for ${what}${last ? ` (last error: ${last})` : ""}\n` +
          `GoToSocial's last warnings:\n${gtsComplaints()}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

const onTimeline = async (client: Client, uri: string) =>
  (await client.v1.timelines.home.list({ limit: 40 })).find(
    (s) => s.uri === uri || s.reblog?.uri === uri,
  );
const notified = async (client: Client, type: string, statusUri?: string) =>
  (await client.v1.notifications.list({ limit: 40 })).find(
    (n) => n.type === type && (!statusUri || n.status?.uri === statusUri),
  );
const relationship = async (client: Client, id: string) =>
  (await client.v1.accounts.relationships.fetch({ id: [id] }))[0];
const found = async (client: Client, q: string) =>
  (await client.v2.search.list({ q, resolve: true, type: "accounts" })).accounts[0];
const gone = (client: Client, id: string) =>
  client.v1.statuses
    .$select(id)
    .fetch()
    .then(
      () => false,
      (error: { statusCode?: number; status?: number }) =>
        (error.statusCode ?? error.status) === 404,
    );

before(async () => {
  if (skip) return;
  const dir = mkdtempSync(join(tmpdir(), "synco-gts-"));
  const certificate = await selfSignedCertificate(dir, [SYNCO_HOST, GTS_HOST]);
  // This process (Synco and the clients) trusts the test certificate; GoToSocial skips checks.
  setDefaultCACertificates([...getCACertificates("default"), certificate.cert]);
  [synco, gts] = await Promise.all([
    startTestNode({
      host: SYNCO_HOST,
      tls: certificate,
      env: { SYNCO_LOG_LEVEL: process.env.INTEROP_LOG ?? "error" },
    }),
    startGoToSocial({ binary, dir, host: GTS_HOST, ...certificate }),
  ]);
  stopWorker = await synco.node.startWorker();
  const [member, token] = await Promise.all([memberClient(synco, "sam"), gts.account("gina")]);
  sam = member.client;
  samId = member.id;
  gina = createRestAPIClient({ url: gts.url, accessToken: token });
});
after(async () => {
  await stopWorker?.();
  await Promise.all([synco?.close(), gts?.close()]);
});

test("each finds the other's member by handle", { skip }, async () => {
  ginaOnSynco = await until("Synco finds gina", () => found(sam, `@gina@${gts.domain}`));
  assert.equal(ginaOnSynco.acct, `gina@${gts.domain}`);
  samOnGts = await until("GoToSocial finds sam", () => found(gina, `@sam@${synco.domain}`));
  assert.equal(samOnGts.acct, `sam@${synco.domain}`);
});

test("follows are accepted both ways", { skip }, async () => {
  await sam.v1.accounts.$select(ginaOnSynco.id).follow();
  // GoToSocial's accounts approve followers by hand unless unlocked: gina does, and
  // GoToSocial sends the Accept.
  const request = await until("gina sees sam's follow request", async () =>
    (await gina.v1.followRequests.list()).find((a) => a.acct === `sam@${synco.domain}`),
  );
  await gina.v1.followRequests.$select(request.id).authorize();
  await until("gina accepts sam", async () => (await relationship(sam, ginaOnSynco.id))?.following);
  await gina.v1.accounts.$select(samOnGts.id).follow();
  await until("sam accepts gina", async () => (await relationship(gina, samOnGts.id))?.following);
});

test("posts reach the followers' home timelines", { skip }, async () => {
  ginaPost = await gina.v1.statuses.create({
    status: "Hello from GoToSocial",
    visibility: "public",
  });
  ginaPostOnSynco = await until("gina's post on sam's home", () => onTimeline(sam, ginaPost.uri));
  assert.match(ginaPostOnSynco.content, /Hello from GoToSocial/);
  samPost = await sam.v1.statuses.create({ status: "Hello from Synco", visibility: "public" });
  samPostOnGts = await until("sam's post on gina's home", () => onTimeline(gina, samPost.uri));
  assert.match(samPostOnGts.content, /Hello from Synco/);
});

test("replies with mentions notify the other side", { skip }, async () => {
  const reply = await sam.v1.statuses.create({
    status: `@gina@${gts.domain} hello back`,
    inReplyToId: ginaPostOnSynco.id,
    visibility: "public",
  });
  const mention = await until("gina is told of sam's reply", () =>
    notified(gina, "mention", reply.uri),
  );
  assert.equal(mention.status?.inReplyToId, ginaPost.id);
  const back = await gina.v1.statuses.create({
    status: `@sam@${synco.domain} and to you`,
    inReplyToId: samPostOnGts.id,
    visibility: "public",
  });
  const mentioned = await until("sam is told of gina's reply", () =>
    notified(sam, "mention", back.uri),
  );
  assert.equal(mentioned.status?.inReplyToId, samPost.id);
});

test("likes notify the author", { skip }, async () => {
  await sam.v1.statuses.$select(ginaPostOnSynco.id).favourite();
  await until("gina is told of sam's like", () => notified(gina, "favourite", ginaPost.uri));
  await gina.v1.statuses.$select(samPostOnGts.id).favourite();
  await until("sam is told of gina's like", () => notified(sam, "favourite", samPost.uri));
});

test("a boost from Synco reaches GoToSocial, and so does its undoing", { skip }, async () => {
  await sam.v1.statuses.$select(ginaPostOnSynco.id).reblog();
  await until("gina is told of sam's boost", () => notified(gina, "reblog", ginaPost.uri));
  await until(
    "GoToSocial counts the boost",
    async () => (await gina.v1.statuses.$select(ginaPost.id).fetch()).reblogsCount === 1,
  );
  await sam.v1.statuses.$select(ginaPostOnSynco.id).unreblog();
  await until(
    "GoToSocial counts the unboost",
    async () => (await gina.v1.statuses.$select(ginaPost.id).fetch()).reblogsCount === 0,
  );
});

test("a boost from GoToSocial reaches Synco, and so does its undoing", { skip }, async () => {
  await gina.v1.statuses.$select(samPostOnGts.id).reblog();
  await until("sam is told of gina's boost", () => notified(sam, "reblog", samPost.uri));
  await until(
    "Synco counts the boost",
    async () => (await sam.v1.statuses.$select(samPost.id).fetch()).reblogsCount === 1,
  );
  await gina.v1.statuses.$select(samPostOnGts.id).unreblog();
  await until(
    "Synco counts the unboost",
    async () => (await sam.v1.statuses.$select(samPost.id).fetch()).reblogsCount === 0,
  );
});

/** Each side's poll as the other side shows it. */
let onSynco: Status;
let onGts: Status;

test("poll votes are counted by the poll's server, both ways", { skip }, async () => {
  const poll = { options: ["tea", "coffee"], expiresIn: 3600 };
  const ginaPoll = await gina.v1.statuses.create({ status: "Tea or coffee?", poll });
  onSynco = await until("gina's poll on sam's home", () => onTimeline(sam, ginaPoll.uri));
  assert.ok(onSynco.poll);
  await sam.v1.polls.$select(onSynco.poll.id).votes.create({ choices: [0] });
  await until(
    "GoToSocial counts sam's vote",
    async () => (await gina.v1.statuses.$select(ginaPoll.id).fetch()).poll?.votesCount === 1,
  );
  const samPoll = await sam.v1.statuses.create({ status: "Bread or rice?", poll });
  onGts = await until("sam's poll on gina's home", () => onTimeline(gina, samPoll.uri));
  assert.ok(onGts.poll);
  await gina.v1.polls.$select(onGts.poll.id).votes.create({ choices: [1] });
  await until(
    "Synco counts gina's vote",
    async () => (await sam.v1.statuses.$select(samPoll.id).fetch()).poll?.votesCount === 1,
  );
});

test("a second edit arrives too, both ways", { skip }, async () => {
  // Each edit is awaited before the next: GoToSocial gives both Updates one id, which is
  // what is tested; two Updates in flight at once may be handled in either order.
  for (const text of ["first edit", "second edit"]) {
    await gina.v1.statuses
      .$select(ginaPost.id)
      .update({ status: `Hello from GoToSocial, ${text}` });
    await until(`Synco shows gina's ${text}`, async () =>
      new RegExp(text).test((await sam.v1.statuses.$select(ginaPostOnSynco.id).fetch()).content),
    );
  }
  for (const text of ["first edit", "second edit"]) {
    await sam.v1.statuses.$select(samPost.id).update({ status: `Hello from Synco, ${text}` });
    await until(`GoToSocial shows sam's ${text}`, async () =>
      new RegExp(text).test((await gina.v1.statuses.$select(samPostOnGts.id).fetch()).content),
    );
  }
});

test("profile updates reach the other side", { skip }, async () => {
  await sam.v1.accounts.updateCredentials({ displayName: "Sam of Synco" });
  await until(
    "GoToSocial shows sam's new name",
    async () =>
      (await gina.v1.accounts.$select(samOnGts.id).fetch()).displayName === "Sam of Synco",
  );
  await gina.v1.accounts.updateCredentials({ displayName: "Gina of GoToSocial" });
  await until(
    "Synco shows gina's new name",
    async () =>
      (await sam.v1.accounts.$select(ginaOnSynco.id).fetch()).displayName === "Gina of GoToSocial",
  );
});

test("deleted posts disappear on the other side", { skip }, async () => {
  const ginaGoes = await gina.v1.statuses.create({ status: "soon gone (gts)" });
  const ginaGoesOnSynco = await until("gina's post arrives", () => onTimeline(sam, ginaGoes.uri));
  await gina.v1.statuses.$select(ginaGoes.id).remove();
  await until("Synco drops gina's deleted post", () => gone(sam, ginaGoesOnSynco.id));
  const samGoes = await sam.v1.statuses.create({ status: "soon gone (synco)" });
  const samGoesOnGts = await until("sam's post arrives", () => onTimeline(gina, samGoes.uri));
  await sam.v1.statuses.$select(samGoes.id).remove();
  await until("GoToSocial drops sam's deleted post", () => gone(gina, samGoesOnGts.id));
});

test("a Synco group followed from GoToSocial brings its threads to the follower", {
  skip,
}, async () => {
  const made = await createGroup(
    { db: synco.node.db.db, origin: synco.url, domain: synco.domain, clock: systemClock },
    { id: samId, username: "sam" },
    {
      name: "garden",
      kind: "working_group",
      displayName: "Garden",
      visibility: "public",
      moderated: false,
    },
  );
  assert.ok(made.ok);
  const group = await until("GoToSocial finds the group", () =>
    found(gina, `@garden@${synco.domain}`),
  );
  await gina.v1.accounts.$select(group.id).follow();
  await until(
    "the group accepts gina",
    async () => (await relationship(gina, group.id))?.following,
  );
  const thread = await writeInGroup(
    socialOf(synco),
    made.value,
    {
      id: samId,
      username: "sam",
    },
    { ...textPost("Who has tomato seeds?"), title: "Seeds" },
  );
  assert.ok(thread.ok);
  await until("the thread reaches gina's home as the group's boost", () =>
    onTimeline(gina, thread.value.uri),
  );
});

test("a block from Synco, and its undoing, reach GoToSocial", { skip }, async () => {
  await sam.v1.accounts.$select(ginaOnSynco.id).block();
  await until(
    "GoToSocial sees sam's block",
    async () => (await relationship(gina, samOnGts.id))?.blockedBy,
  );
  // GoToSocial matches the Undo by the embedded Block's id.
  await sam.v1.accounts.$select(ginaOnSynco.id).unblock();
  await until(
    "GoToSocial sees sam's unblock",
    async () => (await relationship(gina, samOnGts.id))?.blockedBy === false,
  );
});

test("a block from GoToSocial ends the follows on Synco", { skip }, async () => {
  // sam's block ended the follows; sam follows gina again first.
  await sam.v1.accounts.$select(ginaOnSynco.id).follow();
  const request = await until("gina sees sam's new follow request", async () =>
    (await gina.v1.followRequests.list()).find((a) => a.acct === `sam@${synco.domain}`),
  );
  await gina.v1.followRequests.$select(request.id).authorize();
  await until(
    "sam follows gina again",
    async () => (await relationship(sam, ginaOnSynco.id))?.following,
  );
  // Synco keeps no record of a remote actor's block (blocked_by stays false for remote
  // accounts); it ends the follows between the two, as Mastodon does.
  await gina.v1.accounts.$select(samOnGts.id).block();
  await until(
    "Synco ends sam's follow of gina",
    async () => (await relationship(sam, ginaOnSynco.id))?.following === false,
  );
  await gina.v1.accounts.$select(samOnGts.id).unblock();
});
