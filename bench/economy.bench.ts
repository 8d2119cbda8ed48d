/**
 * npm run bench -- economy: the economy engines' figures (issue 9).
 *
 * 1. Allocation planner on the seeded synthetic round (src/economy/planning/
 *    instance.ts) for 100 and 1,000 co-ops, solved through planAllocation (a
 *    worker thread, HiGHS interior point): wall time, solver time, peak RSS of
 *    the process (worker included) and the main thread's worst event-loop delay.
 * 2. Cyberstride detector: precision and recall on labelled series with known
 *    changes (steps, transients, slope changes, none) at three noise levels; an
 *    alarm within 6 steps at or after a change is a hit. Seeds differ from the
 *    ones the defaults were tuned on.
 * 3. Detector speed in µs per update.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { CyberstrideDetector, detect } from "../src/economy/indicators/detector.ts";
import {
  defaultModelParameters,
  initialState,
  step,
} from "../src/economy/indicators/multiprocess.ts";
import {
  defaultShape,
  emptyScore,
  gaussian,
  labelledSeries,
  precision,
  recall,
  type ScenarioKind,
  type Score,
  scoreSeries,
  seededRandom,
} from "../src/economy/indicators/scenarios.ts";
import { syntheticRound } from "../src/economy/planning/instance.ts";
import { planAllocation } from "../src/economy/planning/planner.ts";

const mb = (kb: number) => (kb / 1024).toFixed(0);
const pct = (x: number) => (Number.isNaN(x) ? "  –  " : x.toFixed(3));
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");

// 1. Planner ---------------------------------------------------------------
console.log("### Allocation planner (HiGHS, interior point, worker thread)");
for (const coops of [100, 1000]) {
  const t0 = performance.now();
  const input = syntheticRound({
    coops,
    goods: 100,
    suppliedPerCoop: 10,
    neededPerCoop: 10,
    linksPerSupply: 10,
    seed: 9,
  });
  const generated = performance.now() - t0;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const t1 = performance.now();
  const plan = await planAllocation(input);
  const wall = (performance.now() - t1) / 1000;
  delay.disable();
  const rss = process.resourceUsage().maxRSS;
  const s = plan.solver;
  const flowVariables = s.variables - input.needs.length;
  console.log(
    `${coops} co-ops: ${flowVariables} flow + ${input.needs.length} shortfall variables, ` +
      `${s.constraints} constraints, ${s.nonzeros} nonzeros (generated in ${generated.toFixed(0)} ms)`,
  );
  console.log(
    `  HiGHS ${s.version} ${s.method}: ${s.status}, ${s.iterations} iterations, solver ${s.seconds.toFixed(2)} s, ` +
      `wall ${wall.toFixed(2)} s (worker start, model build, solve, result)`,
  );
  console.log(
    `  objective ${plan.objective.toFixed(2)} (transport ${plan.transportCost.toFixed(2)}, ` +
      `shortfall ${plan.shortfallCost.toFixed(2)}), ${plan.flows.length} flows used, ${plan.unmet.length} needs partly unmet`,
  );
  console.log(
    `  peak RSS ${mb(rss)} MB; main thread's worst event-loop delay during the solve ${(delay.max / 1e6).toFixed(1)} ms`,
  );
  if (coops === 1000) {
    console.log(
      `  target < 20 s: ${verdict(wall < 20)}; target < 1 GB RSS: ${verdict(rss < 1024 * 1024)}`,
    );
  }
}

// 2. Detector quality ------------------------------------------------------
console.log(
  "\n### Cyberstride detector: precision and recall (hit = alarm within 6 steps after a change)",
);
const kinds: ScenarioKind[] = ["none", "step", "transient", "slope"];
const noises = [0.5, 1, 2];
const seriesPerCell = 100;
const sizeOf: Record<ScenarioKind, [number, number] | undefined> = {
  none: undefined,
  step: defaultShape.stepSize,
  transient: defaultShape.transientSize,
  slope: defaultShape.slopeSize,
};
console.log(
  `${seriesPerCell} series of ${defaultShape.length} steps per cell, ${defaultShape.changesPerSeries} changes per series; ` +
    "level wanders by 0.1σ a step",
);
console.log("scenario   noise σ  change size (in σ)   alarms  changes  precision  recall");
const total = emptyScore();
const perKind: Record<string, Score> = {};
kinds.forEach((kind, k) => {
  const kindScore = emptyScore();
  for (const noise of noises) {
    const cell = emptyScore();
    const random = seededRandom(20261127 + 100 * k + 10 * noise);
    for (let i = 0; i < seriesPerCell; i++) {
      const series = labelledSeries(kind, noise, random);
      const steps = detect(series.values.map((value, t) => ({ t, value })));
      const alarms = steps.filter((s) => s.alarm).map((s) => s.t);
      for (const score of [cell, kindScore, total]) {
        scoreSeries(score, alarms, series.changes, series.values.length);
      }
    }
    const size = sizeOf[kind];
    const sizeText = size
      ? `${(size[0] / noise).toFixed(1)}–${(size[1] / noise).toFixed(1)}${kind === "slope" ? "/step" : ""}`
      : "–";
    console.log(
      `${kind.padEnd(10)} ${String(noise).padStart(7)}  ${sizeText.padEnd(19)} ${String(cell.alarms).padStart(6)}  ` +
        `${String(cell.changes).padStart(7)}  ${pct(precision(cell)).padStart(9)}  ${pct(recall(cell)).padStart(6)}` +
        (kind === "none"
          ? `   (${((1000 * cell.alarms) / cell.steps).toFixed(2)} false alarms per 1000 steps)`
          : ""),
    );
  }
  perKind[kind] = kindScore;
});
console.log(
  "per kind of change (the false alarms of the no-change series are counted in the total only):",
);
for (const kind of kinds.slice(1)) {
  const s = perKind[kind] as Score;
  const ok = precision(s) >= 0.8 && recall(s) >= 0.8;
  console.log(
    `  ${kind.padEnd(10)} precision ${pct(precision(s))}  recall ${pct(recall(s))}  ${verdict(ok)}`,
  );
}
const none = perKind.none as Score;
console.log(
  `  none       ${none.alarms} false alarms in ${none.steps} steps (${((1000 * none.alarms) / none.steps).toFixed(2)} per 1000)`,
);
console.log(
  `  all        precision ${pct(precision(total))}  recall ${pct(recall(total))}  ` +
    verdict(precision(total) >= 0.8 && recall(total) >= 0.8),
);

// 3. Detector speed --------------------------------------------------------
console.log("\n### Cyberstride detector: speed");
const random = seededRandom(1);
const values = Array.from({ length: 200_000 }, (_, i) => 100 + 0.01 * i + gaussian(random));
let state = initialState(
  { level: 100, slope: 0, levelVariance: 1, slopeVariance: 0.25, variance: 1, degreesOfFreedom: 5 },
  defaultModelParameters,
);
for (const y of values.slice(0, 10_000)) state = step(state, y, defaultModelParameters).state; // warm up the JIT
let t = performance.now();
for (const y of values) state = step(state, y, defaultModelParameters).state;
const perStep = ((performance.now() - t) * 1000) / values.length;
const detector = new CyberstrideDetector<number>();
t = performance.now();
for (const [i, y] of values.entries()) detector.push(i, y);
const perPush = ((performance.now() - t) * 1000) / values.length;
console.log(
  `multi-process update (16 Kalman updates + collapse): ${perStep.toFixed(2)} µs per update`,
);
console.log(
  `detector push (update + alarms + drift monitor):     ${perPush.toFixed(2)} µs per update`,
);
