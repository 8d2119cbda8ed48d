/**
 * A member's groups (the lists apps show): belonging is what visibility counts as
 * membership — an active row, the assembly for every active account, an accepted
 * Follow of a Group elsewhere — and nothing else (a request, a follow still
 * pending, another actor type, a suspended account).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture, ORIGIN } from "../../test/support/groups.ts";
import { newId } from "../kernel/ids.ts";
import type { LocalMember } from "./context.ts";
import { memberGroup, memberGroups } from "./member-groups.ts";
import { joinGroup } from "./memberships.ts";

let f: GroupsFixture;
let ada: LocalMember;
let bea: LocalMember;
before(async () => {
  f = await groupsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
});
after(() => f.handle.close());

async function follow(
  member: LocalMember,
  remote: { uri: string; remoteId: string },
  status: "pending" | "accepted",
) {
  const now = f.clock.now().toISOString();
  await f.ctx.db
    .insertInto("follows")
    .values({
      id: newId(),
      follower_uri: `${ORIGIN}/users/${member.username}`,
      followee_uri: remote.uri,
      follower_account_id: member.id,
      follower_remote_id: null,
      followee_account_id: null,
      followee_remote_id: remote.remoteId,
      status,
      activity_uri: `${ORIGIN}/follows/${newId()}`,
      created_at: now,
      accepted_at: status === "accepted" ? now : null,
    })
    .execute();
}

test("memberGroups: groups here and elsewhere the member belongs to, each with its key", async () => {
  const garden = await f.group(ada, { name: "Garden", displayName: "The garden" });
  const quiet = await f.group(ada, { name: "quiet", visibility: "members", moderated: true });
  assert.deepEqual(await joinGroup(f.ctx, bea, { group: garden }), { ok: true, value: "active" });
  assert.deepEqual(await joinGroup(f.ctx, bea, { group: quiet }), { ok: true, value: "pending" });
  const crew = await f.remote("https://far.example/c/crew", "Group");
  const waiting = await f.remote("https://far.example/c/waiting", "Group");
  const person = await f.remote("https://far.example/u/ann", "Person");
  await follow(bea, crew, "accepted");
  await follow(bea, waiting, "pending");
  await follow(bea, person, "accepted");
  const groups = await memberGroups(f.ctx.db, ORIGIN, bea);
  assert.deepEqual(
    groups.map((g) => [g.key, g.title, g.uri, g.groupId]),
    [
      [
        "group:assembly",
        "Assembly",
        `${ORIGIN}/groups/assembly`,
        (
          await f.ctx.db
            .selectFrom("groups")
            .select("id")
            .where("kind", "=", "assembly")
            .executeTakeFirstOrThrow()
        ).id,
      ],
      ["group:Garden", "The garden", `${ORIGIN}/groups/Garden`, garden.id],
      // A Group elsewhere without a name is shown by its handle.
      ["group:crew@far.example", "crew@far.example", crew.uri, null],
    ],
  );
  // Keys are matched without regard to case, as group names and handles are.
  assert.equal((await memberGroup(f.ctx.db, ORIGIN, bea, "group:garden"))?.groupId, garden.id);
  assert.equal(
    await memberGroup(f.ctx.db, ORIGIN, bea, "group:quiet"),
    null,
    "a request is not belonging",
  );
  assert.equal(await memberGroup(f.ctx.db, ORIGIN, bea, "group:waiting@far.example"), null);
  assert.equal(await memberGroup(f.ctx.db, ORIGIN, bea, "group:ann@far.example"), null);
  assert.equal(await memberGroup(f.ctx.db, ORIGIN, bea, "garden"), null, "not a group key");
});

test("memberGroups: a suspended member belongs to none", async () => {
  await f.ctx.db
    .updateTable("accounts")
    .set({ status: "suspended" })
    .where("id", "=", bea.id)
    .execute();
  assert.deepEqual(await memberGroups(f.ctx.db, ORIGIN, bea), []);
});
