/**
 * Groups and the rest of the fediverse: Lemmy's documents (a community, an
 * Announce{Create{Page}}, an Add of a moderator) parse as we read them, a
 * Lemmy-shaped Create{Page} naming the group in `to` becomes a thread, and a
 * Mastodon-shaped server (a fake one on 127.0.22.9, signing as Mastodon does)
 * joins a public group, posts to it by mention, is refused in a members-only
 * group, and its malformed or unauthorized activities are skipped.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { detachSignature, verifyObject } from "@fedify/fedify";
import { Add, Announce, Create, Group, Page } from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { configure, type LogRecord } from "@logtape/logtape";
import { addressedUris, postFields } from "../src/federation/groups/parse.ts";
import { actorInput } from "../src/federation/lookup.ts";
import { findRemoteActor } from "../src/federation/remote-actors.ts";
import { followRemote, waitFor } from "../src/federation/testing.ts";
import type { GroupsContext } from "../src/groups/context.ts";
import { createGroup, type Group as GroupRow } from "../src/groups/groups.ts";
import { membershipOf } from "../src/groups/memberships.ts";
import { invite, removeMember } from "../src/groups/moderation.ts";
import { writeInGroup } from "../src/groups/threads.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { textPost } from "../src/social/posts.ts";
import { createMember } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

const fixtures = join(import.meta.dirname, "..", "src", "federation", "fixtures", "groups");
const fixture = (name: string) => JSON.parse(readFileSync(join(fixtures, name), "utf8"));
/** Lemmy's test assets leave out @context (its tests merge assets/lemmy/context.json); add the part we read. */
const withContext = (json: object) => ({
  "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
  ...json,
});

const logs: LogRecord[] = [];
let node: TestNode;
let stopWorker: () => Promise<void>;
/** A Mastodon-like server on 127.0.22.9: actor alice, with an RSA key and a shared inbox. */
let remote: RemoteActor;
let remoteUrl: string;
let garden: GroupRow;
let council: GroupRow;

/** The groups capability's context on the node. */
const on = (): GroupsContext => ({
  db: node.node.db.db,
  origin: node.url,
  domain: node.domain,
  clock: systemClock,
});

/** Signed as alice, Mastodon-style, to the node's shared inbox. */
const signedPost = async (activity: object) =>
  fetch(await remote.signed(`${node.url}/inbox`, activity));
/** What the node delivered to alice's server. */
const delivered = () => remote.delivered.map((d) => d.body);

/** The Mastodon fixture with its example hosts replaced by ours. */
const mastodonNote = (group: string, n: number) =>
  JSON.parse(
    JSON.stringify(fixture("mastodon-create-note-mentioning-group.json"))
      .replaceAll("https://mastodon.example", remoteUrl)
      .replaceAll("https://synco.example/groups/garden", `${node.url}/groups/${group}`)
      .replaceAll("statuses/1", `statuses/${n}`),
  );

const skipped = (id: string) =>
  waitFor(`${id} is skipped`, () =>
    logs.some((r) => r.message.some((part) => typeof part === "string" && part.includes(id))),
  );
const postsIn = (group: GroupRow) =>
  node.node.db.db.selectFrom("posts").selectAll().where("group_id", "=", group.id).execute();

before(async () => {
  await configure({
    reset: true,
    sinks: { memory: (record) => logs.push(record) },
    loggers: [
      { category: ["synco", "federation", "groups"], sinks: ["memory"], lowestLevel: "info" },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "error" },
    ],
  });
  remote = await startRemoteActor("127.0.22.9", "alice");
  remoteUrl = remote.url;
  node = await startTestNode({ host: "127.0.22.1" });
  const ada = await createMember(node, { username: "ada", password: "password123" });
  const made = await createGroup(on(), ada, {
    name: "garden",
    kind: "working_group",
    displayName: "Garden",
    visibility: "public",
    moderated: false,
  });
  const made2 = await createGroup(on(), ada, {
    name: "council",
    kind: "working_group",
    displayName: "Council",
    visibility: "members",
    moderated: true,
  });
  assert.ok(made.ok && made2.ok);
  garden = made.value;
  council = made2.value;
  stopWorker = await node.node.startWorker();
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  remote?.close();
});

