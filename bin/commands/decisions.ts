/**
 * synco decisions: audit a closed decision from its ballot export.
 *   synco decisions count FILE --rule consent|single|…|time [--seed S] [--json]
 * See docs/decisions.md ("Audit").
 */
import { readFileSync, statSync } from "node:fs";
import {
  type BallotsFile,
  BallotsFileError,
  parseBallotsFile,
  recount,
} from "../../src/governance/decisions/ballots-file.ts";
import { RULES, type Rule, type Tally } from "../../src/governance/decisions/types.ts";
import { guard, parse, UsageError } from "./args.ts";

const USAGE = `Usage: synco decisions <command> [options]

Decisions: recount a closed decision from its ballot export.

Commands:
  count    recount a ballot export (the outcome; IRV rounds; Schulze matrices)

Run "synco decisions <command> --help" for its options. Documentation: docs/decisions.md`;

const COUNT_USAGE = `Usage: synco decisions count FILE --rule ${RULES.join("|")} [options]

Recounts the ballots of a decision export and prints the outcome.
  --rule R     the rule to count by; must be the file's rule, except that ranked
               ballots can be counted by irv or schulze either way
  --seed S     seed of the lot that breaks ties nothing else breaks
               (default: the seed recorded in the file)
  --json       print the whole tally as JSON (IRV rounds, Schulze d and p, …)`;

/** Files beyond this are refused before reading: a million ballots fit well below it. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

function fail(message: string): never {
  throw new UsageError(`synco decisions count: ${message}`);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/** "#2 Tuesday" — options are numbered from 1 for people. */
function optionName(file: BallotsFile, i: number): string {
  const label = file.settings.options[i];
  return label ? `#${i + 1} ${label}` : `#${i + 1}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join("  "),
    )
    .join("\n");
}

function matrix(file: BallotsFile, m: number[][]): string {
  const n = m.length;
  const head = ["", ...Array.from({ length: n }, (_, j) => `#${j + 1}`)];
  return table([
    head,
    ...m.map((row, i) => [optionName(file, i), ...row.map((v, j) => (i === j ? "-" : num(v)))]),
  ]);
}

function details(file: BallotsFile, t: Tally): string[] {
  const name = (i: number) => optionName(file, i);
  const rows = (cols: string[], cell: (i: number) => string[]) =>
    table([["option", ...cols], ...file.settings.options.map((_, i) => [name(i), ...cell(i)])]);
  switch (t.rule) {
    case "consent": {
      const p = t.positions;
      return [
        `agree ${num(p.agree)}, abstain ${num(p.abstain)}, disagree ${num(p.disagree)}, block ${num(p.block)}`,
        `agree share of those taking a side: ${pct(t.agreeShare)}${t.blocked ? "; blocked" : ""}`,
      ];
    }
    case "single":
    case "multiple":
      return [rows(["votes", "share"], (i) => [num(t.votes[i] ?? 0), pct(t.shares[i] ?? 0)])];
    case "dot":
      return [rows(["dots", "share"], (i) => [num(t.dots[i] ?? 0), pct(t.shares[i] ?? 0)])];
    case "score":
      return [
        rows(["mean", "median"], (i) => [
          t.means[i] == null ? "-" : num(t.means[i] as number),
          t.medians[i] == null ? "-" : num(t.medians[i] as number),
        ]),
      ];
    case "time":
      return [
        rows(["yes", "if need be", "no"], (i) => [
          num(t.yes[i] ?? 0),
          num(t.maybe[i] ?? 0),
          num(t.no[i] ?? 0),
        ]),
      ];
    case "irv":
      return t.rounds.map((r, k) => {
        const votes = r.votes
          .map((v, i) => (v === null ? null : `${name(i)} ${num(v)}`))
          .filter((x) => x !== null)
          .join(", ");
        const end =
          r.elected !== undefined
            ? ` → ${name(r.elected)} elected`
            : r.eliminated !== undefined
              ? ` → ${name(r.eliminated)} eliminated${r.tieBrokenBy ? ` (tie broken by ${r.tieBrokenBy})` : ""}`
              : "";
        return `round ${k + 1}: ${votes}; exhausted ${num(r.exhausted)}${end}`;
      });
    case "schulze":
      return [
        "pairwise preferences d[row][column] (voters ranking row above column):",
        matrix(file, t.d),
        "strongest paths p[row][column]:",
        matrix(file, t.p),
        `ranking: ${t.order.map(name).join(" > ")}`,
        ...(t.potentialWinners.length > 1
          ? [`potential winners (tied): ${t.potentialWinners.map(name).join(", ")}`]
          : []),
      ];
  }
}

