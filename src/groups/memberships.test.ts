/**
 * Joining and leaving, per verb: what is written, what is refused (and then
 * nothing is written), and two requests at once. On SQLite, or on PostgreSQL
 * with TEST_DATABASE_URL (where concurrent calls run on separate connections).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture, ORIGIN, START } from "../../test/support/groups.ts";
import type { LocalMember } from "./context.ts";
import { assembly } from "./groups.ts";
import {
  joinGroup,
  leaveGroup,
  membershipOf,
  receiveInviteAnswer,
  receiveJoin,
  receiveLeave,
} from "./memberships.ts";
import { invite, removeMember, setRole } from "./moderation.ts";

let f: GroupsFixture;
let ada: LocalMember;
let bea: LocalMember;
before(async () => {
  f = await groupsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
});
after(() => f.handle.close());

const uri = (m: LocalMember) => `${ORIGIN}/users/${m.username}`;
const rowOf = async (groupId: string, actorUri: string) =>
  membershipOf(f.ctx.db, groupId, actorUri);

test("joinGroup: an open group admits at once, a moderated one keeps a request", async () => {
  const open = await f.group(ada, { name: "open_join" });
  const closed = await f.group(ada, { name: "closed_join", moderated: true });
  f.clock.advance(60_000);
  assert.deepEqual(await joinGroup(f.ctx, bea, { group: open }), { ok: true, value: "active" });
  assert.deepEqual(await joinGroup(f.ctx, bea, { group: closed }), { ok: true, value: "pending" });
  const row = await rowOf(open.id, uri(bea));
  assert.equal(row?.created_at, new Date(START.getTime() + 60_000).toISOString());
  assert.equal(row?.account_id, bea.id);
  // Again: refused, and nothing more is written.
  const before = await f.count("group_members");
  assert.deepEqual(await joinGroup(f.ctx, bea, { group: open }), {
    ok: false,
    reason: "already-member",
  });
  assert.deepEqual(await joinGroup(f.ctx, bea, { group: closed }), {
    ok: false,
    reason: "already-requested",
  });
  assert.equal(await f.count("group_members"), before);
});

test("joinGroup: refused in the assembly and when banned; nothing is written", async () => {
  const group = await f.group(ada, { name: "ban_join" });
  const cyd = await f.member("cyd");
  assert.ok((await joinGroup(f.ctx, cyd, { group })).ok);
  const row = await rowOf(group.id, uri(cyd));
  assert.ok(row);
  assert.ok((await removeMember(f.ctx, ada, { group, memberId: row.id, ban: { reason: "" } })).ok);
  const members = await f.count("group_members");
  assert.deepEqual(await joinGroup(f.ctx, cyd, { group }), { ok: false, reason: "banned" });
  assert.deepEqual(await joinGroup(f.ctx, bea, { group: await assembly(f.ctx.db) }), {
    ok: false,
    reason: "assembly",
  });
  assert.equal(await f.count("group_members"), members);
});

test("joinGroup: an invitation admits at once, even in a moderated group", async () => {
  const group = await f.group(ada, { name: "invited_join", moderated: true });
  assert.ok((await invite(f.ctx, ada, { group, target: { kind: "local", account: bea } })).ok);
  assert.equal((await rowOf(group.id, uri(bea)))?.status, "invited");
  assert.deepEqual(await joinGroup(f.ctx, bea, { group }), { ok: true, value: "active" });
});

test("joinGroup: two joins at once leave one row (one is told it is already a member)", async () => {
  const group = await f.group(ada, { name: "race_join" });
  const results = await Promise.all([
    joinGroup(f.ctx, bea, { group }),
    joinGroup(f.ctx, bea, { group }),
    joinGroup(f.ctx, bea, { group }),
  ]);
  assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
  assert.ok(results.every((r) => r.ok || r.reason === "already-member"));
  const rows = await f.ctx.db
    .selectFrom("group_members")
    .select("id")
    .where("group_id", "=", group.id)
    .where("actor_uri", "=", uri(bea))
    .execute();
  assert.equal(rows.length, 1);
});

test("leaveGroup: a member leaves; a moderator leaving is announced; a stranger is refused", async () => {
  const group = await f.group(ada, { name: "leave_it" });
  const dan = await f.member("dan");
  assert.deepEqual(await leaveGroup(f.ctx, dan, { group }), { ok: false, reason: "not-a-member" });
  assert.ok((await joinGroup(f.ctx, dan, { group })).ok);
  const row = await rowOf(group.id, uri(dan));
  assert.ok(row);
  assert.ok((await setRole(f.ctx, ada, { group, memberId: row.id, role: "moderator" })).ok);
  const removed = (await f.events("groups.moderator.removed")).length;
  assert.deepEqual(await leaveGroup(f.ctx, dan, { group }), { ok: true, value: { id: row.id } });
  assert.equal(await rowOf(group.id, uri(dan)), undefined);
  assert.equal((await f.events("groups.moderator.removed")).length, removed + 1);
  assert.deepEqual(await leaveGroup(f.ctx, ada, { group: await assembly(f.ctx.db) }), {
    ok: false,
    reason: "assembly",
  });
});

test("receiveJoin: a Follow admits (Accept recorded once), a moderated group keeps it pending", async () => {
  const open = await f.group(ada, { name: "remote_open" });
  const closed = await f.group(ada, { name: "remote_closed", moderated: true });
  const rosa = await f.remote("https://remote.example/users/rosa");
  const accepted = (await f.events("groups.member.accepted")).length;
  const follow = { group: open, activityUri: "https://remote.example/follows/1" };
  assert.deepEqual(await receiveJoin(f.ctx, rosa, follow), { ok: true, value: "active" });
  // The same Follow delivered again changes nothing and sends nothing more.
  assert.deepEqual(await receiveJoin(f.ctx, rosa, follow), { ok: true, value: "active" });
  const row = await rowOf(open.id, rosa.uri);
  assert.equal(row?.remote_id, rosa.remoteId);
  assert.equal(row?.follow_activity_uri, follow.activityUri);
  const events = await f.events("groups.member.accepted");
  assert.equal(events.length, accepted + 1);
  assert.deepEqual(events.at(-1), { groupId: open.id, memberId: row?.id });
  assert.deepEqual(
    await receiveJoin(f.ctx, rosa, { group: closed, activityUri: "https://remote.example/f/2" }),
    { ok: true, value: "pending" },
  );
  assert.equal((await f.events("groups.member.accepted")).length, accepted + 1);
});

test("receiveJoin: a banned actor's Follow is rejected and no request is kept", async () => {
  const group = await f.group(ada, { name: "remote_ban" });
  const spam = await f.remote("https://spam.example/users/spam");
  assert.ok(
    (await receiveJoin(f.ctx, spam, { group, activityUri: "https://spam.example/f/1" })).ok,
  );
  const row = await rowOf(group.id, spam.uri);
  assert.ok(row);
  assert.ok(
    (await removeMember(f.ctx, ada, { group, memberId: row.id, ban: { reason: "spam" } })).ok,
  );
  const rejects = (await f.events("groups.member.removed")).length;
  assert.deepEqual(
    await receiveJoin(f.ctx, spam, { group, activityUri: "https://spam.example/f/2" }),
    { ok: false, reason: "banned" },
  );
  assert.equal(await rowOf(group.id, spam.uri), undefined);
  const events = await f.events("groups.member.removed");
  assert.equal(events.length, rejects + 1);
  assert.equal(events.at(-1)?.followActivityUri, "https://spam.example/f/2");
});

test("receiveJoin: a co-op's Organization joins a federation as a co-op; two Follows at once leave one row", async () => {
  const fed = await f.group(ada, { name: "fed_join", kind: "federation" });
  const coop = await f.remote("https://other.example/users/coop", "Organization");
  const results = await Promise.all(
    [1, 2, 3].map((n) =>
      receiveJoin(f.ctx, coop, { group: fed, activityUri: `https://other.example/f/${n}` }),
    ),
  );
  assert.ok(
    results.every((r) => r.ok && r.value === "active"),
    JSON.stringify(results),
  );
  const rows = await f.ctx.db
    .selectFrom("group_members")
    .selectAll()
    .where("group_id", "=", fed.id)
    .where("actor_uri", "=", coop.uri)
    .execute();
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.actor_kind, "coop");
});

test("receiveLeave: the actor's row and, for a co-op, its delegates go", async () => {
  const fed = await f.group(ada, { name: "fed_leave", kind: "federation" });
  const coop = await f.remote("https://third.example/users/coop", "Organization");
  assert.ok(
    (await receiveJoin(f.ctx, coop, { group: fed, activityUri: "https://third.example/f" })).ok,
  );
  await f.ctx.db
    .insertInto("group_delegates")
    .values({
      group_id: fed.id,
      coop_uri: coop.uri,
      delegate_uri: "https://third.example/users/ana",
      created_at: START.toISOString(),
    })
    .execute();
  assert.ok((await receiveLeave(f.ctx, coop, { group: fed })).ok);
  assert.equal(await rowOf(fed.id, coop.uri), undefined);
  const delegates = await f.ctx.db
    .selectFrom("group_delegates")
    .select("delegate_uri")
    .where("group_id", "=", fed.id)
    .execute();
  assert.deepEqual(delegates, []);
  assert.deepEqual(await receiveLeave(f.ctx, coop, { group: fed }), {
    ok: false,
    reason: "not-a-member",
  });
});

test("receiveInviteAnswer: only the invitee's answer counts; Reject drops the invitation, Accept admits", async () => {
  const group = await f.group(ada, { name: "answers" });
  const ivo = await f.remote("https://remote.example/users/ivo");
  const target = { kind: "remote" as const, ...ivo };
  const invited = await invite(f.ctx, ada, { group, target });
  assert.ok(invited.ok);
  const memberId = invited.value.id;
  // Someone else answering for ivo changes nothing.
  assert.deepEqual(
    await receiveInviteAnswer(
      f.ctx,
      { uri: "https://remote.example/users/eve" },
      { group, memberId, accept: true },
    ),
    { ok: false, reason: "not-invited" },
  );
  assert.equal((await rowOf(group.id, ivo.uri))?.status, "invited");
  assert.deepEqual(await receiveInviteAnswer(f.ctx, ivo, { group, memberId, accept: false }), {
    ok: true,
    value: "declined",
  });
  assert.equal(await rowOf(group.id, ivo.uri), undefined);
  const again = await invite(f.ctx, ada, { group, target });
  assert.ok(again.ok);
  f.clock.advance(1000);
  assert.deepEqual(
    await receiveInviteAnswer(f.ctx, ivo, { group, memberId: again.value.id, accept: true }),
    { ok: true, value: "admitted" },
  );
  const row = await rowOf(group.id, ivo.uri);
  assert.equal(row?.status, "active");
  assert.equal(row?.updated_at, f.clock.now().toISOString());
});
