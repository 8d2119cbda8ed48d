/**
 * synco pb: participatory budgeting from the command line.
 *   synco pb count FILE.pb --rule mes-add1|mes|greedy [--json]
 * See docs/budgeting.md.
 */
import { readFileSync } from "node:fs";
import {
  CountError,
  count,
  PbFormatError,
  RULES,
  type RuleName,
  readPb,
} from "../../src/governance/budgeting/index.ts";
import { guard, parse, UsageError } from "./args.ts";

const USAGE = `Usage: synco pb <command> [options]

Participatory budgeting on Pabulib .pb files, counted exactly.

Commands:
  count    count an election with the Method of Equal Shares or greedy

Run "synco pb <command> --help" for its options. Documentation: docs/budgeting.md`;

const COUNT_USAGE = `Usage: synco pb count FILE.pb --rule mes-add1|mes|greedy [options]

Prints the selected project ids (in the order they were chosen) and the money spent.
  --rule R              mes-add1  Method of Equal Shares completed by Add1 (equalshares.net)
                        mes       Method of Equal Shares, no completion
                        greedy    by votes, skipping projects that no longer fit
                        greedy-noskip  by votes, stopping at the first that does not fit
  --json                print {"selected": [...], "spent": N, "projects": [...explanations]}
  --seed N              seed of the lot that breaks ties left after lowest cost and
                        most votes (default 1; recorded in the output)
  --compare C           comparison step against greedy: none (default), satisfaction, exclusion
  --add1-start S        exact (default: budget / voters) or integral (rounded down to whole units)
  --exact               count with exact rationals only (slower; same result)`;

function fail(message: string): never {
  throw new UsageError(`synco pb count: ${message}`);
}

async function countCommand(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  const options = {
    rule: { type: "string" },
    json: { type: "boolean" },
    seed: { type: "string" },
    compare: { type: "string" },
    "add1-start": { type: "string" },
    exact: { type: "boolean" },
  } as const;
  try {
    parsed = parse(args, options, COUNT_USAGE);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(`${error.message.split("\n")[0]} (see --help)`);
  }
  if (!parsed) return 0;
  const { values, positionals } = parsed as {
    values: Record<string, string | boolean | undefined>;
    positionals: string[];
  };
  const [file, ...extra] = positionals;
  if (!file) fail("which .pb file? (see --help)");
  if (extra.length) fail(`unexpected argument "${extra[0]}"`);
  const rule = values.rule as string | undefined;
  if (!rule || !RULES.includes(rule as RuleName)) fail(`--rule must be one of ${RULES.join(", ")}`);
  const seedText = (values.seed as string | undefined) ?? "1";
  if (!/^\d+$/.test(seedText) || Number(seedText) > 2 ** 32 - 1)
    fail("--seed must be an integer 0…4294967295");
  const compare = (values.compare as string | undefined) ?? "none";
  if (!["none", "satisfaction", "exclusion"].includes(compare)) {
    fail("--compare must be none, satisfaction or exclusion");
  }
  const add1Start = (values["add1-start"] as string | undefined) ?? "exact";
  if (add1Start !== "exact" && add1Start !== "integral")
    fail("--add1-start must be exact or integral");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    console.error(`synco pb count: cannot read ${file}: ${(error as Error).message}`);
    return 1;
  }
  let election: ReturnType<typeof readPb>;
  try {
    election = readPb(text);
  } catch (error) {
    if (!(error instanceof PbFormatError)) throw error;
    console.error(`synco pb count: ${file}, ${error.message}`);
    return 1;
  }
  for (const warning of election.warnings) console.error(`warning: ${warning}`);
  const json = values.json === true;
  let result: ReturnType<typeof count>;
  try {
    result = count(election, {
      rule: rule as RuleName,
      seed: Number(seedText),
      compare: compare as "none" | "satisfaction" | "exclusion",
      add1Start,
      exactOnly: values.exact === true,
      explain: json,
    });
  } catch (error) {
    if (!(error instanceof CountError)) throw error;
    console.error(`synco pb count: ${error.message}`);
    return 1;
  }
  if (json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  console.log(`selected: ${result.selected.join(" ")}`);
  console.log(`spent: ${result.spent} of ${result.budget}`);
  if (result.comparison) {
    const c = result.comparison;
    console.log(
      `comparison: ${c.prefersMes} voters prefer MES, ${c.prefersGreedy} greedy; kept ${c.kept}`,
    );
  }
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
    throw new UsageError(`synco pb: unknown command "${command}"\n\n${USAGE}`);
  });
}
