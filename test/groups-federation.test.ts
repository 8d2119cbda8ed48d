/**
 * Groups across three real nodes (127.0.21.x): a working group and a federation
 * of co-ops on node A; members and co-ops on nodes B and C. Joining (at once and
 * by a moderator's approval), posting from the group's node and from elsewhere,
 * redistribution by Announce (FEP-1b12), moderators added and removed, a member
 * removed (Reject) and one leaving (Undo), and co-ops joining the federation and
 * naming delegates, from which the voting rule counts one vote per co-op.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { unfollow } from "../src/federation/follows.ts";
import { findRemoteActor } from "../src/federation/remote-actors.ts";
import { followRemote, followStatus, waitFor } from "../src/federation/testing.ts";
import type { GroupsContext } from "../src/groups/context.ts";
import {
  joinFederation,
  leaveFederation,
  setDelegates,
  votingGroupOf,
} from "../src/groups/federations.ts";
import { createGroup, findGroup, type Group, updateGroup } from "../src/groups/groups.ts";
import { isBanned, membershipOf } from "../src/groups/memberships.ts";
import { approveRequest, removeMember, setRole, unban } from "../src/groups/moderation.ts";
import { deleteGroupPost, writeInGroup, writeInRemoteGroup } from "../src/groups/threads.ts";
import { eligibleVoters } from "../src/groups/voting.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { like } from "../src/social/interactions.ts";
import { deletePost, editPost, textPost } from "../src/social/posts.ts";
import { storeImage } from "../src/storage/images.ts";
import { createMember, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
let c: TestNode;
const stops: (() => Promise<void>)[] = [];
let ana: { id: string; username: string };
let ben: { id: string; username: string };
let cat: { id: string; username: string };
let garden: Group;
let council: Group;

before(async () => {
  [a, b, c] = await Promise.all([
    startTestNode({
      host: "127.0.21.1",
      env: { SYNCO_LOG_LEVEL: process.env.GROUPS_LOG ?? "error" },
    }),
    startTestNode({ host: "127.0.21.2" }),
    startTestNode({
      host: "127.0.21.3",
      env: { SYNCO_LOG_LEVEL: process.env.GROUPS_LOG ?? "error" },
    }),
  ]);
  for (const n of [a, b, c]) stops.push(await n.node.startWorker());
  ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  cat = await createMember(c, { username: "cat", password: "password123", role: "admin" });
  const made = await createGroup(on(a), ana, {
    name: "garden",
    kind: "working_group",
    displayName: "Garden",
    visibility: "public",
    moderated: false,
  });
  const made2 = await createGroup(on(a), ana, {
    name: "council",
    kind: "working_group",
    displayName: "Council",
    visibility: "members",
    moderated: true,
  });
  assert.ok(made.ok && made2.ok);
  garden = made.value;
  council = made2.value;
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

/** The groups capability's context on a node. */
const on = (n: TestNode): GroupsContext => ({
  db: n.node.db.db,
  origin: n.url,
  domain: n.domain,
  clock: systemClock,
});
const user = (n: TestNode, name: string) => `${n.url}/users/${name}`;
const groupId = (name: string) => `${a.url}/groups/${name}`;
const memberStatus = async (group: Group, uri: string) =>
  (await membershipOf(a.node.db.db, group.id, uri))?.status ?? null;
const postsOn = (n: TestNode, group: string) =>
  n.node.db.db.selectFrom("posts").selectAll().where("audience_uri", "=", groupId(group)).execute();

