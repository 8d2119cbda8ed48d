/**
 * The Cyberstride detector: runs the multi-process model (multiprocess.ts) over
 * a series and raises an alarm when a change or a transient becomes probable.
 *
 * Beer's Cyberstride filtered each daily indicator of each factory with Harrison
 * & Stevens's model and told the manager when the probability of a change in
 * level, a change in slope or a transient crossed a threshold ("Brain of the
 * Firm", 2nd ed., 1981, ch. 16; Medina, "Cybernetic Revolutionaries", 2011).
 * Looking one step back matters: on the step it happens, a step change and a
 * transient look alike and share the probability; the next observation tells
 * them apart and concentrates it (Harrison & Stevens 1976, §5).
 */
import {
  defaultModelParameters,
  type FilterState,
  initialState,
  type ModelParameters,
  type Prior,
  type Regime,
  regimes,
  type StepOutput,
  step,
} from "./multiprocess.ts";

export interface DetectorParameters extends ModelParameters {
  /** Alarm when the probability of a change or transient reaches this. */
  threshold: number;
  /** Also alarm on the probability, given the newest observation, of a change one step back. */
  lookBack: boolean;
  /** Observations used to set the prior (level, slope, noise); no alarm before the last of them. */
  warmup: number;
  /** Steps after an alarm during which no new alarm is raised (one change, one alarm). */
  cooldown: number;
  /**
   * Also alarm on drift: a run of forecast errors of one sign, which the mixture
   * absorbs a little at a time (a change of slope) without any single step
   * looking like a change. Monitored by cumulative Bayes factors (West &
   * Harrison 1986, JASA 81:741–750; W&H ch. 11).
   */
  drift: boolean;
  /** The alternative the drift monitor weighs: forecasts off by this many standard deviations. */
  driftShift: number;
  /** Alarm when the log Bayes factor for that alternative, over the current run, reaches this. */
  driftEvidence: number;
  /** After an alarm, the share of a step's and a slope change's variances added to the state. */
  interventionScale: number;
}

export const defaultDetectorParameters: DetectorParameters = {
  ...defaultModelParameters,
  threshold: 0.5,
  lookBack: true,
  warmup: 20,
  cooldown: 4,
  drift: true,
  driftShift: 1,
  driftEvidence: 4,
  interventionScale: 1,
};

export interface Alarm {
  /** The most probable kind of change, or drift (from the Bayes factor monitor). */
  kind: Exclude<Regime, "steady"> | "drift";
  /** 0: the change is at this step; 1: it was at the previous step; for drift, the run's length. */
  lag: number;
  /** Probability of the change; for drift, the Bayes factor's share 1 − 1/(1 + BF). */
  probability: number;
}

