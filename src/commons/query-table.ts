/**
 * The rows a query reads, loaded by columns: each privacy unit as an integer id,
 * each number as a number, each category as the index of its public value. A
 * million rows as a million driver objects, or a million strings per column,
 * took seconds; here the database packs the rows of a chunk into one string
 * (fields split by \x1f, rows by \x1e, neither of which a unit key, a stored
 * number or a category code can contain; a key that did would fail the read
 * with an error, as every row must have exactly its separators, never
 * misread it) and one pass over its characters fills
 * typed arrays, without a string or an object per row.
 *
 * Also here: which units had rows clipped (rows beyond the per-unit limit,
 * values outside the public bounds), counted over the same arrays.
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import { locksRows } from "../accounts/locking.ts";
import type { Schema } from "../db/schema.ts";
import { SLOTS } from "./contributions.ts";
import type { Dataset } from "./datasets.ts";
import { type Table, type TypedColumn, tableFromTyped } from "./dp/index.ts";
import { type CanonicalQuery, type FieldSpec, toUnits } from "./fields.ts";

/** Rows read per statement: bounds each packed string (and, on PostgreSQL, each aggregate's sort). */
export const CHUNK_ROWS = 100_000;
const FS = 31;
const RS = 30;
/** A category's code is sent as the character CODE_BASE + its index (CODE_BASE − 1: none). */
const CODE_BASE = 48;

/** A number field's public bounds in its fixed-point units, and its step in the field's own units. */
export function boundsOf(field: FieldSpec & { type: "number" }) {
  return {
    lower: Number(toUnits(field.lower, field.decimals)),
    upper: Number(toUnits(field.upper, field.decimals)),
    step: 10 ** -field.decimals,
  };
}

/**
 * Unit keys to dense ids (0, 1, 2, … in order of first appearance), looked up
 * straight from the packed text: open addressing on an FNV-1a hash, and a
 * string kept per unit, not per row.
 */
class UnitIds {
  readonly keys: string[] = [];
  private hashes = new Int32Array(1024);
  private slots = new Int32Array(1024).fill(-1);

  id(text: string, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let s = hash & mask;
    for (let id = slots[s] ?? -1; id !== -1; id = slots[s] ?? -1) {
      if (this.hashes[id] === hash && sameText(this.keys[id] ?? "", text, start, end)) return id;
      s = (s + 1) & mask;
    }
    const id = this.keys.length;
    this.keys.push(text.slice(start, end));
    if (id === this.hashes.length) {
      const hashes = new Int32Array(2 * id);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = hash;
    slots[s] = id;
    if (2 * this.keys.length > slots.length) this.grow();
    return id;
  }

  /** Twice the slots, every id placed again: the table stays at most half full. */
  private grow() {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.keys.length; id++) {
      let s = (this.hashes[id] ?? 0) & mask;
      while (slots[s] !== -1) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
  }
}

function sameText(key: string, text: string, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let j = 0; j < key.length; j++)
    if (key.charCodeAt(j) !== text.charCodeAt(start + j)) return false;
  return true;
}

/** What a query reads of each field it names. */
type Part =
  | { name: string; slot: string; kind: "number" }
  | { name: string; slot: string; kind: "codes"; labels: readonly string[] };

/** The parts for a query: its field and its group-by field, each once. */
export function partsOf(fields: readonly FieldSpec[], q: CanonicalQuery): Part[] {
  const names = [...new Set([q.field, q.by].filter((n): n is string => n !== null))];
  return names.map((name) => {
    const i = fields.findIndex((f) => f.name === name);
    const field = fields[i];
    if (!field) throw new RangeError(`no field ${name}`);
    const slot = SLOTS[i] ?? "f0";
    return field.type === "category"
      ? { name, slot, kind: "codes", labels: field.values }
      : { name, slot, kind: "number" };
  });
}

/** A packed chunk: n rows, the last id read, and the text. */
interface Chunk {
  n: number;
  last: string | null;
  packed: string | null;
}