test("members of other nodes join: at once in an open group, after approval in a moderated one", async () => {
  const joined = await followRemote(b.node, ben, `garden@${a.domain}`);
  assert.equal(joined.actor.type, "Group");
  assert.equal(joined.actor.uri, groupId("garden"));
  await followRemote(c.node, cat, `${a.url}/groups/garden`);
  for (const [n, name] of [
    [b, "ben"],
    [c, "cat"],
  ] as const)
    await waitFor(
      `${name} is accepted in garden`,
      async () => (await followStatus(n.node, user(n, name), groupId("garden"))) === "accepted",
    );
  assert.equal(await memberStatus(garden, user(b, "ben")), "active");

  const asked = await followRemote(c.node, cat, `council@${a.domain}`);
  assert.equal(asked.actor.manually_approves, 1);
  await waitFor(
    "cat's request reaches the council",
    async () => (await memberStatus(council, user(c, "cat"))) === "pending",
  );
  assert.equal(await followStatus(c.node, user(c, "cat"), groupId("council")), "pending");
  const row = await membershipOf(a.node.db.db, council.id, user(c, "cat"));
  assert.ok(row);
  // A non-moderator cannot admit; ana (the group's admin) can.
  const outsider = await createMember(a, { username: "otto", password: "password123" });
  assert.deepEqual(await approveRequest(on(a), outsider, { group: council, memberId: row.id }), {
    ok: false,
    reason: "forbidden",
  });
  assert.ok((await approveRequest(on(a), ana, { group: council, memberId: row.id })).ok);
  await waitFor(
    "cat hears the Accept",
    async () => (await followStatus(c.node, user(c, "cat"), groupId("council"))) === "accepted",
  );
});

test("posts reach every member by Announce, from the group's node and from elsewhere", async () => {
  const thread = await writeInGroup(socialOf(a), garden, ana, {
    title: "Seeds",
    ...textPost("Who has tomato seeds?"),
  });
  assert.ok(thread.ok);
  for (const n of [b, c])
    await waitFor("the thread is announced", async () =>
      (await postsOn(n, "garden")).some((p) => p.uri === thread.value.uri),
    );
  const onB = (await postsOn(b, "garden")).find((p) => p.uri === thread.value.uri);
  assert.equal(onB?.title, "Seeds");
  assert.match(onB?.content_html ?? "", /tomato seeds/);

  // ben, on node B, replies in the group: his Create goes to the Group, which announces it.
  const local = (await postsOn(b, "garden")).find((p) => p.uri === thread.value.uri);
  assert.ok(local);
  const reply = await writeInRemoteGroup(socialOf(b), groupId("garden"), ben, {
    ...textPost("I do!"),
    inReplyToId: local.id,
  });
  assert.ok(reply.ok);
  await waitFor("the group keeps ben's reply", async () =>
    (await postsOn(a, "garden")).some((p) => p.uri === reply.value.uri),
  );
  const onA = (await postsOn(a, "garden")).find((p) => p.uri === reply.value.uri);
  assert.equal(onA?.in_reply_to_id, thread.value.id);
  assert.equal(onA?.group_id, garden.id);
  await waitFor("cat's node gets ben's reply by Announce", async () =>
    (await postsOn(c, "garden")).some((p) => p.uri === reply.value.uri),
  );
  const onC = (await postsOn(c, "garden")).find((p) => p.uri === reply.value.uri);
  const parentOnC = (await postsOn(c, "garden")).find((p) => p.uri === thread.value.uri);
  assert.equal(onC?.in_reply_to_id, parentOnC?.id);
});

