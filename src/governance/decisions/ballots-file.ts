/**
 * The ballot export: one JSON document with everything a recount needs (the
 * settings, the seed, the eligible weight and the ballots), so anyone holding
 * it can audit a closed decision with `synco decisions count FILE`.
 *
 * Named decisions list each ballot's voter URI, sorted by voter. Secret
 * decisions carry no voters, and their ballots are sorted by the canonical
 * JSON of the choice (then weight), so the order reveals nothing about who
 * voted when. The parser is strict: every ballot must pass `validateChoice`
 * for the file's settings, and sizes are capped.
 */

import { z } from "zod";
import { MAX_WEIGHT } from "./constants.ts";
import { count } from "./count.ts";
import type { Ballot, BallotChoice, Rule, RuleSettings, Tally } from "./types.ts";
import { RuleSettingsSchema, validateChoice } from "./validate.ts";

export const BALLOTS_FORMAT = "synco-decision-ballots";
export const BALLOTS_VERSION = 1;
export const MAX_BALLOTS = 1_000_000;

export interface ExportedBallot extends Ballot {
  /** The voter's actor URI; absent on a secret decision. */
  voter?: string;
}

export interface BallotsFile {
  format: typeof BALLOTS_FORMAT;
  version: typeof BALLOTS_VERSION;
  /** Where the ballots come from (informative; the count ignores it). */
  decision?: { uri?: string; title?: string; closedAt?: string };
  settings: RuleSettings;
  seed: string;
  eligibleWeight: number;
  secret: boolean;
  ballots: ExportedBallot[];
}

/** A file that is not a valid ballot export; `path` says where (e.g. "ballots[3].choice"). */
export class BallotsFileError extends Error {
  override name = "BallotsFileError";
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

const httpUri = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === "https:" || u.protocol === "http:";
    } catch {
      return false;
    }
  }, "must be an http(s) URI");

const Envelope = z.strictObject({
  format: z.literal(BALLOTS_FORMAT),
  version: z.literal(BALLOTS_VERSION),
  decision: z
    .strictObject({
      uri: httpUri.optional(),
      title: z.string().max(1000).optional(),
      closedAt: z.iso.datetime({ offset: true }).optional(),
    })
    .optional(),
  settings: RuleSettingsSchema,
  seed: z.string().max(256),
  eligibleWeight: z
    .number()
    .min(0)
    .max(MAX_WEIGHT * MAX_BALLOTS),
  secret: z.boolean(),
  ballots: z.array(z.unknown()).max(MAX_BALLOTS),
});

const BallotShape = z.strictObject({
  voter: httpUri.optional(),
  choice: z.unknown(),
  weight: z.number().positive().max(MAX_WEIGHT).optional(),
});

function firstIssue(e: z.ZodError, prefix: string): BallotsFileError {
  const issue = e.issues[0];
  const where = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".");
  return new BallotsFileError(where || "file", issue?.message ?? "invalid");
}

/** Parses and checks an export; throws BallotsFileError naming the first problem. */
export function parseBallotsFile(text: string): BallotsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BallotsFileError("file", `not JSON (${(error as Error).message})`);
  }
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) throw firstIssue(envelope.error, "");
  const { ballots: rawBallots, ...head } = envelope.data;
  const voters = new Set<string>();
  const ballots = rawBallots.map((rb, i): ExportedBallot => {
    const where = `ballots[${i}]`;
    const shape = BallotShape.safeParse(rb);
    if (!shape.success) throw firstIssue(shape.error, where);
    const { voter, choice, weight } = shape.data;
    if (head.secret && voter !== undefined)
      throw new BallotsFileError(`${where}.voter`, "a secret decision's export names no voters");
    if (!head.secret && voter === undefined)
      throw new BallotsFileError(`${where}.voter`, "a named decision's ballot needs its voter");
    if (voter !== undefined) {
      if (voters.has(voter)) throw new BallotsFileError(`${where}.voter`, "voted twice");
      voters.add(voter);
    }
    const checked = validateChoice(head.settings, choice);
    if (!checked.ok) throw new BallotsFileError(`${where}.choice`, checked.reason);
    return {
      ...(voter !== undefined ? { voter } : {}),
      choice: checked.value,
      ...(weight !== undefined ? { weight } : {}),
    };
  });
  return { ...head, ballots } as BallotsFile;
}

/** JSON with sorted keys: the same choice always prints the same. */
function canonical(choice: BallotChoice): string {
  const keys = Object.keys(choice);
  // Choices built by validateChoice already have their few keys in order: skip the rebuild.
  if (keys.every((k, i) => i === 0 || (keys[i - 1] as string) < k)) return JSON.stringify(choice);
  const entries = Object.entries(choice).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(entries));
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Writes an export. Secret: voters are dropped and the ballots sorted by
 * content; named: sorted by voter URI. Either way the order a database
 * returned them in (which may follow casting order) does not survive.
 */
export function writeBallotsFile(file: Omit<BallotsFile, "format" | "version">): string {
  const weightOf = (b: ExportedBallot) =>
    b.weight !== undefined && b.weight !== 1 ? `,"weight":${JSON.stringify(b.weight)}` : "";
  let lines: string[];
  if (file.secret) {
    // Each line is the canonical JSON of the choice (and weight), so sorting the
    // lines sorts by content alone.
    lines = file.ballots.map((b) => `{"choice":${canonical(b.choice)}${weightOf(b)}}`);
    lines.sort(compareText);
  } else {
    const named = file.ballots.map((b) => {
      if (b.voter === undefined) throw new Error("a named ballot needs its voter");
      return { voter: b.voter, b };
    });
    named.sort((x, y) => compareText(x.voter, y.voter));
    lines = named.map(
      ({ voter, b }) =>
        `{"voter":${JSON.stringify(voter)},"choice":${canonical(b.choice)}${weightOf(b)}}`,
    );
  }
  const head = {
    format: BALLOTS_FORMAT,
    version: BALLOTS_VERSION,
    ...(file.decision ? { decision: file.decision } : {}),
    settings: file.settings,
    seed: file.seed,
    eligibleWeight: file.eligibleWeight,
    secret: file.secret,
  };
  // One ballot per line keeps a million-ballot file diffable and greppable.
  const headJson = JSON.stringify(head, null, 2).replace(/\n}$/, "");
  const body = lines.length ? `\n    ${lines.join(",\n    ")}\n  ` : "";
  return `${headJson},\n  "ballots": [${body}]\n}\n`;
}

/** Rules that read the same ballots: ranked ballots can be recounted by IRV or Schulze. */
const SAME_BALLOTS: Partial<Record<Rule, Rule[]>> = { irv: ["schulze"], schulze: ["irv"] };

/**
 * Recounts an export, optionally under another rule that reads the same
 * ballots (ranked: IRV ↔ Schulze) or with another seed.
 */
export function recount(file: BallotsFile, o: { rule?: Rule; seed?: string } = {}): Tally {
  const rule = o.rule ?? file.settings.rule;
  if (rule !== file.settings.rule && !SAME_BALLOTS[file.settings.rule]?.includes(rule))
    throw new BallotsFileError(
      "settings.rule",
      `ballots cast for ${file.settings.rule} cannot be counted as ${rule}`,
    );
  return count({ ...file.settings, rule }, file.ballots, {
    eligibleWeight: file.eligibleWeight,
    seed: o.seed ?? file.seed,
  });
}
