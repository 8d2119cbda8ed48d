/**
 * The data side of a query: a CSV table held by columns, contribution bounding
 * per privacy unit, and values put on a declared fixed-point grid and clamped
 * to public bounds. Everything here is a per-unit or per-row transformation
 * chosen from public parameters, so the sensitivities the mechanisms assume hold.
 */
import { parseRational, type Rational } from "../../kernel/rational.ts";

export interface Table {
  readonly header: readonly string[];
  readonly rowCount: number;
  /** The column's raw strings; throws a clear error for an unknown name. */
  column(name: string): readonly string[];
  /**
   * The column as typed values, when the table was loaded by columns
   * (`tableFromTyped`): the mechanisms then read numbers and indexes instead of
   * parsing a string per row. Either form gives the same answer.
   */
  typed?(name: string): TypedColumn | undefined;
}

/**
 * A column held without a string per row:
 * - `numbers`: the values (NaN where a row has none, like a blank cell);
 * - `codes`: an index into `labels` per row (any other code: a blank cell);
 * - `ids`: a privacy unit per row as an integer, equal ids for the same unit.
 */
export type TypedColumn =
  | { readonly numbers: Float64Array }
  | { readonly codes: Uint8Array | Uint16Array | Int32Array; readonly labels: readonly string[] }
  | { readonly ids: Int32Array };

function typedLength(column: TypedColumn): number {
  if ("numbers" in column) return column.numbers.length;
  if ("codes" in column) return column.codes.length;
  return column.ids.length;
}

/** The strings a typed column stands for (for readers that want strings). */
function typedStrings(column: TypedColumn): string[] {
  if ("numbers" in column)
    return Array.from(column.numbers, (x) => (Number.isNaN(x) ? "" : String(x)));
  if ("codes" in column) return Array.from(column.codes, (c) => column.labels[c] ?? "");
  return Array.from(column.ids, String);
}

/** A table loaded by columns; string columns are made only if a reader asks for them. */
export function tableFromTyped(columns: Record<string, TypedColumn>): Table {
  const header = Object.keys(columns);
  const first = columns[header[0] ?? ""];
  const rowCount = first ? typedLength(first) : 0;
  for (const name of header) {
    const column = columns[name];
    if (!column || typedLength(column) !== rowCount)
      throw new RangeError(`column ${name} has a different length`);
  }
  const strings = new Map<string, string[]>();
  const typed = (name: string) => {
    const column = columns[name];
    if (!column) throw new RangeError(`no column "${name}" (columns: ${header.join(", ")})`);
    return column;
  };
  return {
    header,
    rowCount,
    typed,
    column(name) {
      let values = strings.get(name);
      if (!values) {
        values = typedStrings(typed(name));
        strings.set(name, values);
      }
      return values;
    },
  };
}

export function tableFromColumns(columns: Record<string, readonly string[]>): Table {
  const header = Object.keys(columns);
  const rowCount = header.length ? (columns[header[0] ?? ""]?.length ?? 0) : 0;
  for (const name of header) {
    if (columns[name]?.length !== rowCount)
      throw new RangeError(`column ${name} has a different length`);
  }
  return {
    header,
    rowCount,
    column(name) {
      const values = columns[name];
      if (!values) throw new RangeError(`no column "${name}" (columns: ${header.join(", ")})`);
      return values;
    },
  };
}

/** Splits one CSV record, honouring RFC 4180 quotes ("a,b" and "" for a quote). */
function splitQuoted(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/**
 * Parses CSV text with a header row. Records are one per line (quoted fields may
 * hold commas, not line breaks); blank lines are skipped; a record with the
 * wrong number of fields is an error naming its line.
 */
export function parseCsv(text: string): Table {
  const lines = text.split(/\r?\n/);
  const headerLine = lines[0];
  if (headerLine === undefined || headerLine.trim() === "")
    throw new RangeError("CSV: no header row");
  const header = splitQuoted(headerLine).map((h) => h.trim());
  if (new Set(header).size !== header.length) throw new RangeError("CSV: duplicate column names");
  const columns: string[][] = header.map(() => []);
  const width = header.length;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") continue;
    const fields = line.includes('"') ? splitQuoted(line) : line.split(",");
    if (fields.length !== width) {
      throw new RangeError(`CSV line ${i + 1}: ${fields.length} fields, expected ${width}`);
    }
    for (let j = 0; j < width; j++) columns[j]?.push(fields[j] ?? "");
  }
  return tableFromColumns(Object.fromEntries(header.map((h, j) => [h, columns[j] ?? []])));
}

/**
 * Contribution bounding: the indices of the rows kept when each privacy unit
 * keeps at most `maxRows` of its rows (its first ones, in file order — a choice
 * that depends only on that unit's own rows). Without a unit column every row
 * is its own unit.
 */
