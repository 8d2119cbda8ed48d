/**
 * synco economy: the economy engines on files, before the rest of the economy
 * exists. `detect` runs the Cyberstride detector over a series; `plan` solves
 * an allocation round. See docs/economy-engines.md.
 */
import { readFile } from "node:fs/promises";
import { parseSeriesCsv, SeriesFormatError } from "../../src/economy/indicators/csv.ts";
import {
  alarmTimes,
  type DetectorParameters,
  defaultDetectorParameters,
  detect,
} from "../../src/economy/indicators/detector.ts";
import {
  PlanInputError,
  PlanSolveError,
  planAllocation,
} from "../../src/economy/planning/planner.ts";
import { guard, parse, UsageError } from "./args.ts";

const d = defaultDetectorParameters;

const mainHelp = `Usage: synco economy <command> [options]

Commands:
  detect FILE.csv   find changes and transients in a series (Cyberstride)
  plan FILE.json    solve an allocation round (HiGHS, interior point)

Run "synco economy <command> --help" for a command's options.`;

const detectHelp = `Usage: synco economy detect FILE.csv [options]

Reads a series with the header "t,value" ("-" reads standard input) and runs
a Harrison–Stevens multi-process model over it. Prints the times of the alarms.

Options:
  --json              print the alarm times as a JSON array of t values
  --details           print, per step, the forecast, its 95% interval if nothing
                      changes, and the probability of each kind of change (JSON)
  --threshold P       alarm probability (default ${d.threshold})
  --warmup N          observations that set the prior; no alarm before (default ${d.warmup})
  --cooldown N        steps after an alarm without a new one (default ${d.cooldown})
  --no-look-back      ignore the probability of a change one step back
  -h, --help          show this help`;

const planHelp = `Usage: synco economy plan FILE.json [options]

Reads an allocation round (co-ops, supplies, needs, links; see
docs/economy-engines.md; "-" reads standard input), solves the linear program
with HiGHS in a worker thread and prints flows, unmet needs and shadow prices.

Options:
  --json          print the whole result as JSON
  -h, --help      show this help`;

async function readInput(path: string): Promise<string> {
  if (path === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got "${value}"`);
  return n;
}

async function runDetect(args: string[]): Promise<number> {
  const parsed = parse(
    args,
    {
      json: { type: "boolean" },
      details: { type: "boolean" },
      threshold: { type: "string" },
      warmup: { type: "string" },
      cooldown: { type: "string" },
      "no-look-back": { type: "boolean" },
    },
    detectHelp,
  );
  if (!parsed) return 0;
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length) throw new UsageError(`expected one FILE.csv\n\n${detectHelp}`);
  const { values } = parsed;
  const threshold = values.threshold === undefined ? d.threshold : Number(values.threshold);
  const parameters: Partial<DetectorParameters> = {
    threshold,
    warmup: integer(values.warmup, "warmup", d.warmup),
    cooldown: integer(values.cooldown, "cooldown", d.cooldown),
    lookBack: !values["no-look-back"],
  };
  let steps: ReturnType<typeof detect<number | string>>;
  try {
    steps = detect(parseSeriesCsv(await readInput(file)), parameters);
  } catch (error) {
    if (error instanceof SeriesFormatError || error instanceof RangeError) {
      console.error(`synco economy detect: ${file}: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (values.details) {
    console.log(JSON.stringify(steps, null, 2));
  } else if (values.json) {
    console.log(JSON.stringify(alarmTimes(steps)));
  } else {
    const count = steps.filter((s) => s.alarm).length;
    console.log(`${steps.length} observations, ${count} alarm${count === 1 ? "" : "s"}`);
    steps.forEach((s, i) => {
      const a = s.alarm;
      if (!a) return;
      let kind: string = a.kind;
      // A change flagged on its own step is named by the next value, looking back.
      const next = steps[i + 1]?.previous;
      if (a.lag === 0 && a.kind !== "drift" && next) {
        const best = (["step", "slope", "transient"] as const).reduce((x, y) =>
          next[y] > next[x] ? y : x,
        );
        kind = next[best] >= 0.5 ? best : "step or transient";
      }
      const when =
        a.kind === "drift"
          ? `over ${a.lag + 1} steps`
          : a.lag
            ? "at the previous step"
            : "at this step";
      console.log(`  t=${s.t}: ${kind} ${when} (p=${a.probability.toFixed(3)})`);
    });
  }
  return 0;
}

async function runPlan(args: string[]): Promise<number> {
  const parsed = parse(args, { json: { type: "boolean" } }, planHelp);
  if (!parsed) return 0;
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length) throw new UsageError(`expected one FILE.json\n\n${planHelp}`);
  const text = await readInput(file);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    console.error(`synco economy plan: ${file}: not valid JSON: ${(error as Error).message}`);
    return 1;
  }
  try {
    const result = await planAllocation(input);
    if (parsed.values.json) {
      console.log(JSON.stringify(result, null, 2));
      return 0;
    }
    const s = result.solver;
    console.log(
      `${s.name} ${s.version} (${s.method}): ${s.status} in ${s.seconds.toFixed(3)} s, ` +
        `${s.variables} variables, ${s.constraints} constraints`,
    );
    console.log(
      `cost ${result.objective.toFixed(4)} = transport ${result.transportCost.toFixed(4)} + shortfall ${result.shortfallCost.toFixed(4)}`,
    );
    for (const f of result.flows) console.log(`  ${f.from} → ${f.to}: ${f.quantity} ${f.good}`);
    for (const u of result.unmet) console.log(`  unmet: ${u.coop} lacks ${u.quantity} ${u.good}`);
    return 0;
  } catch (error) {
    if (error instanceof PlanInputError || error instanceof PlanSolveError) {
      console.error(`synco economy plan: ${file}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

export async function run(args: string[]): Promise<number> {
  return guard(async () => {
    const [command, ...rest] = args;
    if (command === "detect") return runDetect(rest);
    if (command === "plan") return runPlan(rest);
    if (command === undefined || command === "--help" || command === "-h") {
      console.log(mainHelp);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${command}"\n\n${mainHelp}`);
  });
}
