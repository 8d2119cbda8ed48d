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
import { type Kysely, sql } from "kysely";
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
 * The ballots go in in key (random id) order, not the voters', so not even one
 * statement pairs them.
 *
 * On PostgreSQL every district written — the entries' and `changed` (ballots
 * changed by receipt earlier in the transaction) — is rewritten in key order
 * in the same two statements (see `rewriteInKeyOrder`); the caller holds the
 * process's row lock.
 */
export async function insertSecretBallots(
  trx: Kysely<Schema>,
  processId: string,
  entries: readonly SecretBallotEntry[],
  changed: readonly string[] = [],
): Promise<(string | null)[]> {
  const districts = [...new Set([...entries.map((e) => e.districtId), ...changed])];
  if (districts.length === 0) return [];
  const receiptOf = new Map<string, string>();
  const ballotOf = new Map<string, NewBallot>();
  for (const e of entries) {
    const receipt = newToken(32);
    receiptOf.set(voterKey(e), receipt);
    ballotOf.set(voterKey(e), {
      district_id: e.districtId,
      id: randomUUID(),
      choices: JSON.stringify(e.choices),
      receipt_hash: hashReceipt(receipt),
    });
  }
  const fresh = isPostgres(trx)
    ? await rewriteVoters(trx, processId, districts, entries)
    : await insertVoters(trx, processId, entries);
  const ballots = [...fresh].flatMap((k) => ballotOf.get(k) ?? []).sort(byDistrictAndId);
  if (isPostgres(trx)) await rewriteBallots(trx, processId, districts, ballots);
  else if (ballots.length > 0)
    await trx
      .insertInto("pb_secret_ballots")
      .values(ballots.map((b) => ({ process_id: processId, ...b })))
      .execute();
  return entries.map((e) => (fresh.has(voterKey(e)) ? (receiptOf.get(voterKey(e)) ?? null) : null));
}

interface NewBallot {
  district_id: string;
  id: string;
  choices: string;
  receipt_hash: string;
}

const voterKey = (e: { districtId: string; voterUri: string }) => `${e.districtId}\n${e.voterUri}`;
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byDistrictAndId = (a: NewBallot, b: NewBallot) =>
  byKey(a.district_id, b.district_id) || byKey(a.id, b.id);

/** SQLite: the voters who had not voted yet are inserted; their keys. */
async function insertVoters(
  trx: Kysely<Schema>,
  processId: string,
  entries: readonly SecretBallotEntry[],
): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
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
  return new Set(
    inserted.map((r) => voterKey({ districtId: r.district_id, voterUri: r.voter_uri })),
  );
}

/**
 * PostgreSQL, one statement: the districts' voters are deleted and written
 * back in key order together with the entries of voters not among them; the
 * keys of those (who had not voted yet). ORDER BY sorts all rows before the
 * first is inserted, so the deleted rows are gone when their keys come back.
 */
async function rewriteVoters(
  trx: Kysely<Schema>,
  processId: string,
  districts: readonly string[],
  entries: readonly SecretBallotEntry[],
): Promise<Set<string>> {
  const incoming = JSON.stringify(
    entries.map((e) => ({
      district_id: e.districtId,
      voter_uri: e.voterUri,
      cast_by_uri: e.castByUri,
    })),
  );
  const { rows } = await sql<{ district_id: string; voter_uri: string }>`
    WITH old AS (
      DELETE FROM pb_voters
      WHERE process_id = ${processId} AND district_id = ANY(${districts}::text[])
      RETURNING district_id, voter_uri, cast_by_uri
    ), fresh AS (
      SELECT n.district_id, n.voter_uri, n.cast_by_uri
      FROM json_to_recordset(${incoming}::json) AS n(district_id text, voter_uri text, cast_by_uri text)
      WHERE NOT EXISTS (
        SELECT 1 FROM old WHERE old.district_id = n.district_id AND old.voter_uri = n.voter_uri
      )
    ), written AS (
      INSERT INTO pb_voters (process_id, district_id, voter_uri, cast_by_uri)
      SELECT ${processId}, a.district_id, a.voter_uri, a.cast_by_uri
      FROM (SELECT * FROM old UNION ALL SELECT * FROM fresh) AS a
      ORDER BY a.district_id, a.voter_uri
    )
    SELECT district_id, voter_uri FROM fresh`.execute(trx);
  return new Set(rows.map((r) => voterKey({ districtId: r.district_id, voterUri: r.voter_uri })));
}

/** PostgreSQL, one statement: the districts' ballots and the new ones, written back in key order. */
async function rewriteBallots(
  trx: Kysely<Schema>,
  processId: string,
  districts: readonly string[],
  ballots: readonly NewBallot[],
): Promise<void> {
  await sql`
    WITH old AS (
      DELETE FROM pb_secret_ballots
      WHERE process_id = ${processId} AND district_id = ANY(${districts}::text[])
      RETURNING district_id, id, choices, receipt_hash
    )
    INSERT INTO pb_secret_ballots (process_id, district_id, id, choices, receipt_hash)
    SELECT ${processId}, a.district_id, a.id, a.choices, a.receipt_hash
    FROM (
      SELECT * FROM old
      UNION ALL
      SELECT * FROM json_to_recordset(${JSON.stringify(ballots)}::json)
        AS n(district_id text, id text, choices text, receipt_hash text)
    ) AS a
    ORDER BY a.district_id, a.id`.execute(trx);
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
 * order, so ctid follows the keys and every row's xmin is this transaction's
 * (two statements; the rows never leave the server). The caller holds the
 * process's row lock.
 */
export async function rewriteInKeyOrder(trx: Kysely<Schema>, at: Where): Promise<void> {
  await rewriteVoters(trx, at.processId, [at.districtId], []);
  await rewriteBallots(trx, at.processId, [at.districtId], []);
}