function summary(file: BallotsFile, t: Tally): string[] {
  const o = t.outcome;
  const title = file.decision?.title ? `"${file.decision.title}" ` : "";
  const lines = [
    `decision: ${title}counted by ${t.rule}, ${t.ballots} ballots (weight ${num(t.weight)} of ${num(t.eligibleWeight)} eligible, turnout ${pct(t.turnout)})`,
    `seed: ${JSON.stringify(t.seed)}`,
  ];
  if (file.settings.quorum)
    lines.push(`quorum ${pct(file.settings.quorum)}: ${o.quorumMet ? "met" : "not met"}`);
  if (o.winners.length)
    lines.push(
      `winner: ${o.winners.map((i) => optionName(file, i)).join(", ")}${o.tieBrokenBy ? ` (a tie was broken by ${o.tieBrokenBy})` : ""}`,
    );
  else if (t.rule !== "consent") lines.push("winner: none (no votes)");
  lines.push(
    `passed: ${o.passed === null ? "no pass question (no quorum or threshold set)" : o.passed ? "yes" : "no"}`,
  );
  return lines;
}

async function countCommand(args: string[]): Promise<number> {
  const options = {
    rule: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
  } as const;
  let parsed: ReturnType<typeof parse<typeof options>>;
  try {
    parsed = parse(args, options, COUNT_USAGE);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(`${error.message.split("\n")[0]} (see --help)`);
  }
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const [path, ...extra] = positionals;
  if (!path) fail("which ballot file? (see --help)");
  if (extra.length) fail(`unexpected argument "${extra[0]}"`);
  const rule = values.rule;
  if (!rule || !(RULES as readonly string[]).includes(rule))
    fail(`--rule must be one of ${RULES.join(", ")}`);
  if (values.seed !== undefined && values.seed.length > 256)
    fail("--seed is longer than 256 characters");
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE_BYTES) {
      console.error(`synco decisions count: ${path} is larger than ${MAX_FILE_BYTES} bytes`);
      return 1;
    }
    text = readFileSync(path, "utf8");
  } catch (error) {
    console.error(`synco decisions count: cannot read ${path}: ${(error as Error).message}`);
    return 1;
  }
  let tally: Tally;
  let file: BallotsFile;
  try {
    file = parseBallotsFile(text);
    tally = recount(file, {
      rule: rule as Rule,
      ...(values.seed !== undefined ? { seed: values.seed } : {}),
    });
  } catch (error) {
    if (!(error instanceof BallotsFileError)) throw error;
    console.error(`synco decisions count: ${path}, ${error.message}`);
    return 1;
  }
  if (values.json) {
    console.log(JSON.stringify(tally, null, 2));
    return 0;
  }
  console.log([...summary(file, tally), ...details(file, tally)].join("\n"));
  return 0;
}

export async function run(args: string[]): Promise<number> {
  return guard(async () => {
    const [command, ...rest] = args;
    if (!command || command === "--help" || command === "-h") {
      console.log(USAGE);
      return command ? 0 : 2;
    }
    if (command === "count") return countCommand(rest);
    throw new UsageError(`synco decisions: unknown command "${command}"\n\n${USAGE}`);
  });
}
