/**
 * Participatory budgeting on a fresh database (SQLite, or PostgreSQL with
 * TEST_DATABASE_URL) with a fixed clock: the decisions fixture (members, a
 * working group with members) plus a process with sane defaults, for the tests
 * beside src/governance/budgeting/processes/.
 */
import assert from "node:assert/strict";
import type { Voter } from "../../src/governance/budgeting/processes/context.ts";
import {
  createProcess,
  type NewProcess,
} from "../../src/governance/budgeting/processes/processes.ts";
import type { LocalMember } from "../../src/groups/context.ts";
import type { Group } from "../../src/groups/groups.ts";
import { memberUri } from "../../src/kernel/uris.ts";
import { type DecisionsFixture, decisionsFixture, ORIGIN } from "./decisions.ts";

export { ORIGIN };

export interface BudgetingFixture extends DecisionsFixture {
  /** A process of `group` opened by `by` (a moderator), fields overridable. */
  process(by: LocalMember, group: Group, over?: Partial<NewProcess>): Promise<string>;
  /** A process's input with two districts and two categories. */
  processInput(over?: Partial<NewProcess>): NewProcess;
  as(m: LocalMember): Voter;
  /** Rows of a budgeting table (for "nothing written" checks). */
  pbRows(
    table: "pb_processes" | "pb_projects" | "pb_progress_updates" | "notifications",
  ): Promise<number>;
}

export async function budgetingFixture(): Promise<BudgetingFixture> {
  const f = await decisionsFixture();
  const as = (m: LocalMember): Voter => ({ uri: memberUri(ORIGIN, m.username), accountId: m.id });
  const processInput = (over: Partial<NewProcess> = {}): NewProcess => ({
    title: "Neighbourhood budget 2027",
    description: "What should the co-op fund this year?",
    currency: "EUR",
    districts: [
      { name: "North", budget: 100_000 },
      { name: "South", budget: 50_000 },
    ],
    categories: ["Green spaces", "Culture"],
    ...over,
  });
  return {
    ...f,
    as,
    processInput,
    async process(by, group, over = {}) {
      const made = await createProcess(f.ctx, as(by), {
        groupId: group.id,
        process: processInput(over),
      });
      assert.ok(made.ok, JSON.stringify(made));
      return made.value.id;
    },
    async pbRows(table) {
      const row = await f.handle.db
        .selectFrom(table)
        .select(f.handle.db.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
