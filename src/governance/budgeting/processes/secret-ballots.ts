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

/** One secret ballot to record: where, who voted (and who cast it), and the choices. */
export interface SecretBallotEntry {
  districtId: string;
  voterUri: string;
  castByUri: string;
  choices: Choices;
}

/**
 * Records that each voter voted and, apart, what was chosen, for a batch of one
 * process (voters distinct per district); each voter's receipt, or null
 * (nothing written for them) when they had voted in that district already.
 * The ballots go in in random-id order, not the voters', so not even one
 * statement pairs them. On PostgreSQL the caller then rewrites each district
 * touched (`rewriteInKeyOrder`), once, under the process's row lock.
 */
export async function insertSecretBallots(
  trx: Kysely<Schema>,
  processId: string,
  entries: readonly SecretBallotEntry[],
): Promise<(string | null)[]> {
  if (entries.length === 0) return [];
  const inserted = await trx
    .insertInto("pb_voters")
    .values(
      entries.map((e) => ({
        process_id: processId,
        district_id: e.districtId,
        voter_uri: e.voterUri,
        cast_by_uri: e.castByUri,
      })),
    )
    .onConflict((oc) => oc.columns(["process_id", "district_id", "voter_uri"]).doNothing())
    .returning(["district_id", "voter_uri"])
    .execute();
  const fresh = new Set(inserted.map((r) => `${r.district_id}\n${r.voter_uri}`));
  const receipts = entries.map((e) =>
    fresh.has(`${e.districtId}\n${e.voterUri}`) ? newToken(32) : null,
  );
  const ballots = entries
    .flatMap((e, i) => {
      const receipt = receipts[i];
      if (!receipt) return [];
      return [
        {
          process_id: processId,
          district_id: e.districtId,
          id: randomUUID(),
          choices: JSON.stringify(e.choices),
          receipt_hash: hashReceipt(receipt),
        },
      ];
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (ballots.length > 0) await trx.insertInto("pb_secret_ballots").values(ballots).execute();
  return receipts;
}

/**
 * The holder of a receipt replaces their choices; false if no ballot of this
 * district has it. On PostgreSQL the caller rewrites the district afterwards.
 */
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
  return changed.numUpdatedRows > 0n;
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
export async function rewriteInKeyOrder(trx: Kysely<Schema>, at: Where): Promise<void> {
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
