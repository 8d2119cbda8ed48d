/**
 * A detector of links between voters and secret ballots, for the
 * unlinkability test (src/governance/decisions/secret-ballot.test.ts). Given a
 * database and the ground truth (who chose what, with every choice distinct),
 * it reads every row of every table — with the hidden columns that betray
 * order: SQLite's rowid, PostgreSQL's ctid and xmin, and the order a plain scan
 * returns — and tries three kinds of query an attacker could write:
 *
 * 1. a row that holds both a voter and a choice;
 * 2. a value (an id, a timestamp, a hash: anything of 8 characters or more)
 *    that marks one ballot and also appears in a row naming a voter;
 * 3. an order: sort the ballots by one feature and a table's voter rows by
 *    another, pair them rank by rank (either direction), and count the pairs
 *    that are right. Chance gets about one right; `threshold` (a quarter of
 *    the voters, at least 8) keeps false alarms below 1e-4 over every pair.
 *
 * Each finding names the tables and features, so a failure says what leaked.
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";
import type { Schema } from "../../src/db/schema.ts";

export interface Truth {
  /** The voter's tokens (actor URI, account id) → the choice's stored text. */
  voters: { tokens: string[]; choice: string }[];
}

type Row = Record<string, unknown>;
interface TableRows {
  table: string;
  rows: Row[];
}

async function allRows(db: Kysely<Schema>): Promise<TableRows[]> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const names = postgres
    ? (
        await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db)
      ).rows.map((r) => r.name)
    : (
        await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db)
      ).rows.map((r) => r.name);
  const out: TableRows[] = [];
  for (const table of names) {
    const id = sql.id(table);
    let rows: Row[];
    if (postgres)
      rows = (
        await sql<Row>`SELECT ctid::text AS "__ctid", xmin::text AS "__xmin", * FROM ${id}`.execute(
          db,
        )
      ).rows;
    else
      rows = await sql<Row>`SELECT rowid AS "__rowid", * FROM ${id}`
        .execute(db)
        .then((r) => r.rows)
        // WITHOUT ROWID tables have none: the scan order is all there is.
        .catch(async () => (await sql<Row>`SELECT * FROM ${id}`.execute(db)).rows);
    out.push({ table, rows: rows.map((r, i) => ({ ...r, __scan: i })) });
  }
  return out;
}

const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));
const contains = (row: Row, token: string) =>
  Object.entries(row).some(([k, v]) => !k.startsWith("__") && text(v).includes(token));

/** A sortable number or string for a feature; ctid "(page,tuple)" becomes one number. */
function featureValue(row: Row, key: string): number | string {
  const v = row[key];
  if (key === "__ctid") {
    const [page, tuple] = text(v).replace(/[()]/g, "").split(",").map(Number);
    return (page ?? 0) * 65536 + (tuple ?? 0);
  }
  if (typeof v === "number" || typeof v === "bigint") return Number(v);
  if (key === "__xmin") return Number(v);
  return text(v);
}

const compare = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);

export async function findLinks(db: Kysely<Schema>, truth: Truth): Promise<string[]> {
  const tables = await allRows(db);
  const choiceOf = new Map(truth.voters.map((v, i) => [i, v.choice]));
  const choices = new Set(truth.voters.map((v) => v.choice));
  const findings: string[] = [];
  const threshold = Math.max(8, Math.ceil(truth.voters.length / 4));

  // Ballot rows: rows holding exactly one of the choices.
  const ballots: { table: string; row: Row; choice: string }[] = [];
  // Voter rows: rows naming exactly one voter (index into truth.voters).
  const voterRows = new Map<string, { row: Row; voter: number }[]>();
  for (const { table, rows } of tables)
    for (const row of rows) {
      const held = Object.entries(row)
        .filter(([k]) => !k.startsWith("__"))
        .map(([, v]) => text(v))
        .filter((v) => choices.has(v));
      const named = truth.voters.flatMap((v, i) =>
        v.tokens.some((t) => contains(row, t)) ? [i] : [],
      );
      if (held.length > 0 && named.length > 0)
        findings.push(`${table}: a row holds both a voter and a choice`);
      if (held.length === 1) ballots.push({ table, row, choice: held[0] as string });
      if (named.length === 1 && held.length === 0) {
        const list = voterRows.get(table) ?? [];
        list.push({ row, voter: named[0] as number });
        voterRows.set(table, list);
      }
    }

  // 2. Values that mark one ballot and appear in a voter's row.
  const counts = new Map<string, number>();
  for (const b of ballots)
    for (const [k, v] of Object.entries(b.row))
      if (!k.startsWith("__") && text(v).length >= 8)
        counts.set(text(v), (counts.get(text(v)) ?? 0) + 1);
  for (const b of ballots)
    for (const [k, v] of Object.entries(b.row)) {
      const value = text(v);
      if (k.startsWith("__") || value.length < 8 || counts.get(value) !== 1 || value === b.choice)
        continue;
      for (const [table, rows] of voterRows)
        for (const { row } of rows)
          if (contains(row, value)) findings.push(`${b.table}.${k} = ${table} row value`);
    }

  // 3. Orders: every feature of the ballot rows against every feature of each table's voter rows.
  const byTable = new Map<string, typeof ballots>();
  for (const b of ballots) byTable.set(b.table, [...(byTable.get(b.table) ?? []), b]);
  for (const [bTable, bRows] of byTable) {
    if (bRows.length < threshold) continue;
    const bKeys = Object.keys(bRows[0]?.row ?? {});
    for (const [vTable, vRows] of voterRows) {
      if (vRows.length < threshold) continue;
      const vKeys = Object.keys(vRows[0]?.row ?? {});
      for (const bk of bKeys)
        for (const vk of vKeys) {
          const bSorted = [...bRows].sort((x, y) =>
            compare(featureValue(x.row, bk), featureValue(y.row, bk)),
          );
          const vSorted = [...vRows].sort((x, y) =>
            compare(featureValue(x.row, vk), featureValue(y.row, vk)),
          );
          if (new Set(bSorted.map((x) => featureValue(x.row, bk))).size < 2) continue;
          if (new Set(vSorted.map((x) => featureValue(x.row, vk))).size < 2) continue;
          for (const reversed of [false, true]) {
            const vs = reversed ? [...vSorted].reverse() : vSorted;
            let right = 0;
            const n = Math.min(bSorted.length, vs.length);
            for (let i = 0; i < n; i++)
              if (choiceOf.get((vs[i] as { voter: number }).voter) === bSorted[i]?.choice) right++;
            if (right >= threshold)
              findings.push(
                `order: ${bTable}.${bk} against ${vTable}.${vk}${reversed ? " (reversed)" : ""}: ${right}/${n} right`,
              );
          }
        }
    }
  }
  return findings;
}