export interface DetectionStep<T = number | string> extends StepOutput {
  t: T;
  value: number;
  alarm: Alarm | null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * A prior from the first observations, robust to a change among them: slope is
 * the median first difference, the noise the scaled median absolute deviation
 * of the differences (a difference of two noisy values has variance 2V).
 */
export function priorFromWarmup(values: number[]): Prior {
  if (values.length < 3) throw new RangeError("at least 3 observations are needed to start");
  const diffs = values.slice(1).map((v, i) => v - (values[i] as number));
  const slope = median(diffs);
  const mad = median(diffs.map((d) => Math.abs(d - slope)));
  let variance = (1.4826 * mad) ** 2 / 2;
  if (!(variance > 0)) {
    const meanSquare = diffs.reduce((s, d) => s + (d - slope) ** 2, 0) / diffs.length;
    variance = meanSquare / 2;
  }
  // A perfectly regular start: assume a noise of a millionth of the values' size.
  if (!(variance > 0)) variance = (1e-6 * Math.max(1, Math.abs(median(values)))) ** 2;
  const first = values[0] as number;
  return {
    level: first - slope,
    slope,
    levelVariance: 1,
    slopeVariance: 0.25,
    variance,
    // A MAD is about 37% efficient: count the warmup for that many observations.
    degreesOfFreedom: Math.max(1, 0.37 * diffs.length),
  };
}

function mostProbableChange(p: Record<Regime, number>): Exclude<Regime, "steady"> {
  let best: Exclude<Regime, "steady"> = "step";
  for (const r of regimes) if (r !== "steady" && p[r] > p[best]) best = r;
  return best;
}

export function validateParameters(p: DetectorParameters): void {
  const sum = regimes.reduce((s, r) => s + p.prior[r], 0);
  for (const r of regimes) {
    if (!(p.prior[r] > 0)) throw new RangeError(`prior.${r} must be positive`);
    for (const key of ["level", "slope", "observation"] as const) {
      if (!(p.variances[r][key] >= 0)) throw new RangeError(`variances.${r}.${key} must be ≥ 0`);
    }
  }
  if (Math.abs(sum - 1) > 1e-9)
    throw new RangeError(`prior probabilities must sum to 1 (got ${sum})`);
  if (!(p.threshold > 0 && p.threshold < 1)) throw new RangeError("threshold must be in (0, 1)");
  if (!(p.varianceDiscount > 0 && p.varianceDiscount <= 1)) {
    throw new RangeError("varianceDiscount must be in (0, 1]");
  }
  if (!(Number.isInteger(p.warmup) && p.warmup >= 3))
    throw new RangeError("warmup must be an integer ≥ 3");
  if (!(Number.isInteger(p.cooldown) && p.cooldown >= 0)) {
    throw new RangeError("cooldown must be an integer ≥ 0");
  }
  if (!(p.driftShift > 0)) throw new RangeError("driftShift must be positive");
  if (!(p.driftEvidence > 0)) throw new RangeError("driftEvidence must be positive");
}

/**
 * Everything a detector knows, as plain JSON: an indicator's detector is saved
 * after each observation and restored on the next, so a restart of the node
 * neither forgets what the series has taught it nor re-reads the history.
 */
export interface DetectorSnapshot<T = number | string> {
  version: 1;
  parameters: DetectorParameters;
  state: FilterState | null;
  held: { t: T; value: number }[];
  index: number;
  /** The index of the last alarm; null before the first. */
  lastAlarm: number | null;
  intervenePending: boolean;
  driftUp: { evidence: number; run: number };
  driftDown: { evidence: number; run: number };
}

/**
 * The on-line detector. Observations are pushed one at a time; the first
 * `warmup` are held until they can set the prior, then filtered in order, so a
 * push returns the steps it completed (none, all the held ones, or one).
 */
export class CyberstrideDetector<T = number | string> {
  readonly parameters: DetectorParameters;
  private state: FilterState | undefined;
  private held: { t: T; value: number }[] = [];
  private index = 0;
  private lastAlarm = Number.NEGATIVE_INFINITY;
  private intervenePending = false;
  // Drift monitors, upward and downward: log Bayes factor over the current run and its length.
  private driftUp = { evidence: 0, run: 0 };
  private driftDown = { evidence: 0, run: 0 };

  constructor(parameters: Partial<DetectorParameters> = {}) {
    this.parameters = { ...defaultDetectorParameters, ...parameters };
    validateParameters(this.parameters);
  }

  push(t: T, value: number): DetectionStep<T>[] {
    if (!Number.isFinite(value))
      throw new RangeError(`value at t=${String(t)} is not a finite number`);
    if (this.state) return [this.filter(t, value)];
    this.held.push({ t, value });
    if (this.held.length < this.parameters.warmup) return [];
    return this.start();
  }

  /** The detector's whole state, JSON-safe (see DetectorSnapshot). */
  snapshot(): DetectorSnapshot<T> {
    return structuredClone({
      version: 1 as const,
      parameters: this.parameters,
      state: this.state ?? null,
      held: this.held,
      index: this.index,
      lastAlarm: Number.isFinite(this.lastAlarm) ? this.lastAlarm : null,
      intervenePending: this.intervenePending,
      driftUp: this.driftUp,
      driftDown: this.driftDown,
    });
  }

  /**
   * The snapshot as JSON text, without the defensive copy `snapshot()` makes
   * (the opsroom saves thousands per report: JSON.stringify copies anyway).
   */
  snapshotJson(): string {
    return JSON.stringify({
      version: 1,
      parameters: this.parameters,
      state: this.state ?? null,
      held: this.held,
      index: this.index,
      lastAlarm: Number.isFinite(this.lastAlarm) ? this.lastAlarm : null,
      intervenePending: this.intervenePending,
      driftUp: this.driftUp,
      driftDown: this.driftDown,
    } satisfies DetectorSnapshot<T>);
  }

  /** A detector restored from `snapshotJson()` text: parsed fresh, so nothing else holds it. */
  static fromJson<T = number | string>(text: string): CyberstrideDetector<T> {
    return CyberstrideDetector.restore<T>(JSON.parse(text) as DetectorSnapshot<T>, { owned: true });
  }

  /**
   * A detector that carries on exactly where the snapshot's left off. With
   * `owned`, the caller hands the snapshot over (no copy is made).
   */
  static restore<T = number | string>(
    snapshot: DetectorSnapshot<T>,
    options: { owned?: boolean } = {},
  ): CyberstrideDetector<T> {
    if (snapshot?.version !== 1) throw new TypeError("not a detector snapshot (version 1)");
    const detector = new CyberstrideDetector<T>(snapshot.parameters);
    const copy = options.owned ? snapshot : structuredClone(snapshot);
    detector.state = copy.state ?? undefined;
    detector.held = copy.held;
    detector.index = copy.index;
    detector.lastAlarm = copy.lastAlarm ?? Number.NEGATIVE_INFINITY;
    detector.intervenePending = copy.intervenePending;
    detector.driftUp = copy.driftUp;
    detector.driftDown = copy.driftDown;
    return detector;
  }