test("the Group actor names its keys and a featured collection, which answers", async () => {
  const ap = { accept: "application/activity+json" };
  const doc = (await (await fetch(`${node.url}/groups/garden`, { headers: ap })).json()) as {
    featured?: string;
    assertionMethod?: { id: string; publicKeyMultibase: string }[];
  };
  // GoToSocial reads every actor's featured collection and logs an error without one.
  assert.equal(doc.featured, `${node.url}/groups/garden/featured`);
  const featured = await fetch(doc.featured, { headers: ap });
  assert.equal(featured.status, 200);
  assert.equal(((await featured.json()) as { totalItems: number }).totalItems, 0);
  // FEP-521a: RSA and Ed25519 as Multikeys; an Ed25519 multibase key starts with z6Mk.
  assert.deepEqual(
    doc.assertionMethod?.map((k) => k.id),
    [`${node.url}/groups/garden#multikey-1`, `${node.url}/groups/garden#multikey-2`],
  );
  assert.match(doc.assertionMethod?.[1]?.publicKeyMultibase ?? "", /^z6Mk/);
});

test("Lemmy's community, Announce{Create{Page}} and Add of a moderator parse", async () => {
  const group = await Group.fromJsonLd(withContext(fixture("lemmy-group.json")));
  assert.equal(group.attributionId?.href, "https://enterprise.lemmy.ml/c/tenforward/moderators");
  const input = actorInput(group);
  assert.equal(input?.type, "Group");
  assert.equal(input?.sharedInbox, "https://enterprise.lemmy.ml/inbox");
  assert.equal(input?.followers, "https://enterprise.lemmy.ml/c/tenforward/followers");

  const announce = await Announce.fromJsonLd(
    withContext(fixture("lemmy-announce-create-page.json")),
  );
  const create = await announce.getObject();
  assert.ok(create instanceof Create);
  const page = await create.getObject();
  assert.ok(page instanceof Page);
  assert.deepEqual(postFields(page), {
    uri: "http://enterprise.lemmy.ml/post/7",
    authorUri: "http://enterprise.lemmy.ml/u/lemmy_beta",
    inReplyToUri: null,
    title: "post 4",
    contentHtml: "post 4",
  });
  // Lemmy names the community in `to`, not `audience` (FEP-1b12 allows both).
  assert.ok((await addressedUris(create, page)).includes("http://enterprise.lemmy.ml/c/main"));

  const add = await Add.fromJsonLd(withContext(fixture("lemmy-add-mod.json")));
  assert.equal(add.targetId?.href, "http://enterprise.lemmy.ml/c/main/moderators");
  assert.equal(add.objectId?.href, "http://ds9.lemmy.ml/u/lemmy_alpha");
});

