/**
 * The pure rules of a dataset's shape: field declarations (numbers in
 * fixed-point units with public bounds, categories with public values), how a
 * contributed value is put on its field's grid, budget periods, and the
 * canonical form of a query (what makes two queries "the same"). No database.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { CommonsPeriod } from "../db/schema/commons.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { MECHANISMS, type Mechanism } from "./dp/index.ts";

/** Fields live in eight slots of each row (f0…f7). */
export const MAX_FIELDS = 8;
export const MAX_VALUES = 50;
/** |value| in fixed-point units stays well inside 2^53 even summed over millions of rows. */
const MAX_UNITS = 10n ** 12n;

const decimalText = z.string().regex(/^-?\d{1,13}(\.\d{1,6})?$/, "a decimal number");

export const fieldSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("number"),
    name: z.string().regex(/^[a-z][a-z0-9_]{0,29}$/, "lowercase letters, digits, _"),
    /** What one unit means, in words: "cents", "minutes", "kg". */
    unit: z.string().trim().max(30).default(""),
    /** Digits after the point the grid keeps: 2 for cents of a euro given in euros. */
    decimals: z.number().int().min(0).max(6),
    lower: decimalText,
    upper: decimalText,
  }),
  z.strictObject({
    type: z.literal("category"),
    name: z.string().regex(/^[a-z][a-z0-9_]{0,29}$/, "lowercase letters, digits, _"),
    values: z
      .array(
        z
          .string()
          .trim()
          .min(1)
          .max(60)
          // No control characters either: a query reads rows packed with \x1e and \x1f.
          // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is refused
          .regex(/^[^,"\x00-\x1f\x7f]+$/, "no commas, quotes or control characters"),
      )
      .min(1)
      .max(MAX_VALUES),
  }),
]);
export type FieldSpec = z.output<typeof fieldSchema>;
export type NumberField = Extract<FieldSpec, { type: "number" }>;

/** A decimal string in units of 10^-decimals, exactly; null when it has more digits than the grid. */
export function toUnits(text: string, decimals: number): bigint | null {
  const m = /^(-?)(\d{1,13})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) return null;
  const frac = m[3] ?? "";
  if (frac.replace(/0+$/, "").length > decimals) return null;
  const units = BigInt((m[2] ?? "0") + frac.padEnd(decimals, "0"));
  return m[1] ? -units : units;
}

