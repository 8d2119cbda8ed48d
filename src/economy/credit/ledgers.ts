/**
 * A federation group's mutual-credit ledger (Credit Commons style): its admins
 * open it with the unit the group names and the default limits of new accounts;
 * every active member co-op then has an account (accounts.ts). One ledger per
 * group, hosted on the group's node and served at `ledgerUriOf(groupUri)`.
 */
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import type { CreditLedgersTable } from "../../db/schema/economy.ts";
import type { Schema } from "../../db/schema.ts";
import { findGroupById, type Group } from "../../groups/groups.ts";
import { standingOf } from "../../groups/standing.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { groupUri } from "../../kernel/uris.ts";
import { openAccounts } from "./accounts.ts";
import { type CreditContext, MAX_AMOUNT, MAX_UNIT, type Member } from "./context.ts";

export type Ledger = Selectable<CreditLedgersTable>;

/** Where a group's ledger (its journal, an OrderedCollection) is served: beside the Group actor. */
export const ledgerUriOf = (groupActorUri: string) => `${groupActorUri}/ledger`;
/** A transfer of a ledger: its id in the journal. */
export const transferUriOf = (ledgerUri: string, transferId: string) =>
  `${ledgerUri}/transfers/${transferId}`;

const limit = z.number().int().min(0).max(MAX_AMOUNT);
export const ledgerSettingsSchema = z.strictObject({
  unit: z
    .string()
    .trim()
    .min(1)
    .max(MAX_UNIT)
    .regex(/^[\p{L}\p{N} ._-]+$/u),
  defaultDebitLimit: limit,
  defaultCreditLimit: limit,
});
export type LedgerSettings = z.input<typeof ledgerSettingsSchema>;

export function findLedger(db: Kysely<Schema>, id: string): Promise<Ledger | undefined> {
  return db.selectFrom("credit_ledgers").selectAll().where("id", "=", id).executeTakeFirst();
}

export function ledgerOfGroup(db: Kysely<Schema>, groupId: string): Promise<Ledger | undefined> {
  return db
    .selectFrom("credit_ledgers")
    .selectAll()
    .where("group_id", "=", groupId)
    .executeTakeFirst();
}

export function ledgerByUri(db: Kysely<Schema>, uri: string): Promise<Ledger | undefined> {
  return db.selectFrom("credit_ledgers").selectAll().where("uri", "=", uri).executeTakeFirst();
}

/** Is the member an admin of the group (who opens the ledger and sets limits)? */
export async function isLedgerAdmin(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  member: Member,
) {
  const account = await db
    .selectFrom("accounts")
    .select("status")
    .where("id", "=", member.id)
    .executeTakeFirst();
  if (account?.status !== "active") return false;
  const standing = await standingOf(db, origin, group, member);
  return standing.status === "active" && standing.role === "admin";
}

export type CreateLedgerProblem =
  | "invalid"
  | "not-found"
  | "not-a-federation"
  | "forbidden"
  | "exists";

/** A group admin opens the ledger; every active member co-op gets an account at the defaults. */
export async function createLedger(
  ctx: CreditContext,
  member: Member,
  input: { groupId: string; settings: unknown },
): Promise<Result<{ id: string }, CreateLedgerProblem>> {
  const parsed = ledgerSettingsSchema.safeParse(input.settings);
  if (!parsed.success) return fail("invalid");
  const s = parsed.data;
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const group = await findGroupById(trx, input.groupId);
    if (!group) return fail("not-found" as const);
    if (group.kind !== "federation") return fail("not-a-federation" as const);
    if (!(await isLedgerAdmin(trx, ctx.origin, group, member))) return fail("forbidden" as const);
    if (await ledgerOfGroup(trx, group.id)) return fail("exists" as const);
    const id = newId();
    await trx
      .insertInto("credit_ledgers")
      .values({
        id,
        uri: ledgerUriOf(groupUri(ctx.origin, group.name)),
        group_id: group.id,
        unit: s.unit,
        default_debit_limit: s.defaultDebitLimit,
        default_credit_limit: s.defaultCreditLimit,
        last_seq: 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const ledger = await findLedger(trx, id);
    if (ledger) await openAccounts(trx, ledger, at);
    return ok({ id });
  });
}

/** A group admin renames the unit or changes the defaults (existing accounts keep their limits). */
export async function updateLedger(
  ctx: CreditContext,
  member: Member,
  input: { ledgerId: string; settings: unknown },
): Promise<Result<null, "invalid" | "not-found" | "forbidden">> {
  const parsed = ledgerSettingsSchema.safeParse(input.settings);
  if (!parsed.success) return fail("invalid");
  const s = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const ledger = await findLedger(trx, input.ledgerId);
    const group = ledger && (await findGroupById(trx, ledger.group_id));
    if (!ledger || !group) return fail("not-found" as const);
    if (!(await isLedgerAdmin(trx, ctx.origin, group, member))) return fail("forbidden" as const);
    await trx
      .updateTable("credit_ledgers")
      .set({
        unit: s.unit,
        default_debit_limit: s.defaultDebitLimit,
        default_credit_limit: s.defaultCreditLimit,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", ledger.id)
      .execute();
    return ok(null);
  });
}
