/**
 * PostgreSQL: a batch's reads started beside its transaction, so they overlap
 * the transaction's BEGIN and the process's lock instead of following them
 * (node-postgres runs one statement at a time per connection, and each round
 * trip on a loaded machine is a wait for the scheduler). Two reads, each on a
 * connection of its own: the districts' rules (skipped when district-rules.ts
 * holds them), and the process with its group, then who of the batch's voters
 * takes part.
 *
 * What the transaction takes from here is checked against the process row it
 * locked: rules are used only when the process read beside them is still
 * voting, hosted here, and entered voting at the same time (nothing changes
 * rules from then on: district-rules.ts); eligibility only when the process
 * is the same process of the same group. Eligibility is then read a moment
 * before the lock rather than after it; memberships are not guarded by the
 * process's lock either way, so a ballot is judged by the roster as it stood
 * when its batch started, after it was cast.
 *
 * The transaction waits for a read only once that read holds its connection
 * (it then needs nothing more from the pool); one that is still waiting for a
 * connection is dropped and the transaction reads for itself. So a pool
 * filled by transactions can never wait on reads that wait on the pool.
 */
import { getLogger } from "@logtape/logtape";
import type { Kysely } from "kysely";
import type { Schema } from "../../../db/schema.ts";
import type { Group } from "../../../groups/groups.ts";
import type { BudgetingContext } from "./context.ts";
import { hasRules, type RulesOf, readRulesWithPhase } from "./district-rules.ts";
import { whoTakePart } from "./eligibility.ts";
import type { Process } from "./reads.ts";

const logger = getLogger(["synco", "budgeting", "ballots"]);

/** A read on a connection of its own, which a transaction may wait for only once it holds one. */
class ReadAhead<T> {
  #holds = false;
  #dropped = false;
  readonly #result: Promise<T | undefined>;

  constructor(db: Kysely<Schema>, read: (db: Kysely<Schema>) => Promise<T>) {
    this.#result = db
      .connection()
      .execute(async (conn) => {
        if (this.#dropped) return undefined;
        this.#holds = true;
        return read(conn);
      })
      .catch((error: unknown) => {
        // The transaction reads for itself and meets the same error, if it is not passing.
        logger.warn("A ballot batch's read ahead failed: {error}", { error });
        return undefined;
      });
  }

  /** Settles when the read has run (or failed, or was dropped). */
  done(): Promise<unknown> {
    return this.#result;
  }

  /** The read's result if it holds its connection; otherwise undefined, and the read is dropped. */
  take(): Promise<T | undefined> {
    if (this.#holds) return this.#result;
    this.#dropped = true;
    return Promise.resolve(undefined);
  }
}

type Ref = Pick<Process, "id" | "group_id" | "eligibility" | "local" | "group_uri">;

export interface ReadsAhead {
  /** The districts' rules, if still valid for the locked process. */
  rules(locked: Process): Promise<RulesOf | undefined>;
  /** Who of the voters takes part, if read for this same process and group. */
  takingPart(locked: Process): Promise<Set<string> | undefined>;
  /** Settles when both reads have run (tests wait for it; batches never do). */
  ready(): Promise<void>;
}

/** Starts a batch's reads for `processId` (PostgreSQL only; the caller checks). */
export function readAhead(
  ctx: BudgetingContext,
  processId: string,
  voterUris: readonly string[],
): ReadsAhead {
  const rules = hasRules(ctx.db, processId)
    ? undefined
    : new ReadAhead(ctx.db, (db) => readRulesWithPhase(db, processId));
  const eligibility = new ReadAhead(ctx.db, async (db) => {
    const row = await processWithGroup(db, processId);
    if (!row) return undefined;
    const yes = await whoTakePart({ ...ctx, db }, row.p, voterUris, row.group);
    return { p: row.p as Ref, yes };
  });
  return {
    async rules(locked) {
      const read = await rules?.take();
      if (!read || locked.local !== 1 || locked.phase !== "voting") return undefined;
      return read.phase === "voting" && read.phaseChangedAt === locked.phase_changed_at
        ? read.rules
        : undefined;
    },
    async takingPart(locked) {
      const read = await eligibility.take();
      if (!read) return undefined;
      const same =
        read.p.id === locked.id &&
        read.p.group_id === locked.group_id &&
        read.p.eligibility === locked.eligibility &&
        read.p.local === locked.local &&
        read.p.group_uri === locked.group_uri;
      return same ? read.yes : undefined;
    },
    async ready() {
      await Promise.all([rules?.done(), eligibility.done()]);
    },
  };
}

/**
 * The process with its group in one read, the process locked FOR UPDATE when
 * `lock` (one batch at a time per process in this server; across servers the
 * lock orders them). The group's columns come back under "g_", a prefix no
 * column of the process has.
 */
export async function processWithGroup(
  db: Kysely<Schema>,
  processId: string,
  lock = false,
): Promise<{ p: Process; group: Group | undefined } | undefined> {
  let q = db
    .selectFrom("pb_processes as p")
    .leftJoin("groups as g", "g.id", "p.group_id")
    .selectAll("p")
    .select([
      "g.id as g_id",
      "g.name as g_name",
      "g.kind as g_kind",
      "g.display_name as g_display_name",
      "g.description as g_description",
      "g.visibility as g_visibility",
      "g.moderated as g_moderated",
      "g.posting_restricted as g_posting_restricted",
      "g.voting_mode as g_voting_mode",
      "g.created_by as g_created_by",
      "g.created_at as g_created_at",
      "g.updated_at as g_updated_at",
    ])
    .where("p.id", "=", processId);
  if (lock) q = q.forUpdate("p");
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  const p: Record<string, unknown> = {};
  const g: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    if (k.startsWith("g_")) g[k.slice(2)] = v;
    else p[k] = v;
  return {
    p: p as unknown as Process,
    group: g.id === null ? undefined : (g as unknown as Group),
  };
}