test("a Mastodon user follows a public group (Accept) and posts to it by mention", async () => {
  const follow = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${remoteUrl}/follows/1`,
    type: "Follow",
    actor: `${remoteUrl}/users/alice`,
    object: `${node.url}/groups/garden`,
  };
  assert.equal((await signedPost(follow)).status, 202);
  await waitFor("the group accepts alice", () =>
    delivered().some((d) => d.type === "Accept" && (d.object as { id?: string })?.id === follow.id),
  );
  const accept = delivered().find((d) => d.type === "Accept");
  assert.equal(accept?.actor, `${node.url}/groups/garden`);
  assert.equal(
    (await membershipOf(node.node.db.db, garden.id, `${remoteUrl}/users/alice`))?.status,
    "active",
  );

  const note = mastodonNote("garden", 1);
  assert.equal((await signedPost(note)).status, 202);
  await waitFor("the note becomes a thread", async () => (await postsIn(garden)).length === 1);
  const [thread] = await postsIn(garden);
  assert.equal(thread?.title, "Lorem ipsum");
  assert.equal(thread?.author_uri, `${remoteUrl}/users/alice`);
  // The one model: a Mastodon Note naming the group is the group's thread (a page).
  assert.equal(thread?.kind, "page");
  assert.equal(thread?.audience_uri, `${node.url}/groups/garden`);
  assert.equal(thread?.local, 0);
  // The group announces it to its members, alice's server included, with the Create inside.
  await waitFor("the Announce reaches alice's server", () =>
    delivered().some((d) => d.type === "Announce"),
  );
  const announce = delivered().find((d) => d.type === "Announce");
  assert.equal(announce?.actor, `${node.url}/groups/garden`);
  assert.equal(announce?.audience, `${node.url}/groups/garden`);
  assert.equal((announce?.object as { id?: string })?.id, note.id);
  // ... and, for Mastodon, an Announce of the post itself (as Lemmy does).
  await waitFor("the plain Announce of the post arrives", () =>
    delivered().some((d) => d.type === "Announce" && d.object === note.object.id),
  );
  // Both carry `published` and an Object Integrity Proof (FEP-8b32) by the group's Ed25519
  // key, which its actor publishes as an assertionMethod (FEP-521a) and which verifies.
  const loader = getDocumentLoader({ allowPrivateAddress: true });
  for (const sent of delivered().filter((d) => d.type === "Announce")) {
    assert.ok(sent.published, "an Announce has published");
    const proof = sent.proof as { verificationMethod?: string } | undefined;
    assert.equal(proof?.verificationMethod, `${node.url}/groups/garden#multikey-2`);
    // As a receiving Fedify does: the Linked Data Signature, added after the proof, comes off.
    const verified = await verifyObject(Announce, detachSignature(sent), {
      documentLoader: loader,
      contextLoader: loader,
    });
    assert.ok(verified, "the proof verifies against the group's published key");
  }

  // Undo(Follow): alice leaves.
  const undo = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${remoteUrl}/undo/1`,
    type: "Undo",
    actor: follow.actor,
    object: follow,
  };
  assert.equal((await signedPost(undo)).status, 202);
  await waitFor(
    "alice leaves",
    async () => !(await membershipOf(node.node.db.db, garden.id, follow.actor)),
  );
});

test("a Lemmy-shaped Create{Page} naming the group in `to` becomes a thread", async () => {
  const lemmy = JSON.parse(
    JSON.stringify(fixture("lemmy-announce-create-page.json").object)
      .replaceAll("http://enterprise.lemmy.ml/u/lemmy_beta", `${remoteUrl}/users/alice`)
      .replaceAll("http://enterprise.lemmy.ml/c/main", `${node.url}/groups/garden`)
      .replaceAll("http://enterprise.lemmy.ml", remoteUrl),
  );
  assert.equal((await signedPost(withContext(lemmy))).status, 202);
  await waitFor("the Page is kept", async () =>
    (await postsIn(garden)).some((p) => p.uri === `${remoteUrl}/post/7`),
  );
  const page = (await postsIn(garden)).find((p) => p.uri === `${remoteUrl}/post/7`);
  assert.equal(page?.title, "post 4");
  assert.equal(page?.in_reply_to_id, null);
  assert.equal(page?.kind, "page");
  assert.equal(page?.audience_uri, `${node.url}/groups/garden`);
  assert.equal(page?.visibility, "public");
});

test("a followed Lemmy community's Announce{Create{Page}} lands in the one model", async () => {
  // A Lemmy-shaped community on its own server; a member here follows it.
  const lemmy = await startRemoteActor("127.0.22.8", "main", { type: "Group" });
  try {
    lemmy.documents.set("/users/beta", {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${lemmy.url}/users/beta`,
      type: "Person",
      preferredUsername: "beta",
      inbox: `${lemmy.url}/users/beta/inbox`,
    });
    const ada = { id: garden.created_by ?? "", username: "ada" };
    await followRemote(node.node, ada, lemmy.id);
    const announce = JSON.parse(
      JSON.stringify(fixture("lemmy-announce-create-page.json"))
        .replaceAll("http://enterprise.lemmy.ml/c/main", lemmy.id)
        .replaceAll("http://enterprise.lemmy.ml/u/lemmy_beta", `${lemmy.url}/users/beta`)
        .replaceAll("http://enterprise.lemmy.ml", lemmy.url),
    );
    assert.equal(
      (await fetch(await lemmy.signed(`${node.url}/inbox`, withContext(announce)))).status,
      202,
    );
    const kept = await waitFor("the community's post is kept", () =>
      node.node.db.db
        .selectFrom("posts")
        .selectAll()
        .where("uri", "=", `${lemmy.url}/post/7`)
        .executeTakeFirst(),
    );
    assert.equal(kept.kind, "page");
    assert.equal(kept.title, "post 4");
    assert.equal(kept.audience_uri, lemmy.id);
    assert.equal(kept.group_id, null);
    assert.equal(kept.author_uri, `${lemmy.url}/users/beta`);
    // A group's redistribution, not a boost: no boost row, nothing in home feeds.
    const boosts = await node.node.db.db
      .selectFrom("posts")
      .select("id")
      .where("reblog_of_id", "=", kept.id)
      .execute();
    assert.equal(boosts.length, 0);
    const home = await node.node.db.db
      .selectFrom("home_entries")
      .select("post_id")
      .where("post_id", "=", kept.id)
      .execute();
    assert.equal(home.length, 0);
  } finally {
    lemmy.close();
  }
});

