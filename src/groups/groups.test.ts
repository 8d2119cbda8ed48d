/**
 * Creating groups and changing their settings: the shared name space, bad
 * input (nothing written), who may, and two creations of one name at once.
 * On SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture, ORIGIN, START } from "../../test/support/groups.ts";
import type { LocalMember } from "./context.ts";
import { assembly, createGroup, findGroup, type NewGroup, updateGroup } from "./groups.ts";
import { joinGroup, membershipOf } from "./memberships.ts";

let f: GroupsFixture;
let ada: LocalMember;
let bea: LocalMember;
before(async () => {
  f = await groupsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
});
after(() => f.handle.close());

const input = (name: string, more: Partial<NewGroup> = {}): NewGroup => ({
  name,
  kind: "working_group",
  displayName: name,
  visibility: "public",
  moderated: false,
  ...more,
});
const nothingWritten = async (what: () => Promise<unknown>) => {
  const counts = async () =>
    Promise.all((["groups", "group_members", "outbox_events"] as const).map((t) => f.count(t)));
  const before = await counts();
  await what();
  assert.deepEqual(await counts(), before);
};

test("createGroup: the group and its creator as first admin, stamped by the clock", async () => {
  const made = await createGroup(f.ctx, bea, input("bakery", { description: " Bread " }));
  assert.ok(made.ok);
  assert.equal(made.value.created_at, START.toISOString());
  assert.equal(made.value.description, "Bread");
  const row = await findGroup(f.ctx.db, "BAKERY");
  assert.equal(row?.id, made.value.id);
  const admin = await membershipOf(f.ctx.db, made.value.id, `${ORIGIN}/users/bea`);
  assert.deepEqual(
    [admin?.role, admin?.status, admin?.created_at],
    ["admin", "active", START.toISOString()],
  );
});

test("createGroup: bad input, reserved names, names taken, federations by non-admins; nothing written", async () => {
  await f.group(ada, { name: "taken_name" });
  await nothingWritten(async () => {
    for (const [bad, reason] of [
      [input("no spaces"), "invalid"],
      [input("x".repeat(31)), "invalid"],
      [input("fine", { displayName: "" }), "invalid"],
      [input("fine", { kind: "assembly" as "working_group" }), "invalid"],
      [input("Coop"), "reserved-name"],
      [input("groups"), "reserved-name"],
      [input("ADA"), "name-taken"],
      [input("Taken_Name"), "name-taken"],
    ] as const)
      assert.deepEqual(await createGroup(f.ctx, ada, bad), { ok: false, reason }, bad.name);
    assert.deepEqual(await createGroup(f.ctx, bea, input("fed", { kind: "federation" })), {
      ok: false,
      reason: "forbidden",
    });
  });
  assert.ok((await createGroup(f.ctx, ada, input("fed", { kind: "federation" }))).ok);
});

test("createGroup: two creations of one name at once make one group", async () => {
  const results = await Promise.all([
    createGroup(f.ctx, ada, input("Twins")),
    createGroup(f.ctx, bea, input("twins")),
    createGroup(f.ctx, bea, input("TWINS")),
  ]);
  assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
  assert.ok(results.every((r) => r.ok || r.reason === "name-taken"));
  const rows = await f.ctx.db
    .selectFrom("groups")
    .select("id")
    .where("name", "in", ["Twins", "twins", "TWINS"])
    .execute();
  assert.equal(rows.length, 1);
});

test("updateGroup: only the group's admins; bad input refused; Update(Group) recorded", async () => {
  const group = await f.group(ada, { name: "prefs" });
  assert.ok((await joinGroup(f.ctx, bea, { group })).ok);
  const settings = {
    displayName: "Settings",
    description: "New",
    visibility: "members" as const,
    moderated: true,
  };
  await nothingWritten(async () => {
    assert.deepEqual(await updateGroup(f.ctx, bea, { group, settings }), {
      ok: false,
      reason: "forbidden",
    });
    assert.deepEqual(
      await updateGroup(f.ctx, ada, { group, settings: { ...settings, displayName: " " } }),
      { ok: false, reason: "invalid" },
    );
  });
  assert.equal((await findGroup(f.ctx.db, "prefs"))?.description, "");
  f.clock.advance(3_600_000);
  const updated = await updateGroup(f.ctx, ada, { group, settings });
  assert.ok(updated.ok);
  const row = await findGroup(f.ctx.db, "prefs");
  assert.deepEqual(
    [row?.visibility, row?.moderated, row?.updated_at],
    ["members", 1, f.clock.now().toISOString()],
  );
  assert.deepEqual((await f.events("groups.group.updated")).at(-1), { groupId: group.id });
});

test("updateGroup: the assembly stays members-only and open; the node's admins change it", async () => {
  const group = await assembly(f.ctx.db);
  const settings = { displayName: "Assembly", visibility: "public" as const, moderated: true };
  assert.deepEqual(await updateGroup(f.ctx, bea, { group, settings }), {
    ok: false,
    reason: "forbidden",
  });
  const updated = await updateGroup(f.ctx, ada, { group, settings });
  assert.ok(updated.ok);
  assert.deepEqual([updated.value.visibility, updated.value.moderated], ["members", 0]);
});