export function boundContributions(
  table: Table,
  unit: string | undefined,
  maxRows: number,
): Uint32Array {
  if (!Number.isInteger(maxRows) || maxRows < 1)
    throw new RangeError("max rows per unit must be an integer ≥ 1");
  if (unit === undefined) return Uint32Array.from({ length: table.rowCount }, (_, i) => i);
  const typed = table.typed?.(unit);
  if (typed && "ids" in typed) return boundIds(typed.ids, maxRows);
  const units = table.column(unit);
  const seen = new Map<string, number>();
  const kept = new Uint32Array(table.rowCount);
  let n = 0;
  for (let i = 0; i < units.length; i++) {
    const id = units[i] ?? "";
    const count = seen.get(id) ?? 0;
    if (count < maxRows) {
      seen.set(id, count + 1);
      kept[n++] = i;
    }
  }
  return kept.subarray(0, n);
}

/** Contribution bounding over integer unit ids: the same rule, counted in an array. */
function boundIds(ids: Int32Array, maxRows: number): Uint32Array {
  let low = 0;
  let high = -1;
  for (const id of ids) {
    if (id < low) low = id;
    if (id > high) high = id;
  }
  const kept = new Uint32Array(ids.length);
  let n = 0;
  if (low >= 0 && high < 2 * ids.length + 1024) {
    const seen = new Uint32Array(high + 1);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] ?? 0;
      const count = seen[id] ?? 0;
      if (count < maxRows) {
        seen[id] = count + 1;
        kept[n++] = i;
      }
    }
  } else {
    // Sparse or negative ids: a map, as for strings.
    const seen = new Map<number, number>();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] ?? 0;
      const count = seen.get(id) ?? 0;
      if (count < maxRows) {
        seen.set(id, count + 1);
        kept[n++] = i;
      }
    }
  }
  return kept.subarray(0, n);
}

/** A fixed-point grid with public clamping bounds, all in integer multiples of the step. */
export interface Grid {
  readonly step: Rational;
  /** Bounds in grid units: lower = ⌈lower/step⌉, upper = ⌊upper/step⌋. */
  readonly lower: number;
  readonly upper: number;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b < a ? q + 1n : q;
}
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b > a ? q - 1n : q;
}

export function makeGrid(step: string, lower: string, upper: string): Grid {
  const g = parseRational(step);
  if (g.n <= 0n) throw new RangeError("grid step must be > 0");
  const lo = parseRational(lower);
  const hi = parseRational(upper);
  // lower/step = (lo.n·g.d)/(lo.d·g.n), exactly.
  const low = ceilDiv(lo.n * g.d, lo.d * g.n);
  const high = floorDiv(hi.n * g.d, hi.d * g.n);
  if (low > high) throw new RangeError(`no grid point between lower ${lower} and upper ${upper}`);
  const limit = BigInt(Number.MAX_SAFE_INTEGER) / 1024n;
  if (-low > limit || high > limit) throw new RangeError("bounds too large for the grid step");
  return { step: g, lower: Number(low), upper: Number(high) };
}

/**
 * Each kept row's value as a grid integer: parsed, rounded to the nearest grid
 * point (then clamped to the bounds). A value that is not a finite number
 * drops its row — a per-row rule, so it costs no privacy; `rows` lists the
 * rows that remain.
 */
export function gridValues(
  table: Table,
  column: string,
  kept: Uint32Array,
  grid: Grid,
): { values: Float64Array; rows: Uint32Array } {
  const perUnit = Number(grid.step.d) / Number(grid.step.n);
  const values = new Float64Array(kept.length);
  const rows = new Uint32Array(kept.length);
  const read = numberReader(table, column);
  let n = 0;
  for (const row of kept) {
    const x = read(row);
    if (!Number.isFinite(x)) continue;
    const onGrid = Math.round(x * perUnit);
    values[n] = Math.min(grid.upper, Math.max(grid.lower, onGrid));
    rows[n++] = row;
  }
  return { values: values.subarray(0, n), rows: rows.subarray(0, n) };
}

/**
 * Reads a column's values as numbers, row by row: straight from a typed column,
 * or parsed from its strings (blank: NaN; anything `Number` cannot read: NaN).
 */
export function numberReader(table: Table, column: string): (row: number) => number {
  const typed = table.typed?.(column);
  if (typed && "numbers" in typed) {
    const numbers = typed.numbers;
    return (row) => numbers[row] ?? Number.NaN;
  }
  const raw = table.column(column);
  return (row) => {
    const text = raw[row] ?? "";
    return text.trim() === "" ? Number.NaN : Number(text);
  };
}