test("posts to a members-only group by a non-member, or by someone else's name, are skipped", async () => {
  const outsider = mastodonNote("council", 2);
  assert.equal((await signedPost(outsider)).status, 202);
  await skipped(outsider.id);
  assert.equal((await postsIn(council)).length, 0);

  const forged = mastodonNote("garden", 3);
  forged.object.attributedTo = `${node.url}/users/ada`;
  assert.equal((await signedPost(forged)).status, 202);
  await skipped(forged.id);
  assert.equal((await postsIn(garden)).filter((p) => p.uri === forged.object.id).length, 0);

  // A request to join the moderated group waits; an unsigned one is refused outright.
  const follow = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${remoteUrl}/follows/2`,
    type: "Follow",
    actor: `${remoteUrl}/users/alice`,
    object: `${node.url}/groups/council`,
  };
  const unsigned = await fetch(`${node.url}/inbox`, {
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: JSON.stringify(follow),
  });
  assert.equal(unsigned.status, 401);
  assert.equal((await signedPost(follow)).status, 202);
  await waitFor(
    "the request waits",
    async () =>
      (await membershipOf(node.node.db.db, council.id, follow.actor))?.status === "pending",
  );
  assert.equal(
    delivered().filter((d) => (d.object as { id?: string })?.id === follow.id).length,
    0,
  );
});

test("a remote person is invited (Invite from the Group); their Accept admits them, a Reject declines", async () => {
  const db = node.node.db.db;
  const alice = `${remoteUrl}/users/alice`;
  const actor = await findRemoteActor(db, { uri: alice });
  assert.ok(actor);
  const target = {
    kind: "remote" as const,
    uri: alice,
    remoteId: actor.id,
    type: actor.type,
  };
  const ada = { id: garden.created_by ?? "", username: "ada" };
  // A plain member may not invite; nothing is written or sent.
  const otto = await createMember(node, { username: "otto", password: "password123" });
  assert.deepEqual(await invite(on(), otto, { group: garden, target }), {
    ok: false,
    reason: "forbidden",
  });
  assert.equal(await membershipOf(db, garden.id, alice), undefined);
  const invites = () => delivered().filter((d) => d.type === "Invite");
  assert.ok((await invite(on(), ada, { group: garden, target })).ok);
  await waitFor("alice's server gets the Invite", () => invites().length === 1);
  const first = invites()[0];
  assert.equal(first?.actor, `${node.url}/groups/garden`);
  assert.equal(first?.object, `${node.url}/groups/garden`);
  assert.equal(first?.target, alice);
  const answer = (type: string, n: number, object: unknown) => ({
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${remoteUrl}/answers/${n}`,
    type,
    actor: alice,
    object,
  });
  // alice declines: the invitation is dropped.
  assert.equal((await signedPost(answer("Reject", 1, first?.id))).status, 202);
  await waitFor(
    "the invitation is declined",
    async () => (await membershipOf(db, garden.id, alice)) === undefined,
  );
  // Invited again, she accepts (the Invite embedded, as Mobilizon sends it) and is in.
  assert.ok((await invite(on(), ada, { group: garden, target })).ok);
  await waitFor("the second Invite arrives", () => invites().length === 2);
  const second = invites()[1];
  assert.notEqual(second?.id, first?.id);
  assert.equal((await membershipOf(db, garden.id, alice))?.status, "invited");
  assert.equal((await signedPost(answer("Accept", 2, second))).status, 202);
  await waitFor(
    "alice is admitted",
    async () => (await membershipOf(db, garden.id, alice))?.status === "active",
  );
});

