/**
 * Pabulib `.pb` files (https://pabulib.org/format): three sections META,
 * PROJECTS and VOTES, each a `;`-separated table with CSV quoting ("…" with ""
 * for a quote). CRLF line ends and spaces around fields are tolerated. Every
 * malformed input throws a PbFormatError naming the line and the problem.
 */
import { parseDecimal, type Rational } from "../../kernel/rational.ts";

export class PbFormatError extends Error {
  override name = "PbFormatError";
  readonly line: number;
  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.line = line;
  }
}

/** The file as written: META pairs and the two tables, every value a string. */
export interface PbTable {
  columns: string[];
  rows: Record<string, string>[];
}
export interface PbFile {
  meta: Record<string, string>;
  projects: PbTable;
  votes: PbTable;
}

export const VOTE_TYPES = ["approval", "cumulative", "scoring", "ordinal"] as const;
export type VoteType = (typeof VOTE_TYPES)[number];

export interface Project {
  id: string;
  cost: Rational;
  name: string;
}
export interface Ballot {
  voterId: string;
  /** Project ids in file order (for ordinal ballots, most preferred first). */
  projects: string[];
  /** Points per listed project, for cumulative and scoring ballots. */
  points?: Rational[];
}
/** The election a file describes, checked and typed. */
export interface Election {
  budget: Rational;
  voteType: VoteType;
  projects: Project[];
  ballots: Ballot[];
  /** META min_project_score_threshold: projects scoring less are not eligible. */
  minProjectScore?: Rational;
  /** Inconsistencies that do not prevent counting (e.g. num_votes disagreeing). */
  warnings: string[];
}

interface CsvRecord {
  line: number;
  fields: string[];
}

/** Splits text into `;`-separated records, honouring quotes (which may span lines). */
function* records(text: string): Generator<CsvRecord> {
  let line = 1;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    let wasQuoted = false;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else quoted = false;
        } else {
          if (ch === "\n") line++;
          field += ch;
        }
      } else if (ch === '"') {
        if (field.trim() !== "") throw new PbFormatError(line, "a quote inside an unquoted field");
        field = "";
        quoted = true;
        wasQuoted = true;
      } else if (ch === ";") {
        fields.push(wasQuoted ? field : field.trim());
        field = "";
        wasQuoted = false;
      } else if (ch === "\n" || ch === "\r") {
        break;
      } else {
        if (wasQuoted && ch !== " " && ch !== "\t") {
          throw new PbFormatError(line, "text after a closing quote");
        }
        if (!wasQuoted) field += ch;
      }
    }
    if (quoted) throw new PbFormatError(start, "a quoted field is never closed");
    fields.push(wasQuoted ? field : field.trim());
    if (text[i] === "\r" && text[i + 1] === "\n") i++;
    i++;
    line++;
    if (fields.length === 1 && fields[0] === "" && !wasQuoted) continue;
    yield { line: start, fields };
  }
}

const SECTIONS = ["meta", "projects", "votes"] as const;
type Section = (typeof SECTIONS)[number];

function sectionTitle(rec: CsvRecord): Section | undefined {
  if (rec.fields.length !== 1) return undefined;
  const title = (rec.fields[0] ?? "").toLowerCase();
  return SECTIONS.find((s) => s === title);
}

/** Reads the three sections into strings, checking only the table shapes. */
export function parsePbFile(text: string): PbFile {
  const file: PbFile = {
    meta: {},
    projects: { columns: [], rows: [] },
    votes: { columns: [], rows: [] },
  };
  const lines = { meta: 0, projects: 0, votes: 0 };
  let section: Section | undefined;
  let needHeader = false;
  for (const rec of records(text)) {
    const title = sectionTitle(rec);
    if (title) {
      if (lines[title])
        throw new PbFormatError(rec.line, `a second ${title.toUpperCase()} section`);
      const order = SECTIONS.indexOf(title);
      if (order > 0 && !lines[SECTIONS[order - 1] as Section]) {
        throw new PbFormatError(
          rec.line,
          `${title.toUpperCase()} before ${(SECTIONS[order - 1] as string).toUpperCase()}`,
        );
      }
      section = title;
      lines[title] = rec.line;
      needHeader = true;
      continue;
    }
    if (!section) throw new PbFormatError(rec.line, "expected the section title META");
    if (needHeader) {
      needHeader = false;
      const columns = rec.fields.map((f) => f.toLowerCase());
      if (new Set(columns).size !== columns.length) {
        throw new PbFormatError(rec.line, "a column name appears twice in the header");
      }
      if (section === "meta") {
        if (columns[0] !== "key" || columns[1] !== "value" || columns.length !== 2) {
          throw new PbFormatError(rec.line, 'the META header must be "key;value"');
        }
        continue;
      }
      const id = section === "projects" ? "project_id" : "voter_id";
      for (const required of section === "projects" ? [id, "cost"] : [id, "vote"]) {
        if (!columns.includes(required)) {
          throw new PbFormatError(
            rec.line,
            `the ${section.toUpperCase()} header lacks "${required}"`,
          );
        }
      }
      file[section].columns = columns;
      continue;
    }
    if (section === "meta") {
      if (rec.fields.length !== 2) {
        throw new PbFormatError(rec.line, `a META row needs 2 fields, found ${rec.fields.length}`);
      }
      const [key = "", value = ""] = rec.fields;
      if (key === "") throw new PbFormatError(rec.line, "a META row without a key");
      file.meta[key.toLowerCase()] = value;
      continue;
    }
    const table = file[section];
    if (rec.fields.length !== table.columns.length) {
      throw new PbFormatError(
        rec.line,
        `expected ${table.columns.length} fields as in the ${section.toUpperCase()} header, found ${rec.fields.length}`,
      );
    }
    const row: Record<string, string> = {};
    table.columns.forEach((c, k) => {
      row[c] = rec.fields[k] ?? "";
    });
    rowLines.set(row, rec.line);
    table.rows.push(row);
  }
  if (!lines.meta) throw new PbFormatError(1, "no META section");
  if (!lines.projects) throw new PbFormatError(lineCount(text), "no PROJECTS section");
  if (!lines.votes) throw new PbFormatError(lineCount(text), "no VOTES section");
  if (needHeader) throw new PbFormatError(lineCount(text), "the last section has no header");
  return file;
}

