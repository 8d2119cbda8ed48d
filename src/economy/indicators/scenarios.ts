/**
 * Labelled synthetic series for measuring the detector, and the scoring rule:
 * an alarm within `window` steps at or after a change is a hit (the issue's
 * definition). Seeded, so the bench prints the same figures on every run.
 */
import { mulberry32 } from "../../kernel/mulberry32.ts";

export type ChangeKind = "step" | "slope" | "transient";
export type ScenarioKind = ChangeKind | "none";

export interface LabelledSeries {
  kind: ScenarioKind;
  noise: number;
  values: number[];
  /** Indices at which a change happens. */
  changes: number[];
}

/** mulberry32: a small, fast, seedable generator (Tommy Ettinger, public domain). */
export const seededRandom = mulberry32;

/** Standard normal by Box–Muller. */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export interface ScenarioShape {
  length: number;
  /** Changes per series (none for "none"). */
  changesPerSeries: number;
  /** First index at which a change may happen (after the detector's warmup). */
  firstChange: number;
  /** Minimum distance between changes, and from the last change to the end. */
  spacing: number;
  /** Absolute sizes: [min, max] magnitude, random sign. */
  stepSize: [number, number];
  transientSize: [number, number];
  /** Change of slope, per step. */
  slopeSize: [number, number];
}

export const defaultShape: ScenarioShape = {
  length: 200,
  changesPerSeries: 2,
  firstChange: 30,
  spacing: 50,
  stepSize: [8, 12],
  transientSize: [10, 15],
  slopeSize: [1, 1.5],
};

/**
 * A series around 100 with a small random slope, noise of standard deviation
 * `noise`, a slowly wandering level (a random walk of 0.1·noise per step, as
 * ordinary operational data does) and the scenario's changes.
 */
export function labelledSeries(
  kind: ScenarioKind,
  noise: number,
  random: () => number,
  shape: ScenarioShape = defaultShape,
): LabelledSeries {
  const changes: number[] = [];
  if (kind !== "none") {
    // Spread the changes: each in its own slot of the usable range.
    const usable = shape.length - shape.firstChange - shape.spacing;
    const slot = Math.floor(usable / shape.changesPerSeries);
    for (let c = 0; c < shape.changesPerSeries; c++) {
      const room = Math.max(1, slot - shape.spacing);
      changes.push(shape.firstChange + c * slot + Math.floor(random() * room));
    }
  }
  const size = ([lo, hi]: [number, number]) =>
    (lo + (hi - lo) * random()) * (random() < 0.5 ? -1 : 1);
  let level = 100;
  let slope = (random() - 0.5) * 0.1;
  const values: number[] = [];
  const transients = new Map<number, number>();
  for (let t = 0; t < shape.length; t++) {
    if (changes.includes(t)) {
      if (kind === "step") level += size(shape.stepSize);
      else if (kind === "slope") slope += size(shape.slopeSize);
      else if (kind === "transient") transients.set(t, size(shape.transientSize));
    }
    level += slope + 0.1 * noise * gaussian(random);
    values.push(level + noise * gaussian(random) + (transients.get(t) ?? 0));
  }
  return { kind, noise, values, changes };
}

export interface Score {
  alarms: number;
  hits: number; // alarms within the window after some change
  changes: number;
  found: number; // changes with at least one alarm in their window
  steps: number;
}

export function emptyScore(): Score {
  return { alarms: 0, hits: 0, changes: 0, found: 0, steps: 0 };
}

/** Adds one series' result to a score. Alarms and changes are indices. */
export function scoreSeries(
  score: Score,
  alarms: readonly number[],
  changes: readonly number[],
  length: number,
  window = 6,
): void {
  const hit = (a: number, c: number) => a >= c && a <= c + window;
  score.steps += length;
  score.alarms += alarms.length;
  score.hits += alarms.filter((a) => changes.some((c) => hit(a, c))).length;
  score.changes += changes.length;
  score.found += changes.filter((c) => alarms.some((a) => hit(a, c))).length;
}

/** Precision is NaN without alarms and recall NaN without changes: nothing to measure. */
export function precision(s: Score): number {
  return s.alarms === 0 ? Number.NaN : s.hits / s.alarms;
}

export function recall(s: Score): number {
  return s.changes === 0 ? Number.NaN : s.found / s.changes;
}