test("a banned person's posts to an open group are skipped", async () => {
  const db = node.node.db.db;
  const alice = `${remoteUrl}/users/alice`;
  const row = await membershipOf(db, garden.id, alice);
  assert.equal(row?.status, "active");
  const ada = { id: garden.created_by ?? "", username: "ada" };
  assert.ok(
    (await removeMember(on(), ada, { group: garden, memberId: row.id, ban: { reason: "Spam" } }))
      .ok,
  );
  const before = (await postsIn(garden)).length;
  // garden is public and open: anyone's post would be taken, but not a banned person's.
  const note = mastodonNote("garden", 7);
  assert.equal((await signedPost(note)).status, 202);
  await skipped(note.id);
  assert.equal((await postsIn(garden)).length, before);
  assert.equal(await membershipOf(db, garden.id, alice), undefined);
});

test("a migrated post's old id is served as any post: the one converter, the same visibility", async () => {
  const db = node.node.db.db;
  const ada = { id: garden.created_by ?? "", username: "ada" };
  const s = socialOf(node);
  const ap = { headers: { accept: "application/activity+json" } };
  // As migration 0014 left posts written before the one model: their old URIs kept.
  const legacy = async (group: GroupRow, title: string, uri: (id: string) => string) => {
    const made = await writeInGroup(s, group, ada, { ...textPost("Before"), title });
    assert.ok(made.ok);
    const old = uri(made.value.id);
    await db.updateTable("posts").set({ uri: old }).where("id", "=", made.value.id).execute();
    return old;
  };
  const thread = await legacy(
    garden,
    "Old thread",
    (id) => `${node.url}/groups/garden/posts/${id}`,
  );
  const served = (await (await fetch(thread, ap)).json()) as Record<string, unknown>;
  assert.equal(served.id, thread);
  assert.equal(served.type, "Page");
  assert.equal(served.name, "Old thread");
  assert.equal(served.audience, `${node.url}/groups/garden`);
  // Under another group's name it is not this post.
  const elsewhere = thread.replace("/groups/garden/", "/groups/council/");
  assert.notEqual((await fetch(elsewhere, ap)).status, 200);
  const other = await legacy(council, "Old secret", (id) => `${node.url}/group-posts/${id}`);
  assert.equal((await fetch(other, ap)).status, 404);
});
