/**
 * Secret PB ballots, stored as decisions' secret ballots are
 * (governance/decisions/secret-ballot.ts explains the design): who voted in
 * `pb_voters`, what was chosen in `pb_secret_ballots`, sharing nothing but the
 * process and district; a random ballot id; no timestamps; WITHOUT ROWID on
 * SQLite; and on PostgreSQL both tables' rows of the district rewritten in key
 * order by every write, so neither physical order (ctid) nor the writing
 * transaction (xmin) pairs a voter with a ballot. The voter holds a receipt
 * (shown once); only its SHA-256 is kept, and only it changes or reads the ballot.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Schema } from "../../../db/schema.ts";
import { newToken } from "../../../kernel/ids.ts";
import { hashReceipt, isPostgres, isReceiptShaped } from "../../decisions/secret-ballot.ts";
import type { Choices } from "./ballot-rules.ts";

export { hashReceipt, isReceiptShaped };

interface Where {
  processId: string;
  districtId: string;
}

export async function hasVotedSecretly(
  db: Kysely<Schema>,
  at: Where,
  voterUri: string,
): Promise<boolean> {
  return !!(await db
    .selectFrom("pb_voters")
    .select("voter_uri")
    .where("process_id", "=", at.processId)
    .where("district_id", "=", at.districtId)
    .where("voter_uri", "=", voterUri)
    .executeTakeFirst());
}

/** Records that `voterUri` voted and, apart, the choices; the receipt, or null (nothing written) if they had voted. */
export async function castSecretBallot(
  trx: Kysely<Schema>,
  at: Where & { voterUri: string; castByUri: string; choices: Choices },
): Promise<string | null> {
  const first = await trx
    .insertInto("pb_voters")
    .values({
      process_id: at.processId,
      district_id: at.districtId,
      voter_uri: at.voterUri,
      cast_by_uri: at.castByUri,
    })
    .onConflict((oc) => oc.columns(["process_id", "district_id", "voter_uri"]).doNothing())
    .executeTakeFirst();
  if (Number(first.numInsertedOrUpdatedRows ?? 0n) !== 1) return null;
  const receipt = newToken(32);
  await trx
    .insertInto("pb_secret_ballots")
    .values({
      process_id: at.processId,
      district_id: at.districtId,
      id: randomUUID(),
      choices: JSON.stringify(at.choices),
      receipt_hash: hashReceipt(receipt),
    })
    .execute();
  if (isPostgres(trx)) await rewriteInKeyOrder(trx, at);
  return receipt;
}

/** The holder of a receipt replaces their choices; false if no ballot of this district has it. */
export async function changeSecretBallot(
  trx: Kysely<Schema>,
  at: Where,
  receipt: string,
  choices: Choices,
): Promise<boolean> {
  if (!isReceiptShaped(receipt)) return false;
  const changed = await trx
    .updateTable("pb_secret_ballots")
    .set({ choices: JSON.stringify(choices) })
    .where("process_id", "=", at.processId)
    .where("district_id", "=", at.districtId)
    .where("receipt_hash", "=", hashReceipt(receipt))
    .executeTakeFirst();
  if (changed.numUpdatedRows === 0n) return false;
  if (isPostgres(trx)) await rewriteInKeyOrder(trx, at);
  return true;
}

/** Withdraws the receipt's ballot and the voter's mark; false (nothing removed) if the receipt is unknown. */
export async function withdrawSecretBallot(
  trx: Kysely<Schema>,
  at: Where,
  voterUri: string,
  receipt: string,
): Promise<boolean> {
  if (!isReceiptShaped(receipt)) return false;
  const gone = await trx
    .deleteFrom("pb_secret_ballots")
    .where("process_id", "=", at.processId)
    .where("district_id", "=", at.districtId)
    .where("receipt_hash", "=", hashReceipt(receipt))
    .executeTakeFirst();
  if (gone.numDeletedRows === 0n) return false;
  await trx
    .deleteFrom("pb_voters")
    .where("process_id", "=", at.processId)
    .where("district_id", "=", at.districtId)
    .where("voter_uri", "=", voterUri)
    .execute();
  if (isPostgres(trx)) await rewriteInKeyOrder(trx, at);
  return true;
}

/** The choices on the receipt's ballot, or null. */
export async function secretBallotByReceipt(
  db: Kysely<Schema>,
  at: Where,
  receipt: string,
): Promise<Choices | null> {
  if (!isReceiptShaped(receipt)) return null;
  const row = await db
    .selectFrom("pb_secret_ballots")
    .select("choices")
    .where("process_id", "=", at.processId)
    .where("district_id", "=", at.districtId)
    .where("receipt_hash", "=", hashReceipt(receipt))
    .executeTakeFirst();
  return row ? (JSON.parse(row.choices) as Choices) : null;
}

/**
 * PostgreSQL: delete and re-insert the district's rows of both tables in key
 * order, so ctid follows the keys and every row's xmin is this transaction's.
 * The caller holds the process's row lock.
 */
async function rewriteInKeyOrder(trx: Kysely<Schema>, at: Where): Promise<void> {
  const voters = await trx
    .deleteFrom("pb_voters")
    .where("process_id", "=", at.processId)
    .where("district_id", "=", at.districtId)
    .returningAll()
    .execute();
  const ballots = await trx
    .deleteFrom("pb_secret_ballots")
    .where("process_id", "=", at.processId)
    .where("district_id", "=", at.districtId)
    .returningAll()
    .execute();
  const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  voters.sort((a, b) => byKey(a.voter_uri, b.voter_uri));
  ballots.sort((a, b) => byKey(a.id, b.id));
  for (let i = 0; i < voters.length; i += 500)
    await trx
      .insertInto("pb_voters")
      .values(voters.slice(i, i + 500))
      .execute();
  for (let i = 0; i < ballots.length; i += 500)
    await trx
      .insertInto("pb_secret_ballots")
      .values(ballots.slice(i, i + 500))
      .execute();
}
