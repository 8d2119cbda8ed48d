/**
 * Decisions on a fresh database (SQLite, or PostgreSQL with TEST_DATABASE_URL)
 * with a fixed clock: the groups fixture plus a group whose members are given,
 * and a proposal with sane defaults, for the tests beside src/governance/decisions/.
 */
import assert from "node:assert/strict";
import type { Voter } from "../../src/governance/decisions/context.ts";
import type { NewDecision } from "../../src/governance/decisions/decisions.ts";
import type { LocalMember } from "../../src/groups/context.ts";
import type { Group } from "../../src/groups/groups.ts";
import { joinGroup } from "../../src/groups/memberships.ts";
import { memberUri } from "../../src/kernel/uris.ts";
import { type GroupsFixture, groupsFixture, ORIGIN } from "./groups.ts";

export { ORIGIN };

export interface DecisionsFixture extends GroupsFixture {
  /** A working group made by `admin`, `members` joined. */
  groupWith(name: string, admin: LocalMember, members: LocalMember[]): Promise<Group>;
  /** A proposal closing in a day (fields overridable). */
  proposal(over?: Partial<NewDecision>): NewDecision;
  voter(m: LocalMember): Voter;
  rows(
    table:
      | "decisions"
      | "decision_votes"
      | "decision_voters"
      | "decision_ballots"
      | "notifications"
      | "posts"
      | "outbox_events",
  ): Promise<number>;
}

export async function decisionsFixture(): Promise<DecisionsFixture> {
  const f = await groupsFixture();
  return {
    ...f,
    async groupWith(name, admin, members) {
      const group = await f.group(admin, { name });
      for (const m of members) {
        const joined = await joinGroup(f.ctx, m, { group });
        assert.ok(joined.ok, JSON.stringify(joined));
      }
      return group;
    },
    proposal(over = {}) {
      return {
        title: "Buy a cargo bike",
        body: "For deliveries.",
        rule: "consent",
        closesAt: new Date(f.clock.now().getTime() + 24 * 3600_000).toISOString(),
        ...over,
      };
    },
    voter: (m) => ({ uri: memberUri(ORIGIN, m.username), accountId: m.id }),
    async rows(table) {
      const row = await f.handle.db
        .selectFrom(table)
        .select(f.handle.db.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