async function readChunk(
  trx: Kysely<Schema>,
  where: RawBuilder<unknown>,
  parts: readonly Part[],
  after: string,
  limit: number,
): Promise<Chunk> {
  const postgres = locksRows(trx);
  const char = (code: number | RawBuilder<unknown>) =>
    postgres ? sql`chr(${code})` : sql`char(${code})`;
  const fs = char(sql.lit(FS));
  const exprs = parts.map((p) => {
    const slot = sql.ref(p.slot);
    if (p.kind === "number") return sql`coalesce(${slot}, '')`;
    const whens = p.labels.map((label, i) => sql`when ${label} then ${sql.lit(i)}`);
    return char(sql`${sql.lit(CODE_BASE)} + case ${slot} ${sql.join(whens, sql` `)} else -1 end`);
  });
  const row = sql.join(
    [sql.ref("unit_key"), ...exprs].flatMap((e, i) => (i === 0 ? [e] : [fs, e])),
    sql` || `,
  );
  const inner = sql`select id, ${row} as r from commons_rows
    where ${where} and id > ${after} order by id limit ${limit}`;
  // Both databases aggregate the rows in the order the subquery hands them over
  // (a LIMIT keeps it from being flattened). An ORDER BY inside string_agg would
  // be the documented way on PostgreSQL, but before version 16 it sorts again, in
  // work_mem: four times slower. query-table.test.ts checks the order on both.
  const agg = postgres
    ? sql`string_agg(r, ${char(sql.lit(RS))})`
    : sql`group_concat(r, ${char(sql.lit(RS))})`;
  const { rows } = await sql<{ n: number | string; last: string | null; packed: string | null }>`
    select count(*) as n, max(id) as last, ${agg} as packed from (${inner}) as chunk`.execute(trx);
  const got = rows[0];
  return { n: Number(got?.n ?? 0), last: got?.last ?? null, packed: got?.packed ?? null };
}

/** A number as `Number` reads the text, blank as NaN (what the engine does with a string). */
function numberAt(text: string, start: number, end: number): number {
  const raw = text.slice(start, end);
  return raw.trim() === "" ? Number.NaN : Number(raw);
}

interface Columns {
  ids: Int32Array;
  units: number;
  typed: Record<string, TypedColumn>;
}

/** Reads every row of the dataset a query in `period` may use, in id order, by columns. */
export async function readColumns(
  trx: Kysely<Schema>,
  datasetId: string,
  period: string,
  parts: readonly Part[],
  chunkRows = CHUNK_ROWS,
): Promise<Columns> {
  const where = sql`dataset_id = ${datasetId} and (excluded_from is null or excluded_from > ${period})`;
  const units = new UnitIds();
  const chunks: { ids: Int32Array; values: Float64Array[] }[] = [];
  let pending = readChunk(trx, where, parts, "", chunkRows);
  for (;;) {
    const chunk = await pending;
    if (chunk.n === 0 || chunk.packed === null || chunk.last === null) break;
    const more = chunk.n === chunkRows;
    if (more) {
      // The next chunk is asked for before this one is unpacked, so a PostgreSQL
      // server reads it on its own core meanwhile. (If unpacking throws, the
      // pending read's outcome is dropped: the transaction is rolled back anyway.)
      pending = readChunk(trx, where, parts, chunk.last, chunkRows);
      pending.catch(() => undefined);
      await new Promise((sent) => setImmediate(sent));
    }
    chunks.push(unpack(chunk.packed, chunk.n, parts, units));
    if (!more) break;
  }
  const total = chunks.reduce((n, c) => n + c.ids.length, 0);
  // Into one array per column; TypedArray.set converts the codes to integers.
  const concat = <T extends Int32Array | Float64Array>(all: T, pieces: ArrayLike<number>[]): T => {
    let at = 0;
    for (const piece of pieces) {
      all.set(piece, at);
      at += piece.length;
    }
    return all;
  };
  const ids = concat(
    new Int32Array(total),
    chunks.map((c) => c.ids),
  );
  const typed: Record<string, TypedColumn> = { unit: { ids } };
  parts.forEach((p, j) => {
    const pieces = chunks.map((c) => c.values[j] ?? new Float64Array(0));
    typed[p.name] =
      p.kind === "number"
        ? { numbers: concat(new Float64Array(total), pieces) }
        : { codes: concat(new Int32Array(total), pieces), labels: p.labels };
  });
  return { ids, units: units.keys.length, typed };
}

