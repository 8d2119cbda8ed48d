/**
 * Reads a series from CSV with a `t,value` header: one observation a line, t
 * an opaque label (kept as a number when it is one, so JSON output round-trips)
 * and value a finite number. Errors name the line.
 */

export interface Observation {
  t: number | string;
  value: number;
}

export class SeriesFormatError extends Error {
  override name = "SeriesFormatError";
}

function unquote(field: string): string {
  const f = field.trim();
  return f.length >= 2 && f.startsWith('"') && f.endsWith('"')
    ? f.slice(1, -1).replaceAll('""', '"')
    : f;
}

export function parseSeriesCsv(text: string): Observation[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((h) => unquote(h).toLowerCase());
  if (header.length !== 2 || header[0] !== "t" || header[1] !== "value") {
    throw new SeriesFormatError(`line 1: expected the header "t,value", got "${lines[0] ?? ""}"`);
  }
  const out: Observation[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "") continue;
    const fields = line.split(",");
    if (fields.length !== 2) {
      throw new SeriesFormatError(
        `line ${i + 1}: expected 2 fields (t,value), got ${fields.length}`,
      );
    }
    const t = unquote(fields[0] as string);
    const rawValue = unquote(fields[1] as string);
    const value = rawValue === "" ? Number.NaN : Number(rawValue);
    if (t === "") throw new SeriesFormatError(`line ${i + 1}: t is empty`);
    if (!Number.isFinite(value)) {
      throw new SeriesFormatError(`line ${i + 1}: value "${rawValue}" is not a finite number`);
    }
    const numeric = Number(t);
    out.push({ t: Number.isFinite(numeric) && /^[-+0-9.eE]+$/.test(t) ? numeric : t, value });
  }
  if (out.length === 0) throw new SeriesFormatError("the series has no observations");
  return out;
}
