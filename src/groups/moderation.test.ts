/**
 * Moderators' verbs, per verb: what is written, what is refused (not a
 * moderator, not an admin, bad input: then nothing is written), and two
 * moderators acting at once. On SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture, ORIGIN } from "../../test/support/groups.ts";
import type { LocalMember } from "./context.ts";
import type { Group } from "./groups.ts";
import { joinGroup, membershipOf, receiveJoin } from "./memberships.ts";
import { approveRequest, invite, removeMember, setRole, unban } from "./moderation.ts";
import { listBans, moderationLog } from "./moderation-log.ts";

let f: GroupsFixture;
let ada: LocalMember;
let bea: LocalMember;
let cyd: LocalMember;
before(async () => {
  f = await groupsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  cyd = await f.member("cyd");
});
after(() => f.handle.close());

const uri = (m: LocalMember) => `${ORIGIN}/users/${m.username}`;
const rowId = async (group: Group, actorUri: string) => {
  const row = await membershipOf(f.ctx.db, group.id, actorUri);
  assert.ok(row, `${actorUri} has a row`);
  return row.id;
};
/** A member of `group` with `role` (made by its admin, ada). */
async function withRole(group: Group, m: LocalMember, role: "admin" | "moderator") {
  if (!(await membershipOf(f.ctx.db, group.id, uri(m))))
    assert.ok((await invite(f.ctx, ada, { group, target: { kind: "local", account: m } })).ok);
  await joinGroup(f.ctx, m, { group });
  const result = await setRole(f.ctx, ada, { group, memberId: await rowId(group, uri(m)), role });
  assert.ok(result.ok, JSON.stringify(result));
}
const nothingWritten = async (what: () => Promise<unknown>) => {
  const counts = async () =>
    Promise.all(
      (["group_members", "group_bans", "outbox_events", "group_moderation_log"] as const).map((t) =>
        f.count(t),
      ),
    );
  const before = await counts();
  await what();
  assert.deepEqual(await counts(), before);
};

test("approveRequest: a moderator admits (Accept for a remote actor); others are refused", async () => {
  const group = await f.group(ada, { name: "approve", moderated: true });
  const rosa = await f.remote("https://remote.example/users/rosa");
  assert.deepEqual(
    await receiveJoin(f.ctx, rosa, { group, activityUri: "https://remote.example/f/1" }),
    { ok: true, value: "pending" },
  );
  const id = await rowId(group, rosa.uri);
  await nothingWritten(async () => {
    assert.deepEqual(await approveRequest(f.ctx, bea, { group, memberId: id }), {
      ok: false,
      reason: "forbidden",
    });
  });
  assert.equal((await membershipOf(f.ctx.db, group.id, rosa.uri))?.status, "pending");
  const accepted = (await f.events("groups.member.accepted")).length;
  assert.deepEqual(await approveRequest(f.ctx, ada, { group, memberId: id }), {
    ok: true,
    value: { id },
  });
  assert.equal((await membershipOf(f.ctx.db, group.id, rosa.uri))?.status, "active");
  assert.deepEqual((await f.events("groups.member.accepted")).at(-1), {
    groupId: group.id,
    memberId: id,
  });
  assert.equal((await f.events("groups.member.accepted")).length, accepted + 1);
  assert.deepEqual(await approveRequest(f.ctx, ada, { group, memberId: id }), {
    ok: false,
    reason: "not-pending",
  });
  assert.deepEqual(await approveRequest(f.ctx, ada, { group, memberId: "nope" }), {
    ok: false,
    reason: "not-found",
  });
});

test("removeMember: moderators remove members, not admins or each other; a ban is kept and logged", async () => {
  const group = await f.group(ada, { name: "remove" });
  await withRole(group, bea, "moderator");
  const rosa = await f.remote("https://remote.example/users/rosa");
  await receiveJoin(f.ctx, rosa, { group, activityUri: "https://remote.example/f/9" });
  const rosaId = await rowId(group, rosa.uri);
  await nothingWritten(async () => {
    // Not a moderator; a moderator removing the admin; removing oneself; a reason too long.
    assert.deepEqual(await removeMember(f.ctx, cyd, { group, memberId: rosaId }), {
      ok: false,
      reason: "forbidden",
    });
    const adaId = await rowId(group, uri(ada));
    assert.deepEqual(await removeMember(f.ctx, bea, { group, memberId: adaId }), {
      ok: false,
      reason: "forbidden",
    });
    assert.deepEqual(await removeMember(f.ctx, ada, { group, memberId: adaId }), {
      ok: false,
      reason: "invalid",
    });
    assert.deepEqual(
      await removeMember(f.ctx, bea, {
        group,
        memberId: rosaId,
        ban: { reason: "x".repeat(501) },
      }),
      { ok: false, reason: "invalid" },
    );
  });
  f.clock.advance(5000);
  const at = f.clock.now().toISOString();
  assert.ok(
    (await removeMember(f.ctx, bea, { group, memberId: rosaId, ban: { reason: " Spam " } })).ok,
  );
  assert.equal(await membershipOf(f.ctx.db, group.id, rosa.uri), undefined);
  const bans = await listBans(f.ctx.db, group.id);
  assert.deepEqual(
    bans.map((b) => [b.actor_uri, b.banned_by, b.reason, b.created_at]),
    [[rosa.uri, uri(bea), "Spam", at]],
  );
  const log = await moderationLog(f.ctx.db, group.id);
  assert.deepEqual(
    log.map((e) => [e.action, e.moderator_uri, e.target_uri, e.reason, e.created_at]),
    [["ban", uri(bea), rosa.uri, "Spam", at]],
  );
  // The remote actor hears Reject(Follow).
  assert.equal((await f.events("groups.member.removed")).at(-1)?.actorUri, rosa.uri);
});

