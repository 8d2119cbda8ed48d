/**
 * Secret ballots: who voted (decision_voters) and what was chosen
 * (decision_ballots) in two tables that share nothing but the decision's id.
 * A ballot's id is random (UUIDv4, not time-ordered); neither table has a
 * timestamp or an autoincrement. On SQLite both are WITHOUT ROWID tables, so
 * rows sit in key order (voter URI; random ballot id), not arrival order. On
 * PostgreSQL a heap keeps arrival order (ctid) and each row carries the id of
 * the transaction that wrote it (xmin), which the voter's row would share with
 * their ballot: so every vote rewrites both tables of its decision in key
 * order, in its own transaction, and every row then carries the same xmin.
 *
 * The voter gets a receipt (a random secret shown once); only its SHA-256
 * sits beside the choice. With it, and only with it, they change or read
 * their ballot. What stays out of reach (WAL, dead tuples before VACUUM, the
 * database's own logs) is in docs/decisions.md.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { locksRows } from "../../accounts/locking.ts";
import type { Schema } from "../../db/schema.ts";
import { newToken } from "../../kernel/ids.ts";
import type { Ballot, BallotChoice } from "./types.ts";

export const isPostgres = (db: Kysely<Schema>) => locksRows(db);

export const hashReceipt = (receipt: string) =>
  createHash("sha256").update(receipt, "utf8").digest("hex");

/** A receipt looks like this (base64url of 32 random bytes); anything else is refused unread. */
export const isReceiptShaped = (s: string) => /^[A-Za-z0-9_-]{43}$/.test(s);

export async function hasVotedSecretly(
  db: Kysely<Schema>,
  decisionId: string,
  voterUri: string,
): Promise<boolean> {
  return !!(await db
    .selectFrom("decision_voters")
    .select("voter_uri")
    .where("decision_id", "=", decisionId)
    .where("voter_uri", "=", voterUri)
    .executeTakeFirst());
}

/**
 * Records that `voterUri` voted and, apart, what was chosen; returns the
 * voter's receipt, or null (nothing written) when they had voted already.
 */
export async function castSecretBallot(
  trx: Kysely<Schema>,
  input: {
    decisionId: string;
    voterUri: string;
    castByUri: string;
    weight: number;
    choice: BallotChoice;
  },
): Promise<string | null> {
  const receipt = newToken(32);
  const first = await trx
    .insertInto("decision_voters")
    .values({
      decision_id: input.decisionId,
      voter_uri: input.voterUri,
      cast_by_uri: input.castByUri,
    })
    .onConflict((oc) => oc.columns(["decision_id", "voter_uri"]).doNothing())
    .executeTakeFirst();
  if (Number(first.numInsertedOrUpdatedRows ?? 0n) !== 1) return null;
  await trx
    .insertInto("decision_ballots")
    .values({
      decision_id: input.decisionId,
      id: randomUUID(),
      weight: input.weight,
      choice: JSON.stringify(input.choice),
      receipt_hash: hashReceipt(receipt),
    })
    .execute();
  if (isPostgres(trx)) await rewriteInKeyOrder(trx, input.decisionId);
  return receipt;
}

/** The holder of a receipt replaces the choice on their ballot; false if no ballot has it. */
export async function changeSecretBallot(
  trx: Kysely<Schema>,
  decisionId: string,
  receipt: string,
  choice: BallotChoice,
): Promise<boolean> {
  if (!isReceiptShaped(receipt)) return false;
  const changed = await trx
    .updateTable("decision_ballots")
    .set({ choice: JSON.stringify(choice) })
    .where("decision_id", "=", decisionId)
    .where("receipt_hash", "=", hashReceipt(receipt))
    .executeTakeFirst();
  if (changed.numUpdatedRows === 0n) return false;
  if (isPostgres(trx)) await rewriteInKeyOrder(trx, decisionId);
  return true;
}

/** What the holder of a receipt chose (their export, or "check my vote"); null if unknown. */
export async function ballotByReceipt(
  db: Kysely<Schema>,
  decisionId: string,
  receipt: string,
): Promise<BallotChoice | null> {
  if (!isReceiptShaped(receipt)) return null;
  const row = await db
    .selectFrom("decision_ballots")
    .select("choice")
    .where("decision_id", "=", decisionId)
    .where("receipt_hash", "=", hashReceipt(receipt))
    .executeTakeFirst();
  return row ? (JSON.parse(row.choice) as BallotChoice) : null;
}

/** A decision's secret ballots, in random-id order (what the count and the export read). */
export async function secretBallots(db: Kysely<Schema>, decisionId: string): Promise<Ballot[]> {
  const rows = await db
    .selectFrom("decision_ballots")
    .select(["choice", "weight"])
    .where("decision_id", "=", decisionId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ choice: JSON.parse(r.choice) as BallotChoice, weight: r.weight }));
}

/** Every vote of a decision, named or secret (an amendment starts a new round). */
export async function clearVotes(trx: Kysely<Schema>, decisionId: string): Promise<void> {
  await trx.deleteFrom("decision_votes").where("decision_id", "=", decisionId).execute();
  await trx.deleteFrom("decision_voters").where("decision_id", "=", decisionId).execute();
  await trx.deleteFrom("decision_ballots").where("decision_id", "=", decisionId).execute();
}

/**
 * PostgreSQL: delete and re-insert both tables' rows of the decision in key
 * order, so physical order (ctid) follows the keys and every row's xmin is
 * this transaction's. The caller holds the decision's row lock.
 */
async function rewriteInKeyOrder(trx: Kysely<Schema>, decisionId: string): Promise<void> {
  const voters = await trx
    .deleteFrom("decision_voters")
    .where("decision_id", "=", decisionId)
    .returningAll()
    .execute();
  const ballots = await trx
    .deleteFrom("decision_ballots")
    .where("decision_id", "=", decisionId)
    .returningAll()
    .execute();
  voters.sort((a, b) => (a.voter_uri < b.voter_uri ? -1 : a.voter_uri > b.voter_uri ? 1 : 0));
  ballots.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 0; i < voters.length; i += 500)
    await trx
      .insertInto("decision_voters")
      .values(voters.slice(i, i + 500))
      .execute();
  for (let i = 0; i < ballots.length; i += 500)
    await trx
      .insertInto("decision_ballots")
      .values(ballots.slice(i, i + 500))
      .execute();
}