/** Source line of each parsed row, for error messages in readElection. */
const rowLines = new WeakMap<object, number>();
function lineOf(row: object): number {
  return rowLines.get(row) ?? 0;
}
function lineCount(text: string): number {
  return text.split("\n").length;
}

function decimal(row: Record<string, string>, column: string, what: string): Rational {
  const text = row[column] ?? "";
  const value = parseDecimal(text);
  if (!value) throw new PbFormatError(lineOf(row), `${what} "${text}" is not a number`);
  return value;
}

function list(text: string): string[] {
  return text.trim() === "" ? [] : text.split(",").map((s) => s.trim());
}

/** Checks a parsed file and turns it into an Election. */
export function toElection(file: PbFile): Election {
  const warnings: string[] = [];
  const metaRow = file.meta;
  if (metaRow.budget === undefined) throw new PbFormatError(1, "META lacks budget");
  const budget = parseDecimal(metaRow.budget);
  if (!budget || budget.n < 0n) {
    throw new PbFormatError(1, `META budget "${metaRow.budget}" is not a non-negative number`);
  }
  const voteType = (metaRow.vote_type ?? "approval").toLowerCase();
  if (!VOTE_TYPES.includes(voteType as VoteType)) {
    throw new PbFormatError(
      1,
      `META vote_type "${voteType}" is not one of ${VOTE_TYPES.join(", ")}`,
    );
  }
  let minProjectScore: Rational | undefined;
  if (metaRow.min_project_score_threshold !== undefined) {
    minProjectScore = parseDecimal(metaRow.min_project_score_threshold);
    if (!minProjectScore)
      throw new PbFormatError(1, "META min_project_score_threshold is not a number");
  }
  const projects: Project[] = [];
  const known = new Set<string>();
  for (const row of file.projects.rows) {
    const id = row.project_id ?? "";
    if (id === "") throw new PbFormatError(lineOf(row), "empty project_id");
    if (known.has(id)) throw new PbFormatError(lineOf(row), `project ${id} appears twice`);
    known.add(id);
    const cost = decimal(row, "cost", `cost of project ${id}`);
    if (cost.n < 0n) throw new PbFormatError(lineOf(row), `cost of project ${id} is negative`);
    projects.push({ id, cost, name: row.name ?? "" });
  }
  const withPoints = voteType === "cumulative" || voteType === "scoring";
  if (withPoints && !file.votes.columns.includes("points")) {
    throw new PbFormatError(1, `${voteType} ballots need a "points" column in VOTES`);
  }
  const ballots: Ballot[] = [];
  const voters = new Set<string>();
  for (const row of file.votes.rows) {
    const voterId = row.voter_id ?? "";
    const line = lineOf(row);
    if (voterId === "") throw new PbFormatError(line, "empty voter_id");
    if (voters.has(voterId)) throw new PbFormatError(line, `voter ${voterId} appears twice`);
    voters.add(voterId);
    const ids = list(row.vote ?? "");
    const seen = new Set<string>();
    for (const id of ids) {
      if (!known.has(id))
        throw new PbFormatError(line, `vote names project "${id}", not in PROJECTS`);
      if (seen.has(id)) throw new PbFormatError(line, `vote names project ${id} twice`);
      seen.add(id);
    }
    const ballot: Ballot = { voterId, projects: ids };
    if (withPoints) {
      const pts = list(row.points ?? "");
      if (pts.length !== ids.length) {
        throw new PbFormatError(line, `${ids.length} projects in vote but ${pts.length} points`);
      }
      ballot.points = pts.map((p) => {
        const value = parseDecimal(p);
        if (!value) throw new PbFormatError(line, `points "${p}" is not a number`);
        return value;
      });
    }
    ballots.push(ballot);
  }
  const declared = [
    ["num_projects", projects.length],
    ["num_votes", ballots.length],
  ] as const;
  for (const [key, actual] of declared) {
    const value = metaRow[key];
    if (value !== undefined && Number(value) !== actual) {
      warnings.push(`META ${key} is ${value} but the file has ${actual}`);
    }
  }
  const election: Election = {
    budget,
    voteType: voteType as VoteType,
    projects,
    ballots,
    warnings,
  };
  if (minProjectScore) election.minProjectScore = minProjectScore;
  return election;
}

export function readPb(text: string): Election {
  return toElection(parsePbFile(text));
}

function quote(field: string): string {
  return /[;"\r\n]|^\s|\s$/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** Writes a file back in the Pabulib layout (LF line ends, quoting only where needed). */
export function writePbFile(file: PbFile): string {
  const out: string[] = ["META", "key;value"];
  for (const [key, value] of Object.entries(file.meta)) out.push(`${quote(key)};${quote(value)}`);
  for (const [title, table] of [
    ["PROJECTS", file.projects],
    ["VOTES", file.votes],
  ] as const) {
    out.push(title, table.columns.map(quote).join(";"));
    for (const row of table.rows) out.push(table.columns.map((c) => quote(row[c] ?? "")).join(";"));
  }
  return `${out.join("\n")}\n`;
}