test("two admins removing each other at once leave one of them", async () => {
  const group = await f.group(ada, { name: "duel" });
  await withRole(group, bea, "admin");
  const adaId = await rowId(group, uri(ada));
  const beaId = await rowId(group, uri(bea));
  const results = await Promise.all([
    removeMember(f.ctx, ada, { group, memberId: beaId }),
    removeMember(f.ctx, bea, { group, memberId: adaId }),
  ]);
  assert.deepEqual(results.map((r) => r.ok).sort(), [false, true], JSON.stringify(results));
  assert.ok(results.some((r) => !r.ok && r.reason === "forbidden"));
  const admins = await f.ctx.db
    .selectFrom("group_members")
    .select("actor_uri")
    .where("group_id", "=", group.id)
    .where("role", "=", "admin")
    .execute();
  assert.equal(admins.length, 1);
});

test("setRole: only admins; a moderator added or removed is announced; bad roles refused", async () => {
  const group = await f.group(ada, { name: "roles" });
  assert.ok((await joinGroup(f.ctx, cyd, { group })).ok);
  const cydId = await rowId(group, uri(cyd));
  await withRole(group, bea, "moderator");
  await nothingWritten(async () => {
    assert.deepEqual(await setRole(f.ctx, bea, { group, memberId: cydId, role: "moderator" }), {
      ok: false,
      reason: "forbidden",
    });
    assert.deepEqual(
      await setRole(f.ctx, ada, { group, memberId: cydId, role: "owner" as "admin" }),
      { ok: false, reason: "invalid" },
    );
    assert.deepEqual(await setRole(f.ctx, ada, { group, memberId: "nope", role: "member" }), {
      ok: false,
      reason: "not-found",
    });
  });
  const added = (await f.events("groups.moderator.added")).length;
  assert.ok((await setRole(f.ctx, ada, { group, memberId: cydId, role: "moderator" })).ok);
  assert.deepEqual((await f.events("groups.moderator.added")).at(-1), {
    groupId: group.id,
    actorUri: uri(cyd),
  });
  // moderator → admin changes no collection: nothing announced.
  assert.ok((await setRole(f.ctx, ada, { group, memberId: cydId, role: "admin" })).ok);
  assert.equal((await f.events("groups.moderator.added")).length, added + 1);
});

test("two admins demoting each other at once leave one admin", async () => {
  const group = await f.group(ada, { name: "demote" });
  await withRole(group, bea, "admin");
  const results = await Promise.all([
    setRole(f.ctx, ada, { group, memberId: await rowId(group, uri(bea)), role: "member" }),
    setRole(f.ctx, bea, { group, memberId: await rowId(group, uri(ada)), role: "member" }),
  ]);
  assert.deepEqual(results.map((r) => r.ok).sort(), [false, true], JSON.stringify(results));
  const admins = await f.ctx.db
    .selectFrom("group_members")
    .select("id")
    .where("group_id", "=", group.id)
    .where("role", "=", "admin")
    .execute();
  assert.equal(admins.length, 1);
});

test("unban: only moderators; an unknown ban is not-found; lifting is logged", async () => {
  const group = await f.group(ada, { name: "unban" });
  assert.ok((await joinGroup(f.ctx, cyd, { group })).ok);
  assert.ok(
    (
      await removeMember(f.ctx, ada, {
        group,
        memberId: await rowId(group, uri(cyd)),
        ban: { reason: "" },
      })
    ).ok,
  );
  await nothingWritten(async () => {
    assert.deepEqual(await unban(f.ctx, bea, { group, actorUri: uri(cyd) }), {
      ok: false,
      reason: "forbidden",
    });
    assert.deepEqual(await unban(f.ctx, ada, { group, actorUri: uri(bea) }), {
      ok: false,
      reason: "not-found",
    });
  });
  assert.deepEqual(await unban(f.ctx, ada, { group, actorUri: uri(cyd) }), {
    ok: true,
    value: null,
  });
  assert.deepEqual(await listBans(f.ctx.db, group.id), []);
  assert.equal((await moderationLog(f.ctx.db, group.id))[0]?.action, "unban");
  assert.ok((await joinGroup(f.ctx, cyd, { group })).ok);
});

test("invite: moderators invite members here and actors elsewhere; not the banned, not members", async () => {
  const group = await f.group(ada, { name: "invites", moderated: true });
  const ivo = await f.remote("https://remote.example/users/ivo");
  const target = { kind: "remote" as const, ...ivo };
  await nothingWritten(async () => {
    assert.deepEqual(await invite(f.ctx, bea, { group, target }), {
      ok: false,
      reason: "forbidden",
    });
    assert.deepEqual(await invite(f.ctx, ada, { group, target: { kind: "local", account: ada } }), {
      ok: false,
      reason: "already-member",
    });
  });
  const invited = await invite(f.ctx, ada, { group, target });
  assert.ok(invited.ok);
  assert.deepEqual((await f.events("groups.member.invited")).at(-1), {
    groupId: group.id,
    memberId: invited.value.id,
  });
  // Inviting someone who asked admits them.
  assert.deepEqual(await joinGroup(f.ctx, bea, { group }), { ok: true, value: "pending" });
  assert.ok((await invite(f.ctx, ada, { group, target: { kind: "local", account: bea } })).ok);
  assert.equal((await membershipOf(f.ctx.db, group.id, uri(bea)))?.status, "active");
  // The banned cannot be invited.
  assert.ok(
    (await removeMember(f.ctx, ada, { group, memberId: invited.value.id, ban: { reason: "" } })).ok,
  );
  await nothingWritten(async () => {
    assert.deepEqual(await invite(f.ctx, ada, { group, target }), { ok: false, reason: "banned" });
  });
});