test("deleted posts: the Group announces the Delete; a remote author's Delete reaches everyone", async () => {
  const kept = (n: TestNode, uri: string) =>
    n.node.db.db
      .selectFrom("posts")
      .select(["deleted_at", "content_html"])
      .where("uri", "=", uri)
      .executeTakeFirst();
  const deleted = async (n: TestNode, uri: string) => !!(await kept(n, uri))?.deleted_at;
  // ben (node B) deletes his reply: his Delete goes to the Group, which announces it to C.
  const reply = (await postsOn(b, "garden")).find(
    (p) => p.author_uri === user(b, "ben") && !p.deleted_at,
  );
  assert.ok(reply);
  // Someone else on B cannot delete it (nothing is sent).
  const bert = await createMember(b, { username: "bert", password: "password123" });
  assert.deepEqual(await deleteGroupPost(socialOf(b), null, reply.id, bert), {
    ok: false,
    reason: "forbidden",
  });
  assert.ok((await deleteGroupPost(socialOf(b), null, reply.id, ben)).ok);
  await waitFor("the group deletes ben's reply", () => deleted(a, reply.uri));
  await waitFor("C hears the reply was deleted (Announce{Delete})", () => deleted(c, reply.uri));
  assert.equal((await kept(c, reply.uri))?.content_html, "");

  // ana deletes a thread on A: B and C drop their copies; its id answers 410.
  const thread = await writeInGroup(socialOf(a), garden, ana, {
    title: "Tools",
    ...textPost("Who has a spade?"),
  });
  assert.ok(thread.ok);
  for (const n of [b, c])
    await waitFor("the thread arrives", async () => !!(await kept(n, thread.value.uri)));
  const outsider = await createMember(a, { username: "olga", password: "password123" });
  assert.deepEqual(await deleteGroupPost(socialOf(a), garden, thread.value.id, outsider), {
    ok: false,
    reason: "forbidden",
  });
  assert.equal(await deleted(a, thread.value.uri), false);
  assert.ok((await deleteGroupPost(socialOf(a), garden, thread.value.id, ana)).ok);
  for (const n of [b, c])
    await waitFor("the Delete is announced", () => deleted(n, thread.value.uri));
  const gone = await fetch(thread.value.uri, { headers: { accept: "application/activity+json" } });
  assert.equal(gone.status, 410);
  assert.equal(((await gone.json()) as { type: string }).type, "Tombstone");
});

/** The instance actor's signed GET of an ActivityPub id, from node n: the status and JSON. */
async function signedGet(n: TestNode, url: string) {
  const { federation } = await n.node.federation.load();
  const ctx = federation.createContext(new URL(n.url), undefined);
  const loader = await ctx.getDocumentLoader({ identifier: "instance" });
  try {
    const doc = (await loader(url)).document as Record<string, unknown>;
    return { status: 200, doc };
  } catch (error) {
    const status = (error as { response?: Response }).response?.status ?? 0;
    return { status, doc: null };
  }
}

const copyOn = (n: TestNode, uri: string) =>
  n.node.db.db.selectFrom("posts").selectAll().where("uri", "=", uri).executeTakeFirst();