/**
 * One pass over a packed chunk: unit ids, and per field a Float64Array of
 * numbers or of category codes (made Int32Array once all chunks are in).
 */
function unpack(text: string, n: number, parts: readonly Part[], units: UnitIds) {
  const ids = new Int32Array(n);
  const values = parts.map(() => new Float64Array(n));
  const numeric = parts.map((p) => p.kind === "number");
  const end = text.length;
  const bad = () => new Error("packed rows: unexpected layout");
  let i = 0;
  for (let row = 0; row < n; row++) {
    if (row > 0) {
      if (text.charCodeAt(i) !== RS) throw bad();
      i++;
    }
    const start = i;
    let hash = 0x811c9dc5 | 0;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === FS || c === RS) break;
      hash = Math.imul(hash ^ c, 0x01000193);
    }
    ids[row] = units.id(text, start, i, hash);
    for (let j = 0; j < values.length; j++) {
      if (text.charCodeAt(i) !== FS) throw bad();
      const from = ++i;
      const column = values[j] as Float64Array;
      if (!numeric[j]) {
        // A code is one character; anything else is no code.
        for (; i < end; i++) {
          const c = text.charCodeAt(i);
          if (c === FS || c === RS) break;
        }
        column[row] = i === from + 1 ? text.charCodeAt(from) - CODE_BASE : -1;
        continue;
      }
      // Digits are read as they are scanned; anything else is read by numberAt.
      const negative = text.charCodeAt(i) === 45;
      if (negative) i++;
      let x = 0;
      let plain = true;
      for (; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === FS || c === RS) break;
        const d = c - 48;
        if (d >= 0 && d <= 9) x = x * 10 + d;
        else plain = false;
      }
      const digits = i - from - (negative ? 1 : 0);
      column[row] =
        plain && digits > 0 && digits <= 15 ? (negative ? -x : x) : numberAt(text, from, i);
    }
  }
  if (i !== end) throw bad();
  return { ids, values };
}

/**
 * The engine's table for a query, and a table of the units that had rows
 * clipped, mirroring the engine's rules: each unit keeps its first k rows, and
 * a kept value outside the public bounds is moved onto them.
 */
export async function loadQueryTable(
  trx: Kysely<Schema>,
  dataset: Dataset,
  q: CanonicalQuery,
  period: string,
  chunkRows = CHUNK_ROWS,
): Promise<{ table: Table; clippedTable: Table; rows: number }> {
  const parts = partsOf(dataset.fieldList, q);
  const { ids, units, typed } = await readColumns(trx, dataset.id, period, parts, chunkRows);
  const field = dataset.fieldList.find((f) => f.name === q.field);
  const bounds = field?.type === "number" && q.mechanism !== "count" ? boundsOf(field) : null;
  const column = q.field ? typed[q.field] : undefined;
  const values = bounds && column && "numbers" in column ? column.numbers : null;
  const k = q.rowsPerUnit;
  // A unit's rows seen so far, −1 once it is known clipped.
  const seen = new Int32Array(units);
  let clipped = 0;
  for (let i = 0; i < ids.length; i++) {
    const unit = ids[i] ?? 0;
    const n = seen[unit] ?? 0;
    if (n < 0) continue;
    const x = values ? (values[i] ?? 0) : 0;
    if (n >= k || (bounds && (x < bounds.lower || x > bounds.upper))) {
      seen[unit] = -1;
      clipped++;
    } else seen[unit] = n + 1;
  }
  // The clipped-units histogram counts only its "yes" rows (one per unit, k = 1),
  // so a table of those rows alone gives the engine's very answer.
  const clippedTable = tableFromTyped({
    clipped: { codes: new Uint8Array(clipped), labels: ["yes"] },
  });
  return { table: tableFromTyped(typed), clippedTable, rows: ids.length };
}