  /** Filters whatever is still held (a series shorter than the warmup). */
  finish(): DetectionStep<T>[] {
    if (this.state || this.held.length === 0) return [];
    return this.start();
  }

  private start(): DetectionStep<T>[] {
    const held = this.held;
    this.held = [];
    this.state = initialState(priorFromWarmup(held.map((h) => h.value)), this.parameters);
    return held.map((h) => this.filter(h.t, h.value));
  }

  private filter(t: T, value: number): DetectionStep<T> {
    const p = this.parameters;
    const result = step(this.state as FilterState, value, p);
    this.state = result.state;
    const i = this.index++;
    const out = result.output;
    // The intervention for the previous step's alarm comes after this step's
    // update, so that this step could still name the change by looking back.
    if (this.intervenePending) {
      this.intervenePending = false;
      this.intervene();
    }
    const drift = this.monitorDrift((value - out.forecast) / out.scale);
    let alarm: Alarm | null = null;
    if (i >= p.warmup && i - this.lastAlarm > p.cooldown) {
      const now = 1 - out.current.steady;
      const back = 1 - out.previous.steady;
      if (now >= p.threshold) {
        alarm = { kind: mostProbableChange(out.current), lag: 0, probability: now };
      } else if (p.lookBack && i - 1 >= p.warmup && back >= p.threshold) {
        alarm = { kind: mostProbableChange(out.previous), lag: 1, probability: back };
      } else if (p.drift && drift.evidence >= p.driftEvidence) {
        const factor = Math.exp(drift.evidence);
        alarm = { kind: "drift", lag: drift.run - 1, probability: factor / (1 + factor) };
      }
    }
    if (alarm) {
      this.lastAlarm = i;
      // A change seen at this very step is named only by the next value: wait for it.
      if (alarm.lag === 0 && alarm.kind !== "drift") this.intervenePending = true;
      else this.intervene();
      this.driftUp = { evidence: 0, run: 0 };
      this.driftDown = { evidence: 0, run: 0 };
    }
    return { t, value, ...out, alarm };
  }

  /**
   * After an alarm (one step later), tell the model that something changed (W&H §11.2,
   * intervention by increased uncertainty): the level and slope get the
   * variances of a step and a slope change, so the next observations re-learn
   * them instead of being absorbed a little at a time.
   */
  private intervene(): void {
    const v = this.parameters.variances;
    const state = this.state as FilterState;
    this.state = {
      ...state,
      components: state.components.map((c) => ({
        ...c,
        c00: c.c00 + v.step.level * this.parameters.interventionScale,
        c11: c.c11 + v.slope.slope * this.parameters.interventionScale,
      })),
    };
  }

  /**
   * One step of the two one-sided monitors on the standardised error z. The log
   * Bayes factor of "forecasts are off by h" against "they are right" is
   * h·z − h²/2 for a normal error; a run accumulates it while it stays positive
   * (W&H §11.4: L_t = H_t · min(1, L_{t−1}), written here for the alternative).
   * z is clipped at ±3 so that a single transient does not make a run.
   */
  private monitorDrift(z: number): { evidence: number; run: number } {
    const h = this.parameters.driftShift;
    const clipped = Math.max(-3, Math.min(3, z));
    const advance = (m: { evidence: number; run: number }, x: number) => {
      const evidence = Math.max(0, m.evidence) + h * x - (h * h) / 2;
      return evidence > 0
        ? { evidence, run: m.evidence > 0 ? m.run + 1 : 1 }
        : { evidence: 0, run: 0 };
    };
    this.driftUp = advance(this.driftUp, clipped);
    this.driftDown = advance(this.driftDown, -clipped);
    return this.driftUp.evidence >= this.driftDown.evidence ? this.driftUp : this.driftDown;
  }
}

/** Runs the detector over a whole series. */
export function detect<T>(
  series: readonly { t: T; value: number }[],
  parameters: Partial<DetectorParameters> = {},
): DetectionStep<T>[] {
  const detector = new CyberstrideDetector<T>(parameters);
  const steps: DetectionStep<T>[] = [];
  for (const point of series) steps.push(...detector.push(point.t, point.value));
  steps.push(...detector.finish());
  return steps;
}

/** The times at which alarms were raised. */
export function alarmTimes<T>(steps: readonly DetectionStep<T>[]): T[] {
  return steps.filter((s) => s.alarm).map((s) => s.t);
}
