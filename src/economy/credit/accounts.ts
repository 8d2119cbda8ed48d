/**
 * Accounts of a ledger: one per member co-op, opened for every active member
 * co-op (group_members.actor_kind = "coop") when the ledger opens and whenever
 * the ledger is used after a co-op joined. An account is never deleted: a co-op
 * that leaves keeps its history and balance (it can no longer transact), so the
 * journal still adds up. Limits are set per account by the group's admins and
 * may not be set so that the current balance already breaks them.
 */
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import { locksRows } from "../../accounts/locking.ts";
import type { CreditAccountsTable } from "../../db/schema/economy.ts";
import type { Schema } from "../../db/schema.ts";
import { findGroupById } from "../../groups/groups.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { type CreditContext, MAX_AMOUNT, type Member } from "./context.ts";
import { findLedger, isLedgerAdmin, type Ledger } from "./ledgers.ts";

export type CreditAccount = Selectable<CreditAccountsTable>;

/** The active member co-ops of the ledger's group. */
export async function memberCoops(db: Kysely<Schema>, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("group_members")
    .select("actor_uri")
    .where("group_id", "=", groupId)
    .where("actor_kind", "=", "coop")
    .where("status", "=", "active")
    .execute();
  return rows.map((r) => r.actor_uri);
}

/** Opens an account at the ledger's defaults for each active member co-op that has none. */
export async function openAccounts(
  db: Kysely<Schema>,
  ledger: Ledger,
  at: string,
): Promise<number> {
  const coops = await memberCoops(db, ledger.group_id);
  if (coops.length === 0) return 0;
  const have = new Set(
    (
      await db
        .selectFrom("credit_accounts")
        .select("coop_uri")
        .where("ledger_id", "=", ledger.id)
        .execute()
    ).map((a) => a.coop_uri),
  );
  let opened = 0;
  for (const coop of coops.filter((c) => !have.has(c))) {
    await db
      .insertInto("credit_accounts")
      .values({
        id: newId(),
        ledger_id: ledger.id,
        coop_uri: coop,
        balance: 0,
        debit_limit: ledger.default_debit_limit,
        credit_limit: ledger.default_credit_limit,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.columns(["ledger_id", "coop_uri"]).doNothing())
      .execute();
    opened++;
  }
  return opened;
}

/** Opens the accounts of co-ops that joined since (its own transaction). */
export async function syncAccounts(ctx: CreditContext, ledgerId: string): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const ledger = await findLedger(trx, ledgerId);
    return ledger ? openAccounts(trx, ledger, ctx.clock.now().toISOString()) : 0;
  });
}

/** Every account of a ledger, by co-op. */
export function accountsOf(db: Kysely<Schema>, ledgerId: string): Promise<CreditAccount[]> {
  return db
    .selectFrom("credit_accounts")
    .selectAll()
    .where("ledger_id", "=", ledgerId)
    .orderBy("coop_uri")
    .execute();
}

export function accountOf(
  db: Kysely<Schema>,
  ledgerId: string,
  coopUri: string,
): Promise<CreditAccount | undefined> {
  return db
    .selectFrom("credit_accounts")
    .selectAll()
    .where("ledger_id", "=", ledgerId)
    .where("coop_uri", "=", coopUri)
    .executeTakeFirst();
}

/** How many of these co-ops are active members of the ledger's group now (who may transact). */
export async function activeMemberCoops(db: Kysely<Schema>, groupId: string, coopUris: string[]) {
  const row = await db
    .selectFrom("group_members")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("group_id", "=", groupId)
    .where("actor_uri", "in", coopUris)
    .where("actor_kind", "=", "coop")
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const limit = z.number().int().min(0).max(MAX_AMOUNT);
export const limitsSchema = z.strictObject({ debitLimit: limit, creditLimit: limit });

export type SetLimitsProblem = "invalid" | "not-found" | "forbidden" | "limit-below-balance";

/** A group admin sets one account's limits; refused if the balance already lies outside them. */
export async function setLimits(
  ctx: CreditContext,
  member: Member,
  input: { ledgerId: string; accountId: string; limits: unknown },
): Promise<Result<null, SetLimitsProblem>> {
  const parsed = limitsSchema.safeParse(input.limits);
  if (!parsed.success) return fail("invalid");
  const { debitLimit, creditLimit } = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const ledger = await findLedger(trx, input.ledgerId);
    const group = ledger && (await findGroupById(trx, ledger.group_id));
    if (!ledger || !group) return fail("not-found" as const);
    if (!(await isLedgerAdmin(trx, ctx.origin, group, member))) return fail("forbidden" as const);
    // Locked as a transfer locks it, so a transfer cannot slip between the check and the change.
    const row = await trx
      .selectFrom("credit_accounts")
      .select("coop_uri")
      .where("id", "=", input.accountId)
      .where("ledger_id", "=", ledger.id)
      .executeTakeFirst();
    const account = row && (await lockAccounts(trx, ledger.id, [row.coop_uri]))[0];
    if (!account) return fail("not-found" as const);
    if (account.balance < -debitLimit || account.balance > creditLimit)
      return fail("limit-below-balance" as const);
    await trx
      .updateTable("credit_accounts")
      .set({
        debit_limit: debitLimit,
        credit_limit: creditLimit,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", account.id)
      .execute();
    return ok(null);
  });
}

/**
 * Reads accounts of a ledger (by co-op) for a change, locked on PostgreSQL (FOR UPDATE) in
 * the order of their ids, so two transfers between the same two accounts in
 * opposite directions queue instead of deadlocking. SQLite's one writer
 * serialises transactions already (BEGIN IMMEDIATE).
 */
export async function lockAccounts(
  trx: Kysely<Schema>,
  ledgerId: string,
  coopUris: string[],
): Promise<CreditAccount[]> {
  const q = trx
    .selectFrom("credit_accounts")
    .selectAll()
    .where("ledger_id", "=", ledgerId)
    .where("coop_uri", "in", coopUris)
    .orderBy("id");
  return (locksRows(trx) ? q.forUpdate() : q).execute();
}
