/**
 * synco commons: the differential privacy engine from the command line.
 *   synco commons sample --kind gauss|laplace --scale S --count N
 *   synco commons query FILE.csv --mechanism … (see docs/dp.md)
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import {
  BudgetExceededError,
  cryptoByteSource,
  DEFAULT_DELTA,
  MECHANISMS,
  type Mechanism,
  noiseSampler,
  PrivacyFilter,
  parseCandidates,
  parseCsv,
  parseRational,
  type Release,
  rhoForEpsilon,
  runQuery,
  seededByteSource,
} from "../../src/commons/dp/index.ts";
import { guard, type Options, parse, UsageError } from "./args.ts";

const USAGE = `Usage: synco commons <sample|query> [options]

Differential privacy with exact integer noise and zCDP accounting.

Commands:
  sample   print samples of discrete Gaussian or Laplace noise
  query    answer a count, sum, mean, histogram or quantile over a CSV file

Run "synco commons <command> --help" for its options. Documentation: docs/dp.md`;

const SAMPLE_USAGE = `Usage: synco commons sample --kind gauss|laplace --scale S --count N [--seed X]

Prints N samples, one integer per line.
  --kind gauss|laplace   discrete Gaussian (scale σ) or discrete Laplace (scale b)
  --scale S              σ or b, exact: a decimal (2.5, 1e3) or a fraction (7/3)
  --count N              how many samples
  --seed X               reproducible ChaCha20 stream (testing only; default: OS randomness)`;

const QUERY_USAGE = `Usage: synco commons query FILE.csv --mechanism M (--rho R | --epsilon E) [options]

  --mechanism M       count | sum | mean | histogram | quantile
  --rho R             zCDP budget of this query
  --epsilon E         or an ε at δ = 1e-6, converted to the largest ρ within it
  --column C          value column (sum, mean, quantile) or key column (histogram)
  --lower L --upper U public clamping bounds (sum, mean)
  --grid G            fixed-point step values are rounded to (default 1)
  --by C --keys K,…   group count/sum/mean by column C over public keys (all reported)
  --keys K,…          the histogram's public keys (all reported, zeros included)
  --unit C            privacy unit column (default: each row is a unit)
  --max-rows K        rows kept per unit (default 1)
  --noise gauss|laplace  (default gauss)
  --quantile Q        quantile level in [0, 1] (quantile)
  --candidates SPEC   public candidates: lower:upper:step or a,b,c (quantile)
  --confidence P      level of the intervals (default 0.95)
  --budget R          total ρ of the ledger (with --ledger, first use)
  --ledger FILE       JSON ledger of ρ spent; a query that would exceed it is refused
  --seed X            reproducible noise (testing only; default: OS randomness)
  --json              print the release as JSON`;

function parseOrFail<O extends Options>(args: string[], options: O, help: string, name: string) {
  try {
    return parse(args, options, help);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const first = error.message.split("\n")[0] ?? "bad arguments";
    throw new UsageError(`synco commons ${name}: ${first} (see --help)`);
  }
}

function fail(name: string, message: string): never {
  throw new UsageError(`synco commons ${name}: ${message}`);
}

function positiveInteger(text: string | undefined, what: string, name: string): number {
  const n = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    fail(name, `${what} must be a non-negative integer, got "${text ?? ""}"`);
  }
  return n;
}

async function sample(args: string[]): Promise<number> {
  const options = {
    kind: { type: "string" },
    scale: { type: "string" },
    count: { type: "string" },
    seed: { type: "string" },
  } as const;
  const parsed = parseOrFail(args, options, SAMPLE_USAGE, "sample");
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length) fail("sample", `unexpected argument "${positionals[0]}"`);
  if (values.kind !== "gauss" && values.kind !== "laplace")
    fail("sample", "--kind must be gauss or laplace");
  if (values.scale === undefined) fail("sample", "--scale is required");
  const count = positiveInteger(values.count, "--count", "sample");
  let sampler: ReturnType<typeof noiseSampler>;
  try {
    sampler = noiseSampler(values.kind, parseRational(values.scale));
  } catch (error) {
    fail("sample", `--scale: ${(error as Error).message}`);
  }
  const source = values.seed === undefined ? cryptoByteSource() : seededByteSource(values.seed);
  // A reader that stops early (| head) closes the pipe: stop sampling, quietly.
  let closed = false;
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    closed = true;
  };
  process.stdout.on("error", onError);
  const chunk: string[] = [];
  for (let i = 0; i < count && !closed; i++) {
    chunk.push(sampler.sample(source).toString());
    if (chunk.length === 10_000 || i === count - 1) {
      const ok = process.stdout.write(`${chunk.join("\n")}\n`);
      chunk.length = 0;
      if (!ok) {
        await new Promise<void>((resolve) => {
          process.stdout.once("drain", resolve);
          process.stdout.once("error", () => resolve());
        });
      }
    }
  }
  return 0;
}

/** How long a query waits for another one holding the ledger before it gives up. */
const LEDGER_WAIT_MS = 30_000;
const nap = new Int32Array(new SharedArrayBuffer(4));

