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
import { type Kysely, sql } from "kysely";
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

/** One secret vote to record: who (for whom, cast by whom), with what weight, and the choice. */
export interface SecretBallotEntry {
  voterUri: string;
  castByUri: string;
  weight: number;
  choice: BallotChoice;
}

/**
 * Records that each voter voted and, apart, what was chosen; returns each
 * voter's receipt, or null (nothing written for them) when they had voted
 * already. The voters must be distinct. The ballots are written in random-id
 * order, not the voters' order, so not even one batch's statement pairs them.
 * On PostgreSQL the caller then calls `rewriteInKeyOrder` once, under the
 * decision's row lock, before committing.
 */
export async function insertSecretBallots(
  trx: Kysely<Schema>,
  decisionId: string,
  entries: SecretBallotEntry[],
): Promise<(string | null)[]> {
  if (entries.length === 0) return [];
  const inserted = await trx
    .insertInto("decision_voters")
    .values(
      entries.map((e) => ({
        decision_id: decisionId,
        voter_uri: e.voterUri,
        cast_by_uri: e.castByUri,
      })),
    )
    .onConflict((oc) => oc.columns(["decision_id", "voter_uri"]).doNothing())
    .returning("voter_uri")
    .execute();
  const fresh = new Set(inserted.map((r) => r.voter_uri));
  const receipts = entries.map((e) => (fresh.has(e.voterUri) ? newToken(32) : null));
  const ballots = entries
    .flatMap((e, i) => {
      const receipt = receipts[i];
      if (!receipt) return [];
      return [
        {
          decision_id: decisionId,
          id: randomUUID(),
          weight: e.weight,
          choice: JSON.stringify(e.choice),
          receipt_hash: hashReceipt(receipt),
        },
      ];
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (ballots.length > 0) await trx.insertInto("decision_ballots").values(ballots).execute();
  return receipts;
}

/**
 * The holder of a receipt replaces the choice on their ballot; false if no
 * ballot has it. On PostgreSQL the caller rewrites the tables afterwards.
 */
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
  return changed.numUpdatedRows > 0n;
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
 * this transaction's. The caller holds the decision's row lock. A batch of
 * votes (group-commit.ts) pays this once, not once per vote.
 */
export async function rewriteInKeyOrder(trx: Kysely<Schema>, decisionId: string): Promise<void> {
  // One statement: the rows never leave the database, and the unique checks of the
  // re-inserts see the deletions (same statement, same transaction).
  await sql`
    WITH voters AS (DELETE FROM decision_voters WHERE decision_id = ${decisionId} RETURNING *),
    ballots AS (DELETE FROM decision_ballots WHERE decision_id = ${decisionId} RETURNING *),
    voters_again AS (
      INSERT INTO decision_voters (decision_id, voter_uri, cast_by_uri)
      SELECT decision_id, voter_uri, cast_by_uri FROM voters ORDER BY voter_uri
    )
    INSERT INTO decision_ballots (decision_id, id, weight, choice, receipt_hash)
    SELECT decision_id, id, weight, choice, receipt_hash FROM ballots ORDER BY id`.execute(trx);
}
