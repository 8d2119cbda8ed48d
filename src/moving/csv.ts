/**
 * Reading the CSV files Mastodon exports (Settings → Import and export → Data
 * export), and the same files Synco exports (social/mastodon-csv.ts): pure, no
 * database. Mastodon's headers are optional, as Mastodon's own importer takes
 * files with or without them. Every count and size is bounded; a file with one
 * bad row is refused whole, with the line, so nothing half-imports.
 */
import type { ImportKind } from "../db/schema/moving.ts";

/** Bigger files are refused before parsing (Mastodon allows 20 MB; ours hold addresses). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
/** Rows past this are refused (Mastodon's ROWS_PROCESSING_LIMIT is 20,000). */
export const MAX_IMPORT_ROWS = 20_000;
/** A field longer than this is not an address, a URL or a list title. */
const MAX_FIELD = 2_048;
/** A list's title, as the lists page allows. */
const MAX_LIST_TITLE = 100;

export interface ImportRow {
  /** `user@domain` (lower-cased, no leading @) or an http(s) URL. */
  target: string;
  /** lists only: the list's title. */
  listTitle: string;
}

export type CsvProblem =
  | { problem: "too-large" }
  | { problem: "too-many-rows" }
  | { problem: "empty" }
  | { problem: "malformed"; line: number }
  | { problem: "bad-row"; line: number };

export type Parsed = { ok: true; rows: ImportRow[] } | ({ ok: false } & CsvProblem);

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks); null if a quote is left open. */
export function csvRecords(text: string): { line: number; fields: string[] }[] | null {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const end = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== "") out.push({ line: start, fields });
    fields = [];
    field = "";
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      end();
      line++;
      start = line;
    } else field += c;
    i++;
  }
  if (quoted) return null;
  end();
  return out;
}

const ADDRESS = /^@?[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;

/** An account as a file names it: an address (normalised) or an http(s) URL; null if neither. */
export function accountTarget(value: string): string | null {
  const v = value.trim();
  if (v.length === 0 || v.length > MAX_FIELD) return null;
  if (ADDRESS.test(v)) return v.replace(/^@/, "").toLowerCase();
  return httpUrl(v);
}

function httpUrl(v: string): string | null {
  try {
    const url = new URL(v);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Mastodon's header rows, by their first field (its exports write them in English). */
const HEADERS = new Set(["account address", "list name", "url", "#uri"]);

export function parseImport(kind: ImportKind, bytes: Uint8Array): Parsed {
  if (bytes.byteLength > MAX_IMPORT_BYTES) return { ok: false, problem: "too-large" };
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/^\uFEFF/, "");
  const records = csvRecords(text);
  if (!records) return { ok: false, problem: "malformed", line: 0 };
  if (records[0] && HEADERS.has((records[0].fields[0] ?? "").trim().toLowerCase())) records.shift();
  if (records.length === 0) return { ok: false, problem: "empty" };
  if (records.length > MAX_IMPORT_ROWS) return { ok: false, problem: "too-many-rows" };
  const rows: ImportRow[] = [];
  const seen = new Set<string>();
  for (const { line, fields } of records) {
    const row = readRow(kind, fields);
    if (!row) return { ok: false, problem: "bad-row", line };
    const key = `${row.listTitle}\n${row.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(row);
  }
  return { ok: true, rows };
}

function readRow(kind: ImportKind, fields: string[]): ImportRow | null {
  const first = fields[0] ?? "";
  switch (kind) {
    case "following":
    case "blocks":
    case "mutes": {
      const target = accountTarget(first);
      return target ? { target, listTitle: "" } : null;
    }
    case "bookmarks": {
      const target = first.length <= MAX_FIELD ? httpUrl(first.trim()) : null;
      return target ? { target, listTitle: "" } : null;
    }
    case "lists": {
      const title = first.trim();
      const target = accountTarget(fields[1] ?? "");
      if (!title || title.length > MAX_LIST_TITLE || !target) return null;
      return { target, listTitle: title };
    }
  }
}