/**
 * Holds `${ledger}.lock` (created exclusively) from reading the ledger to writing it,
 * so two queries run at once cannot both spend what only one may. A lock left by a
 * killed run is not broken silently: the budget is the commons' promise, so the
 * message says which file to remove once no query is running.
 */
function lockLedger(path: string): () => void {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LEDGER_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (Date.now() > deadline)
        fail(
          "query",
          `the ledger is locked by another query (${lock}); if none is running, remove that file`,
        );
      Atomics.wait(nap, 0, 0, 20);
    }
  }
}

interface Ledger {
  budget: number;
  entries: { at: string; file: string; mechanism: string; rho: number }[];
}

function loadLedger(path: string, budget: number | undefined): Ledger {
  if (!existsSync(path)) {
    if (budget === undefined)
      fail("query", `ledger ${path} does not exist: give --budget to create it`);
    return { budget, entries: [] };
  }
  let ledger: Ledger;
  try {
    ledger = JSON.parse(readFileSync(path, "utf8")) as Ledger;
  } catch (error) {
    fail("query", `cannot read ledger ${path}: ${(error as Error).message}`);
  }
  if (typeof ledger.budget !== "number" || !Array.isArray(ledger.entries))
    fail("query", `${path} is not a ledger`);
  if (budget !== undefined && budget !== ledger.budget) {
    fail("query", `--budget ${budget} differs from the ledger's ${ledger.budget}`);
  }
  return ledger;
}

function number(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n))
    fail("query", `${what} must be a number, got "${text}"`);
  return n;
}

function printRelease(release: Release, what: string): void {
  const pure =
    release.pureEpsilon === undefined ? "" : ` (pure ε = ${release.pureEpsilon.toPrecision(6)})`;
  const cost = `ρ = ${release.rho.toPrecision(6)}, ε = ${release.epsilon.toPrecision(6)} at δ = ${release.delta}${pure}`;
  console.log(`${what}: ${cost}`);
  for (const n of release.noise)
    console.log(`  noise ${n.kind}, scale ${n.scale}, sensitivity ${n.sensitivity}`);
  for (const e of release.estimates) {
    const label = e.key === undefined ? "" : `${e.key}\t`;
    const ci =
      e.ci.of === "rank-gap"
        ? `rank error at most ${e.ci.high.toFixed(1)} rows above the best candidate's (${e.ci.level * 100} %)`
        : `${e.ci.level * 100} % CI [${e.ci.low}, ${e.ci.high}]`;
    console.log(`${label}${e.value}\t${ci}`);
  }
}

