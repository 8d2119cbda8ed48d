/**
 * Decisions counting bench (issue 18): 100,000 ranked ballots over 20 options
 * counted by Schulze and by IRV (target < 1 s each), on two seeded profiles:
 * "distinct" (every ballot a uniformly random full ranking, so merging
 * identical rankings saves nothing) and "clustered" (partial rankings of 3–8
 * options drawn near a few factions' orders, as real electorates vote).
 * Also the round trip of the ballot export: write, parse strictly, recount.
 */
import {
  parseBallotsFile,
  recount,
  writeBallotsFile,
} from "../src/governance/decisions/ballots-file.ts";
import { count } from "../src/governance/decisions/count.ts";
import type { Ballot, RankedChoice, RuleSettings } from "../src/governance/decisions/types.ts";

const BALLOTS = 100_000;
const OPTIONS = 20;
const REPEATS = 5;

/** mulberry32: a small seeded PRNG so every run counts the same ballots. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(xs: number[], rnd: () => number): number[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as number, xs[i] as number];
  }
  return xs;
}

function distinct(rnd: () => number): Ballot<RankedChoice>[] {
  return Array.from({ length: BALLOTS }, () => ({
    choice: {
      ranking: shuffle(
        Array.from({ length: OPTIONS }, (_, i) => i),
        rnd,
      ),
    },
  }));
}

function clustered(rnd: () => number): Ballot<RankedChoice>[] {
  const factions = Array.from({ length: 5 }, () =>
    shuffle(
      Array.from({ length: OPTIONS }, (_, i) => i),
      rnd,
    ),
  );
  return Array.from({ length: BALLOTS }, () => {
    const order = [...(factions[Math.floor(rnd() * rnd() * factions.length)] as number[])];
    // A few adjacent swaps away from the faction's order, then cut to 3–8 options.
    for (let k = 0; k < 3; k++) {
      const i = Math.floor(rnd() * (OPTIONS - 1));
      [order[i], order[i + 1]] = [order[i + 1] as number, order[i] as number];
    }
    return { choice: { ranking: order.slice(0, 3 + Math.floor(rnd() * 6)) } };
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function run(label: string, body: () => unknown, target?: number): void {
  const times: number[] = [];
  let result: unknown;
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    result = body();
    times.push((performance.now() - start) / 1000);
  }
  const verdict =
    target === undefined
      ? ""
      : median(times) < target
        ? `  (target < ${target} s: met)`
        : `  (target < ${target} s: MISSED)`;
  const outcome = (result as { outcome?: { winners: number[] } }).outcome;
  console.log(
    `${label.padEnd(40)} first ${times[0]?.toFixed(3)} s, median of ${REPEATS} ${median(times).toFixed(3)} s${outcome ? `; winner ${outcome.winners.join(",")}` : ""}${verdict}`,
  );
}

const options = Array.from({ length: OPTIONS }, (_, i) => `option ${i + 1}`);
for (const [name, make] of [
  ["distinct", distinct],
  ["clustered", clustered],
] as const) {
  const ballots = make(prng(18));
  for (const rule of ["schulze", "irv"] as const) {
    const settings: RuleSettings = { rule, options };
    run(
      `${rule} ${BALLOTS} × ${OPTIONS} ${name}`,
      () => count(settings, ballots, { eligibleWeight: BALLOTS, seed: "bench" }),
      1,
    );
  }
}

const ballots = clustered(prng(18));
const settings: RuleSettings = { rule: "schulze", options };
let text = "";
run("export write (secret, sorted)", () => {
  text = writeBallotsFile({
    settings,
    seed: "bench",
    eligibleWeight: BALLOTS,
    secret: true,
    ballots,
  });
  return {};
});
console.log(`${"export size".padEnd(40)} ${(text.length / 1e6).toFixed(1)} MB`);
run("export parse + validate + Schulze recount", () => recount(parseBallotsFile(text)));
