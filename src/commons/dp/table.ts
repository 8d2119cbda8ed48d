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
  const raw = table.column(column);
  const perUnit = Number(grid.step.d) / Number(grid.step.n);
  const values = new Float64Array(kept.length);
  const rows = new Uint32Array(kept.length);
  let n = 0;
  for (const row of kept) {
    const text = raw[row] ?? "";
    const x = text.trim() === "" ? Number.NaN : Number(text);
    if (!Number.isFinite(x)) continue;
    const onGrid = Math.round(x * perUnit);
    values[n] = Math.min(grid.upper, Math.max(grid.lower, onGrid));
    rows[n++] = row;
  }
  return { values: values.subarray(0, n), rows: rows.subarray(0, n) };
}