async function query(args: string[]): Promise<number> {
  const options = {
    mechanism: { type: "string" },
    rho: { type: "string" },
    epsilon: { type: "string" },
    column: { type: "string" },
    lower: { type: "string" },
    upper: { type: "string" },
    grid: { type: "string" },
    by: { type: "string" },
    keys: { type: "string" },
    unit: { type: "string" },
    "max-rows": { type: "string" },
    noise: { type: "string" },
    quantile: { type: "string" },
    candidates: { type: "string" },
    confidence: { type: "string" },
    budget: { type: "string" },
    ledger: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
  } as const;
  const parsed = parseOrFail(args, options, QUERY_USAGE, "query");
  if (!parsed) return 0;
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) fail("query", "give exactly one CSV file");
  const file = positionals[0] ?? "";
  const mechanism = v.mechanism as Mechanism;
  if (!MECHANISMS.includes(mechanism))
    fail("query", `--mechanism must be one of ${MECHANISMS.join(", ")}`);
  if ((v.rho === undefined) === (v.epsilon === undefined))
    fail("query", "give exactly one of --rho and --epsilon");
  const rho =
    v.rho !== undefined
      ? (number(v.rho, "--rho") ?? 0)
      : rhoForEpsilon(number(v.epsilon, "--epsilon") ?? 0, DEFAULT_DELTA);
  if (!(rho > 0)) fail("query", "the budget must be > 0");
  if (v.noise !== undefined && v.noise !== "gauss" && v.noise !== "laplace")
    fail("query", "--noise must be gauss or laplace");
  if (v.budget !== undefined && v.ledger === undefined) fail("query", "--budget needs --ledger");

  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    fail(
      "query",
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const unlock = v.ledger === undefined ? undefined : lockLedger(v.ledger);
  try {
    return spend();
  } finally {
    unlock?.();
  }

  /** The query against the ledger (held from here until it is written) and its output. */
  function spend(): number {
    const ledger =
      v.ledger === undefined ? undefined : loadLedger(v.ledger, number(v.budget, "--budget"));
    const filter =
      ledger &&
      new PrivacyFilter(
        ledger.budget,
        ledger.entries.reduce((s, e) => s + e.rho, 0),
      );
    const source = v.seed === undefined ? cryptoByteSource() : seededByteSource(v.seed);

    let release: Release;
    try {
      release = runQuery(
        parseCsv(text),
        {
          mechanism,
          rho,
          filter,
          column: v.column,
          lower: v.lower,
          upper: v.upper,
          grid: v.grid,
          by: v.by,
          keys: v.keys?.split(",").map((k) => k.trim()),
          unit: v.unit,
          maxRowsPerUnit:
            v["max-rows"] === undefined
              ? undefined
              : positiveInteger(v["max-rows"], "--max-rows", "query"),
          noise: v.noise as "gauss" | "laplace" | undefined,
          confidence: number(v.confidence, "--confidence"),
          quantile: v.quantile,
          candidates: v.candidates === undefined ? undefined : parseCandidates(v.candidates),
        },
        source,
      );
    } catch (error) {
      if (error instanceof BudgetExceededError) {
        console.error(`synco commons query: refused: ${error.message}`);
        return 1;
      }
      if (error instanceof RangeError) fail("query", error.message);
      throw error;
    }
    if (ledger && v.ledger) {
      ledger.entries.push({ at: new Date().toISOString(), file, mechanism, rho: release.rho });
      // Written aside, then renamed over: a crash leaves the old ledger or the new, whole.
      writeFileSync(`${v.ledger}.tmp`, `${JSON.stringify(ledger, null, 2)}\n`);
      renameSync(`${v.ledger}.tmp`, v.ledger);
    }
    if (v.json) console.log(JSON.stringify(release, null, 2));
    else
      printRelease(
        release,
        `${mechanism}${v.column ? ` of ${v.column}` : ""}${v.by ? ` by ${v.by}` : ""} in ${file}`,
      );
    return 0;
  }
}

export async function run(args: string[]): Promise<number> {
  return guard(async () => {
    const [command, ...rest] = args;
    if (command === undefined || command === "--help" || command === "-h") {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === "sample") return sample(rest);
    if (command === "query") return query(rest);
    throw new UsageError(
      `synco commons: unknown command "${command}" (try sample or query; see --help)`,
    );
  });
}