test("a thread with an image, a poll and a mention federates whole; the mentioned on a third node is notified", async () => {
  // cora, on node C, is no member of garden: she hears of the thread by her mention.
  const cora = await createMember(c, { username: "cora", password: "password123" });
  const coraOnA = await a.node.federation.lookup(`cora@${c.domain}`);
  assert.ok(coraOnA);
  const sharp = (await import("sharp")).default;
  const png = await sharp({
    create: { width: 8, height: 6, channels: 3, background: { r: 200, g: 40, b: 40 } },
  })
    .png()
    .toBuffer();
  const image = await storeImage(
    a.node.db.db,
    a.node.config,
    {
      bytes: new Uint8Array(png),
      purpose: "attachment",
      ownerId: ana.id,
    },
    a.node.federation.deps.clock,
  );
  assert.ok(image.ok);
  const text = `Seed swap on Saturday, @cora@${c.domain} #seeds`;
  const thread = await writeInGroup(socialOf(a), garden, ana, {
    ...textPost(text),
    title: "Seed swap",
    spoiler: "Long list",
    media: [{ uploadId: image.value.id, description: "A red packet of seeds" }],
    mentions: [
      {
        text: `@cora@${c.domain}`,
        uri: coraOnA.uri,
        url: coraOnA.url ?? coraOnA.uri,
        accountId: null,
        remoteId: coraOnA.id,
      },
    ],
  });
  assert.ok(thread.ok);
  const poll = await writeInGroup(socialOf(a), garden, ana, {
    ...textPost("Which day?"),
    title: "Swap day",
    poll: { options: ["Saturday", "Sunday"], multiple: false, expiresInSeconds: 3600 },
  });
  assert.ok(poll.ok);

  // On B (ben is a member): kept as the Group's thread, with its image, tags, mention and title.
  const onB = await waitFor("B keeps the thread", () => copyOn(b, thread.value.uri));
  assert.equal(onB.kind, "page");
  assert.equal(onB.title, "Seed swap");
  assert.equal(onB.audience_uri, groupId("garden"));
  assert.equal(onB.visibility, "public");
  assert.equal(onB.spoiler, "Long list");
  const media = await b.node.db.db
    .selectFrom("post_media")
    .selectAll()
    .where("post_id", "=", onB.id)
    .execute();
  assert.equal(media.length, 1);
  assert.equal(media[0]?.description, "A red packet of seeds");
  assert.match(media[0]?.remote_url ?? "", new RegExp(`^${a.url}/media/`));
  const mentions = await b.node.db.db
    .selectFrom("post_mentions")
    .select("actor_uri")
    .where("post_id", "=", onB.id)
    .execute();
  assert.deepEqual(
    mentions.map((m) => m.actor_uri),
    [user(c, "cora")],
  );
  const tags = await b.node.db.db
    .selectFrom("post_tags")
    .select("tag")
    .where("post_id", "=", onB.id)
    .execute();
  assert.deepEqual(
    tags.map((t) => t.tag),
    ["seeds"],
  );
  // The thread with a poll: a Question with a name, kept with its options.
  const pollOnB = await waitFor("B keeps the poll thread", () => copyOn(b, poll.value.uri));
  assert.equal(pollOnB.kind, "page");
  assert.equal(pollOnB.title, "Swap day");
  const options = await b.node.db.db
    .selectFrom("polls")
    .select("options")
    .where("post_id", "=", pollOnB.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(
    JSON.parse(options.options).map((o: { title: string }) => o.title),
    ["Saturday", "Sunday"],
  );
  // As served at its id: Page with name and audience, the Group in `to` with Public.
  const served = (await (
    await fetch(thread.value.uri, { headers: { accept: "application/activity+json" } })
  ).json()) as Record<string, unknown>;
  assert.equal(served.type, "Page");
  assert.equal(served.name, "Seed swap");
  assert.equal(served.audience, groupId("garden"));
  assert.deepEqual(served.to, [groupId("garden"), "as:Public"]);
  const pollServed = (await (
    await fetch(poll.value.uri, { headers: { accept: "application/activity+json" } })
  ).json()) as Record<string, unknown>;
  assert.equal(pollServed.type, "Question");
  assert.equal(pollServed.name, "Swap day");

  // cora (C, not a member) gets the author's Create and is notified of the mention.
  await waitFor("cora is notified", () =>
    c.node.db.db
      .selectFrom("notifications")
      .select("id")
      .where("account_id", "=", cora.id)
      .where("type", "=", "mention")
      .executeTakeFirst(),
  );
  const onC = await copyOn(c, thread.value.uri);
  assert.equal(onC?.audience_uri, groupId("garden"));
  assert.equal(onC?.title, "Seed swap");

  // ana edits the thread: the Group announces the Update; B's copy changes.
  const edited = await editPost(socialOf(a), ana, thread.value.id, {
    ...textPost(`Seed swap on Sunday, @cora@${c.domain} #seeds`),
    spoiler: "Long list",
    sensitive: false,
    mentions: [],
  });
  assert.ok(edited.ok);
  await waitFor("B sees the edit", async () =>
    /on Sunday/.test((await copyOn(b, thread.value.uri))?.content_html ?? ""),
  );
  // ana deletes the poll thread as any post (web or API): relayed as a group post's deletion.
  assert.ok(await deletePost(socialOf(a), { id: ana.id }, poll.value.id));
  await waitFor(
    "B drops the poll thread",
    async () => !!(await copyOn(b, poll.value.uri))?.deleted_at,
  );
});

test("a like on a group reply from node B notifies its author on node C; C's edit reaches the group", async () => {
  const thread = await writeInGroup(socialOf(a), garden, ana, {
    title: "Compost",
    ...textPost("Hot or cold?"),
  });
  assert.ok(thread.ok);
  const threadOnC = await waitFor("C keeps the thread", () => copyOn(c, thread.value.uri));
  const reply = await writeInRemoteGroup(socialOf(c), groupId("garden"), cat, {
    ...textPost("Cold, slowly."),
    inReplyToId: threadOnC.id,
  });
  assert.ok(reply.ok);
  const replyOnB = await waitFor("B gets cat's reply through the Group", () =>
    copyOn(b, reply.value.uri),
  );
  assert.equal(replyOnB.kind, "note");
  assert.equal(replyOnB.audience_uri, groupId("garden"));
  assert.ok((await like(socialOf(b), ben, replyOnB.id)).ok);
  await waitFor("cat is told of ben's like", () =>
    c.node.db.db
      .selectFrom("notifications")
      .select("id")
      .where("account_id", "=", cat.id)
      .where("type", "=", "favourite")
      .where("from_uri", "=", user(b, "ben"))
      .executeTakeFirst(),
  );
  // cat edits her reply: the Update goes to the Group.
  assert.ok(
    (
      await editPost(socialOf(c), cat, reply.value.id, {
        ...textPost("Cold, very slowly."),
        sensitive: false,
        mentions: [],
      })
    ).ok,
  );
  await waitFor("the group's node sees cat's edit", async () =>
    /very slowly/.test((await copyOn(a, reply.value.uri))?.content_html ?? ""),
  );
  // ... and announces it to the members: B's copy changes too.
  await waitFor("B sees cat's edit through the Group", async () =>
    /very slowly/.test((await copyOn(b, reply.value.uri))?.content_html ?? ""),
  );
});

test("moderators are added and removed (Announce of Add/Remove to attributedTo)", async () => {
  const row = await membershipOf(a.node.db.db, garden.id, user(b, "ben"));
  assert.ok(row);
  assert.ok((await setRole(on(a), ana, { group: garden, memberId: row.id, role: "moderator" })).ok);
  const mods = (n: TestNode) =>
    n.node.db.db
      .selectFrom("remote_group_moderators")
      .select("actor_uri")
      .where("group_uri", "=", groupId("garden"))
      .execute();
  await waitFor("C hears ben was made a moderator", async () =>
    (await mods(c)).some((m) => m.actor_uri === user(b, "ben")),
  );
  const collection = (await (
    await fetch(`${groupId("garden")}/moderators`, {
      headers: { accept: "application/activity+json" },
    })
  ).json()) as { orderedItems: string[] };
  assert.deepEqual(collection.orderedItems.sort(), [user(a, "ana"), user(b, "ben")].sort());
  assert.ok((await setRole(on(a), ana, { group: garden, memberId: row.id, role: "member" })).ok);
  await waitFor("C hears ben is no longer a moderator", async () => (await mods(c)).length === 0);
});

test("a removed member hears Reject; a member who leaves sends Undo", async () => {
  const row = await membershipOf(a.node.db.db, garden.id, user(c, "cat"));
  assert.ok(row);
  assert.ok((await removeMember(on(a), ana, { group: garden, memberId: row.id })).ok);
  await waitFor(
    "cat's node drops the membership",
    async () => (await followStatus(c.node, user(c, "cat"), groupId("garden"))) === null,
  );
  assert.ok(await unfollow(b.node.db.db, b.url, ben, groupId("garden")));
  await waitFor(
    "the group hears ben left",
    async () => (await memberStatus(garden, user(b, "ben"))) === null,
  );
  // After leaving, the group's posts no longer reach B.
  const before = (await postsOn(b, "garden")).length;
  const later = await writeInGroup(socialOf(a), garden, ana, {
    title: "Later",
    ...textPost("Only members hear"),
  });
  assert.ok(later.ok);
  await waitFor(
    "the event is relayed",
    async () =>
      !(await a.node.db.db
        .selectFrom("outbox_events")
        .select("id")
        .where("relayed_at", "is", null)
        .executeTakeFirst()),
  );
  assert.equal((await postsOn(b, "garden")).length, before);
});

test("a banned member's Follow is rejected until the ban is lifted", async () => {
  // cat was removed above (not banned): she may follow again.
  await followRemote(c.node, cat, groupId("garden"));
  await waitFor(
    "cat is back in garden",
    async () => (await followStatus(c.node, user(c, "cat"), groupId("garden"))) === "accepted",
  );
  const row = await membershipOf(a.node.db.db, garden.id, user(c, "cat"));
  assert.ok(row);
  const olga = await createMember(a, { username: "olivia", password: "password123" });
  assert.deepEqual(
    await removeMember(on(a), olga, { group: garden, memberId: row.id, ban: { reason: "no" } }),
    { ok: false, reason: "forbidden" },
  );
  assert.equal(await isBanned(a.node.db.db, garden.id, user(c, "cat")), false);
  assert.ok(
    (await removeMember(on(a), ana, { group: garden, memberId: row.id, ban: { reason: "Spam" } }))
      .ok,
  );
  await waitFor(
    "cat hears the Reject",
    async () => (await followStatus(c.node, user(c, "cat"), groupId("garden"))) === null,
  );
  // Her next Follow is rejected, and no request is kept.
  await followRemote(c.node, cat, groupId("garden"));
  const rejects = () =>
    a.node.db.db
      .selectFrom("outbox_events")
      .select("id")
      .where("type", "=", "groups.member.removed")
      .where("relayed_at", "is not", null)
      .execute();
  const before = (await rejects()).length;
  await waitFor("the Follow is rejected", async () => {
    return (
      (await rejects()).length > before &&
      (await followStatus(c.node, user(c, "cat"), groupId("garden"))) === null
    );
  });
  assert.equal(await memberStatus(garden, user(c, "cat")), null);
  // Lifted: she follows and is in.
  assert.ok((await unban(on(a), ana, { group: garden, actorUri: user(c, "cat") })).ok);
  await followRemote(c.node, cat, groupId("garden"));
  await waitFor(
    "cat is accepted again",
    async () => (await followStatus(c.node, user(c, "cat"), groupId("garden"))) === "accepted",
  );
  assert.equal(await memberStatus(garden, user(c, "cat")), "active");
});

test("a change of settings reaches members elsewhere as Update(Group)", async () => {
  const result = await updateGroup(on(a), ana, {
    group: council,
    settings: {
      displayName: "Council of the co-op",
      description: "Meets monthly",
      visibility: "members",
      moderated: true,
    },
  });
  assert.ok(result.ok);
  await waitFor(
    "C's copy of the group is updated",
    async () =>
      (await findRemoteActor(c.node.db.db, { uri: groupId("council") }))?.name ===
      "Council of the co-op",
  );
});

test("co-ops join a federation and name delegates; one vote per co-op", async () => {
  const made = await createGroup(on(a), ana, {
    name: "fednet",
    kind: "federation",
    displayName: "Federation",
    visibility: "public",
    moderated: false,
    votingMode: "delegates",
  });
  assert.ok(made.ok);
  const fednet = made.value;
  for (const [n, member] of [
    [b, ben],
    [c, cat],
  ] as const) {
    const actor = await n.node.federation.lookup(`fednet@${a.domain}`);
    assert.ok(actor);
    const joined = await joinFederation(on(n), member, {
      groupUri: actor.uri,
      remoteId: actor.id,
    });
    assert.ok(joined.ok);
    await waitFor(
      "the federation accepts the co-op",
      async () =>
        (await n.node.db.db.selectFrom("coop_affiliations").select("status").executeTakeFirst())
          ?.status === "active",
    );
    const coop = await membershipOf(a.node.db.db, fednet.id, `${n.url}/users/coop`);
    assert.equal(coop?.actor_kind, "coop");
    assert.ok(
      (
        await setDelegates(on(n), member, {
          affiliationId: joined.value.id,
          accountIds: [member.id],
        })
      ).ok,
    );
  }
  const delegates = () =>
    a.node.db.db
      .selectFrom("group_delegates")
      .selectAll()
      .where("group_id", "=", fednet.id)
      .execute();
  await waitFor("both delegates are recorded", async () => (await delegates()).length === 2);
  const ballots = eligibleVoters(
    await votingGroupOf(on(a), (await findGroup(a.node.db.db, "fednet")) as Group),
  );
  assert.deepEqual(
    ballots.map((v) => [v.countsFor, v.castBy]).sort(),
    [
      [`${b.url}/users/coop`, [user(b, "ben")]],
      [`${c.url}/users/coop`, [user(c, "cat")]],
    ].sort(),
  );
  // Dropping a delegate is sent as Remove.
  const aff = await b.node.db.db
    .selectFrom("coop_affiliations")
    .select("id")
    .executeTakeFirstOrThrow();
  assert.ok((await setDelegates(on(b), ben, { affiliationId: aff.id, accountIds: [] })).ok);
  await waitFor("B's delegate is removed", async () => (await delegates()).length === 1);
  // C's co-op leaves (Undo of its Follow); its membership and delegates go.
  const affC = await c.node.db.db
    .selectFrom("coop_affiliations")
    .select("id")
    .executeTakeFirstOrThrow();
  assert.ok((await leaveFederation(on(c), cat, { affiliationId: affC.id })).ok);
  await waitFor(
    "C's co-op has left",
    async () => !(await membershipOf(a.node.db.db, fednet.id, `${c.url}/users/coop`)),
  );
  assert.equal((await delegates()).length, 0);
});

test("the co-op's federation pages: admins only, a bad handle is 422 and changes nothing", async () => {
  await createMember(b, { username: "bob", password: "password123" });
  const bob = await signIn(b, "bob", "password123");
  const admin = await signIn(b, "ben", "password123");
  const count = async () =>
    (await b.node.db.db.selectFrom("coop_affiliations").select("id").execute()).length;
  const before = await count();
  assert.equal((await bob.get("/groups/federations")).status, 403);
  assert.equal(
    (await bob.post("/groups/federations", { handle: `garden@${a.domain}` })).status,
    403,
  );
  assert.equal((await admin.post("/groups/federations", { handle: "not a handle" })).status, 422);
  // A Person is not a federation.
  assert.equal(
    (await admin.post("/groups/federations", { handle: `ana@${a.domain}` })).status,
    422,
  );
  assert.equal(await count(), before);
  const page = await (await admin.get("/groups/federations")).text();
  assert.match(page, /Federation/);
  const aff = await b.node.db.db
    .selectFrom("coop_affiliations")
    .select("id")
    .executeTakeFirstOrThrow();
  // Delegates must be active members here; an unknown name changes nothing, and the
  // error sits next to the field with what was typed in it.
  const field = `delegates-${aff.id}`;
  const refused = await admin.post(`/groups/federations/${aff.id}/delegates`, {
    [field]: "ben, nobody",
  });
  assert.equal(refused.status, 422);
  const refusedPage = await refused.text();
  assert.match(
    refusedPage,
    new RegExp(`id="f-${field}-error">No active member is called nobody\\.`),
  );
  assert.match(refusedPage, new RegExp(`<a href="#f-${field}">No active member`));
  assert.match(refusedPage, new RegExp(`name="${field}"[^>]*value="ben, nobody"`));
  assert.equal(
    (await b.node.db.db.selectFrom("coop_delegates").select("account_id").execute()).length,
    0,
  );
  assert.equal(
    (await admin.post(`/groups/federations/${aff.id}/delegates`, { [field]: "ben" })).status,
    303,
  );
  assert.equal(
    (await b.node.db.db.selectFrom("coop_delegates").select("account_id").execute()).length,
    1,
  );
});

test("a members-only group's thread is served to a member's server only", async () => {
  // cat (node C) is an active member of council; nobody on B is.
  assert.equal(await memberStatus(council, user(c, "cat")), "active");
  const thread = await writeInGroup(socialOf(a), council, ana, {
    title: "Budget",
    ...textPost("Members only"),
  });
  assert.ok(thread.ok);
  const unsigned = await fetch(thread.value.uri, {
    headers: { accept: "application/activity+json" },
  });
  assert.equal(unsigned.status, 404);
  assert.equal((await signedGet(b, thread.value.uri)).status, 404);
  const member = await signedGet(c, thread.value.uri);
  assert.equal(member.status, 200);
  assert.equal(member.doc?.type, "Page");
  assert.equal(member.doc?.name, "Budget");
  assert.equal(member.doc?.audience, groupId("council"));
  // Not public: the Group in `to`, its members in `cc`.
  assert.equal(member.doc?.to, groupId("council"));
  assert.equal(member.doc?.cc, `${groupId("council")}/followers`);
});
