/**
 * Participatory budgeting bench (issue 8): the seeded 10,000-voter × 100-project
 * approval election (3–10 approvals per voter with Zipf-like popularity, costs
 * 5,000–100,000, budget a quarter of the total cost) counted exactly with the
 * Method of Equal Shares, with Add1 (target < 1 s) and without completion
 * (target < 0.2 s), plus the two real elections in the fixtures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { count } from "../src/governance/budgeting/count.ts";
import { methodOfEqualShares } from "../src/governance/budgeting/mes.ts";
import { mesExact } from "../src/governance/budgeting/mes-exact.ts";
import { readPb } from "../src/governance/budgeting/pabulib.ts";
import {
  candidates,
  type Profile,
  toProfile,
  totalCost,
} from "../src/governance/budgeting/profile.ts";
import { syntheticElection } from "../src/governance/budgeting/synthetic.ts";

function time<T>(body: () => T): [T, number] {
  const start = performance.now();
  const value = body();
  return [value, (performance.now() - start) / 1000];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function bench(
  label: string,
  p: Profile,
  completion: "none" | "add1",
  repeats: number,
  target?: number,
) {
  const times: number[] = [];
  let last: ReturnType<typeof methodOfEqualShares> | undefined;
  for (let r = 0; r < repeats; r++) {
    const [outcome, seconds] = time(() => methodOfEqualShares(p, { completion }));
    times.push(seconds);
    last = outcome;
  }
  const o = last as ReturnType<typeof methodOfEqualShares>;
  const verdict =
    target === undefined
      ? ""
      : median(times) < target
        ? `  (target < ${target} s: met)`
        : `  (target < ${target} s: MISSED)`;
  console.log(
    `${label.padEnd(38)} first ${times[0]?.toFixed(3)} s, median of ${repeats} ${median(times).toFixed(3)} s` +
      `; ${o.winners.length} projects, spent ${totalCost(p, o.winners)} of ${p.budget}` +
      (completion === "add1" ? `, ${o.steps} Add1 steps` : "") +
      `, exact recounts ${o.exactRuns}${verdict}`,
  );
}

const [election, generate] = time(() =>
  syntheticElection({ voters: 10_000, projects: 100, seed: 2024 }),
);
const p = toProfile(election);
console.log(
  `synthetic election generated in ${generate.toFixed(3)} s (seed 2024, 10,000 voters, 100 projects)`,
);
bench("10,000 × 100, MES without completion", p, "none", 5, 0.2);
bench("10,000 × 100, MES + Add1", p, "add1", 5, 1);

const [exactRun, exactSeconds] = time(() =>
  mesExact(p, candidates(p), { n: p.budget, d: 10_000n }),
);
console.log(
  `${"10,000 × 100, one run in BigInt only".padEnd(38)} ${exactSeconds.toFixed(3)} s (${exactRun.winners.length} projects; the reference the fast count is certified against)`,
);
const [, explainSeconds] = time(() => count(election, { rule: "mes-add1", explain: true }));
console.log(
  `${"10,000 × 100, mes-add1 with explanations".padEnd(38)} ${explainSeconds.toFixed(3)} s`,
);

for (const name of ["Poland_Swiecie_2023.pb", "Netherlands_Assen_2024.pb"]) {
  const real = toProfile(
    readPb(
      readFileSync(
        join(import.meta.dirname, "..", "src/governance/budgeting/fixtures", name),
        "utf8",
      ),
    ),
  );
  bench(`${name.replace(".pb", "")} (${real.voterIds.length} voters), Add1`, real, "add1", 5);
}
