/**
 * A groups capability on a fresh database (SQLite, or PostgreSQL with
 * TEST_DATABASE_URL) with a fixed clock: members, remote actors and groups by
 * name, and counts of what was written, for the tests beside src/groups/.
 */
import assert from "node:assert/strict";
import { createAccount, type Role } from "../../src/accounts/accounts.ts";
import type { Db } from "../../src/db/database.ts";
import { upsertRemoteActor } from "../../src/federation/remote-actors.ts";
import type { GroupsContext, LocalMember, RemoteActorRef } from "../../src/groups/context.ts";
import { createGroup, type Group, type NewGroup } from "../../src/groups/groups.ts";
import { fixedClock } from "../../src/kernel/clock.ts";
import { testDatabase } from "./db.ts";

export const ORIGIN = "https://coop.example";
export const START = new Date("2026-03-01T12:00:00.000Z");

export interface GroupsFixture {
  handle: Db;
  ctx: GroupsContext;
  clock: ReturnType<typeof fixedClock>;
  /** A member of this node (the first of a test file may be made admin). */
  member(username: string, role?: Role): Promise<LocalMember>;
  /** An actor on another server, stored as if fetched. */
  remote(uri: string, type?: string): Promise<RemoteActorRef>;
  /** A group created by `creator` (its admin). */
  group(creator: LocalMember, input: Partial<NewGroup> & { name: string }): Promise<Group>;
  /** Rows of a table (for "nothing written" checks). */
  count(
    table:
      | "group_members"
      | "group_bans"
      | "outbox_events"
      | "groups"
      | "group_moderation_log"
      | "group_delegates"
      | "coop_affiliations"
      | "coop_delegates",
  ): Promise<number>;
  /** The outbox events of one type, payloads parsed. */
  events(type: string): Promise<Record<string, unknown>[]>;
}

export async function groupsFixture(): Promise<GroupsFixture> {
  const handle = await testDatabase();
  const clock = fixedClock(START);
  const ctx: GroupsContext = {
    db: handle.db,
    origin: ORIGIN,
    domain: new URL(ORIGIN).host,
    clock,
  };
  return {
    handle,
    ctx,
    clock,
    async member(username, role = "member") {
      const made = await createAccount(
        handle.db,
        { username, email: `${username}@example.test`, password: "long enough", role },
        { passwordCost: 8 },
      );
      assert.ok(made.ok, JSON.stringify(made));
      return { id: made.value.id, username: made.value.username };
    },
    async remote(uri, type = "Person") {
      const url = new URL(uri);
      const row = await upsertRemoteActor(
        handle.db,
        {
          uri,
          type,
          username: url.pathname.split("/").pop() ?? "x",
          host: url.host,
          name: "",
          summary: "",
          url: null,
          avatarUrl: null,
          inbox: `${uri}/inbox`,
          sharedInbox: `${url.origin}/inbox`,
          followers: null,
          following: null,
          manuallyApprovesFollowers: false,
        },
        clock,
      );
      return { uri, remoteId: row.id, type };
    },
    async group(creator, input) {
      const made = await createGroup(ctx, creator, {
        kind: "working_group",
        displayName: input.name,
        visibility: "public",
        moderated: false,
        ...input,
      });
      assert.ok(made.ok, JSON.stringify(made));
      return made.value;
    },
    async count(table) {
      const row = await handle.db
        .selectFrom(table)
        .select(handle.db.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async events(type) {
      const rows = await handle.db
        .selectFrom("outbox_events")
        .select("payload")
        .where("type", "=", type)
        .orderBy("id")
        .execute();
      return rows.map((r) => JSON.parse(r.payload) as Record<string, unknown>);
    },
  };
}