/** Units back to a decimal string. */
export function fromUnits(units: number | bigint, decimals: number): string {
  const n = BigInt(units);
  const sign = n < 0n ? "-" : "";
  const digits = (n < 0n ? -n : n).toString().padStart(decimals + 1, "0");
  return decimals === 0
    ? `${sign}${digits}`
    : `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** A field list checked whole: names unique, bounds on the grid and in order. */
export function parseFields(raw: unknown): Result<FieldSpec[], string> {
  const parsed = z.array(fieldSchema).min(1).max(MAX_FIELDS).safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return fail(first ? `fields.${first.path.join(".")}: ${first.message}` : "fields: invalid");
  }
  const fields = parsed.data;
  if (new Set(fields.map((f) => f.name)).size !== fields.length)
    return fail("fields: two fields have the same name");
  for (const f of fields) {
    if (f.type === "category") {
      if (new Set(f.values).size !== f.values.length)
        return fail(`fields.${f.name}: a value is listed twice`);
      continue;
    }
    const lo = toUnits(f.lower, f.decimals);
    const hi = toUnits(f.upper, f.decimals);
    if (lo === null || hi === null)
      return fail(`fields.${f.name}: bounds have more decimals than the field`);
    if (lo >= hi) return fail(`fields.${f.name}: lower bound must be below upper`);
    if (-lo > MAX_UNITS || hi > MAX_UNITS) return fail(`fields.${f.name}: bounds too large`);
  }
  return ok(fields);
}

/**
 * One line per field, for the declare form (no JavaScript needed):
 * `hours: number 0..60 decimals 1 unit hours` or `sector: category farming, retail`.
 */
export function fieldsFromText(text: string): Result<FieldSpec[], string> {
  const raw: unknown[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    const m = /^\s*([^:]+):\s*(number|category)\s*(.*)$/.exec(line);
    if (!m) return fail(`line ${i + 1}: write "name: number LOW..HIGH" or "name: category A, B"`);
    const [, name = "", type, rest = ""] = m;
    if (type === "category") {
      raw.push({ type, name: name.trim(), values: rest.split(",").map((v) => v.trim()) });
      continue;
    }
    const bounds = /(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)/.exec(rest);
    if (!bounds) return fail(`line ${i + 1}: a number needs bounds, LOW..HIGH`);
    const decimals = /decimals\s+(\d+)/.exec(rest);
    const unit = /unit\s+(.+)$/.exec(rest);
    raw.push({
      type,
      name: name.trim(),
      lower: bounds[1],
      upper: bounds[2],
      decimals: decimals ? Number(decimals[1]) : 0,
      unit: unit?.[1]?.trim() ?? "",
    });
  }
  return parseFields(raw);
}

export function fieldsToText(fields: readonly FieldSpec[]): string {
  return fields
    .map((f) =>
      f.type === "category"
        ? `${f.name}: category ${f.values.join(", ")}`
        : `${f.name}: number ${f.lower}..${f.upper}${f.decimals ? ` decimals ${f.decimals}` : ""}${f.unit ? ` unit ${f.unit}` : ""}`,
    )
    .join("\n");
}

/**
 * One contributed row, by field name, to slot values: numbers on the field's
 * grid (any value is kept; queries clamp to the public bounds and say how much
 * was clipped), categories from the public list only.
 */
export function rowToSlots(
  fields: readonly FieldSpec[],
  values: Record<string, string | undefined>,
): Result<(string | null)[], string> {
  const slots: (string | null)[] = [];
  for (const f of fields) {
    const text = (values[f.name] ?? "").trim();
    if (text === "") return fail(`${f.name}: missing`);
    if (f.type === "category") {
      if (!f.values.includes(text)) return fail(`${f.name}: not one of ${f.values.join(", ")}`);
      slots.push(text);
    } else {
      const units = toUnits(text, f.decimals);
      if (units === null) return fail(`${f.name}: a number with at most ${f.decimals} decimals`);
      if (units > MAX_UNITS || -units > MAX_UNITS) return fail(`${f.name}: too large`);
      slots.push(units.toString());
    }
  }
  while (slots.length < MAX_FIELDS) slots.push(null);
  return ok(slots);
}

/** The budget period a time falls in: "2026-12", "2026-Q4" or "2026" (UTC). */
export function periodOf(kind: CommonsPeriod, at: Date): string {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  if (kind === "year") return `${y}`;
  if (kind === "quarter") return `${y}-Q${Math.floor(m / 3) + 1}`;
  return `${y}-${String(m + 1).padStart(2, "0")}`;
}

/** The period after `key`; keys of one kind sort in time order as text. */
export function nextPeriod(kind: CommonsPeriod, key: string): string {
  const y = Number(key.slice(0, 4));
  if (kind === "year") return `${y + 1}`;
  if (kind === "quarter") {
    const q = Number(key.slice(6));
    return q === 4 ? `${y + 1}-Q1` : `${y}-Q${q + 1}`;
  }
  const m = Number(key.slice(5));
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/** What a person asks: the edges parse with this. */
export const queryInputSchema = z.strictObject({
  mechanism: z.enum(MECHANISMS),
  /** The value field (sum, mean, quantile) or the category (histogram). */
  field: z.string().max(30).optional(),
  /** A category field to group by (count, sum, mean). */
  by: z.string().max(30).optional(),
  quantile: z.number().min(0).max(1).optional(),
  rho: z.number().positive().max(100).optional(),
  noise: z.enum(["gauss", "laplace"]).default("gauss"),
});
export type QueryInput = z.input<typeof queryInputSchema>;

/** A query in canonical form: every default filled in, nothing else. */
export interface CanonicalQuery {
  mechanism: Mechanism;
  field: string | null;
  by: string | null;
  quantile: number | null;
  rho: number;
  noise: "gauss" | "laplace";
  rowsPerUnit: number;
  confidence: number;
}

export function canonicalQuery(
  fields: readonly FieldSpec[],
  dataset: { default_rho: number; max_rows_per_unit: number },
  raw: unknown,
): Result<CanonicalQuery, string> {
  const parsed = queryInputSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return fail(first ? `${first.path.join(".") || "query"}: ${first.message}` : "invalid query");
  }
  const q = parsed.data;
  const field = q.field ? fields.find((f) => f.name === q.field) : undefined;
  const by = q.by ? fields.find((f) => f.name === q.by) : undefined;
  if (q.field && !field) return fail(`field: no field "${q.field}"`);
  if (q.by && by?.type !== "category") return fail("by: group only by a category field");
  const m = q.mechanism;
  if (m === "histogram" && field?.type !== "category") return fail("field: a category to count");
  if ((m === "sum" || m === "mean" || m === "quantile") && field?.type !== "number")
    return fail("field: a number field");
  if ((m === "histogram" || m === "quantile") && by) return fail(`by: ${m} does not group`);
  if (m === "quantile" && q.quantile === undefined) return fail("quantile: which level (0 to 1)");
  return ok({
    mechanism: m,
    field: m === "count" ? null : (field?.name ?? null),
    by: by?.name ?? null,
    quantile: m === "quantile" ? (q.quantile ?? 0.5) : null,
    rho: q.rho ?? dataset.default_rho,
    noise: q.noise,
    rowsPerUnit: dataset.max_rows_per_unit,
    confidence: 0.95,
  });
}

/** JSON with keys sorted at every depth: one text per value, so it can be hashed and signed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function queryHash(datasetUri: string, period: string, query: CanonicalQuery): string {
  return createHash("sha256")
    .update(canonicalJson({ dataset: datasetUri, period, query }))
    .digest("hex");
}
