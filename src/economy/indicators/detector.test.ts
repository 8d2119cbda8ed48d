import assert from "node:assert/strict";
import { test } from "node:test";
import { alarmTimes, CyberstrideDetector, detect, priorFromWarmup } from "./detector.ts";
import { labelledSeries, seededRandom } from "./scenarios.ts";

// A fixed, noise-like pattern (standard deviation near 1) repeated.
const wiggle = [0.3, -0.8, 1.1, -0.2, 0.6, -1.3, 0.4, 0.9, -0.5, -0.1, 0.2, -0.6, 0.8];
const noise = (i: number) => wiggle[i % wiggle.length] as number;
const series = (n: number, f: (i: number) => number) =>
  Array.from({ length: n }, (_, i) => ({ t: i, value: f(i) + noise(i) }));

test("the warmup prior reads level, slope and noise off the first values", () => {
  const line = priorFromWarmup([3, 5, 7, 9, 11]);
  assert.equal(line.slope, 2);
  assert.equal(line.level, 1); // one step before the first value
  assert.ok(
    line.variance > 0 && line.variance < 1e-10,
    "a perfect line gets a tiny noise, not zero",
  );
  // Differences 1, −1, 1, −1: median 0 … MAD 1 → variance (1.4826)²/2.
  const zigzag = priorFromWarmup([0, 1, 0, 1, 0]);
  assert.equal(zigzag.slope, 0);
  assert.ok(Math.abs(zigzag.variance - 1.4826 ** 2 / 2) < 1e-12);
  assert.throws(() => priorFromWarmup([1, 2]), /at least 3/);
});

test("a quiet series raises no alarm", () => {
  assert.deepEqual(alarmTimes(detect(series(120, () => 50))), []);
  assert.deepEqual(alarmTimes(detect(series(120, (i) => 50 + 0.2 * i))), []);
});

test("a big jump is flagged when it happens, and named by the next value", () => {
  const jump = (lasting: boolean) =>
    detect(series(80, (i) => (i === 40 || (lasting && i > 40) ? 58 : 50)));
  for (const lasting of [true, false]) {
    const steps = jump(lasting);
    assert.deepEqual(alarmTimes(steps), [40]);
    // At the jump, a step and a transient explain it equally well; one value later, one does.
    const later = steps[41]?.previous;
    assert.ok(later);
    if (lasting) assert.ok(later.step > 0.9, `step ${later.step}`);
    else assert.ok(later.transient > 0.9, `transient ${later.transient}`);
  }
});

test("a smaller step is flagged one step later, by looking back", () => {
  const data = series(80, (i) => (i < 40 ? 50 : 54));
  const [alarm] = detect(data).filter((s) => s.alarm);
  assert.equal(alarm?.t, 41);
  assert.deepEqual(alarm?.alarm && [alarm.alarm.kind, alarm.alarm.lag], ["step", 1]);
  // Without looking back or the drift monitor, it is never flagged: the filter absorbs it.
  assert.deepEqual(alarmTimes(detect(data, { lookBack: false, drift: false })), []);
});

test("a change of slope is flagged within six steps", () => {
  const steps = detect(series(80, (i) => (i < 40 ? 50 : 50 + 1.5 * (i - 40))));
  const times = alarmTimes(steps);
  assert.equal(times.length >= 1, true);
  const first = times[0] as number;
  assert.ok(first >= 40 && first <= 46, `first alarm at ${first}`);
});

test("no alarm during the warmup, whatever happens", () => {
  const times = alarmTimes(
    detect(
      series(40, (i) => (i === 10 ? 90 : 50)),
      { warmup: 20 },
    ),
  );
  assert.deepEqual(times, []);
});

test("on-line pushes give the same steps as the batch", () => {
  const data = labelledSeries("step", 1, seededRandom(3)).values.map((value, t) => ({ t, value }));
  const detector = new CyberstrideDetector<number>();
  const online = data.flatMap((p) => detector.push(p.t, p.value));
  assert.deepEqual(online, detect(data));
  assert.equal(online.length, data.length);
});

test("bad parameters and values are refused with the reason", () => {
  assert.throws(() => new CyberstrideDetector({ threshold: 1.5 }), /threshold must be in \(0, 1\)/);
  assert.throws(() => new CyberstrideDetector({ warmup: 2 }), /warmup must be an integer ≥ 3/);
  assert.throws(
    () =>
      new CyberstrideDetector({ prior: { steady: 0.5, step: 0.1, slope: 0.1, transient: 0.1 } }),
    /sum to 1/,
  );
  assert.throws(() => new CyberstrideDetector().push(1, Number.NaN), /t=1 is not a finite number/);
  assert.throws(() => detect([{ t: 0, value: 1 }]), /at least 3/);
});

test("a detector saved as JSON and restored carries on exactly as the original", () => {
  const data = labelledSeries("slope", 1, seededRandom(7)).values.map((value, t) => ({ t, value }));
  for (const cut of [5, 60, 130]) {
    const original = new CyberstrideDetector<number>({ warmup: 10 });
    const before = data.slice(0, cut).flatMap((p) => original.push(p.t, p.value));
    const restored = CyberstrideDetector.restore<number>(
      JSON.parse(JSON.stringify(original.snapshot())),
    );
    const rest = data.slice(cut);
    const expected = rest.flatMap((p) => original.push(p.t, p.value));
    assert.deepEqual(
      rest.flatMap((p) => restored.push(p.t, p.value)),
      expected,
      `cut at ${cut}`,
    );
    assert.equal(before.length + expected.length, data.length);
  }
  assert.throws(() => CyberstrideDetector.restore({} as never), /not a detector snapshot/);
  assert.throws(
    () =>
      CyberstrideDetector.restore({
        ...new CyberstrideDetector().snapshot(),
        parameters: { ...new CyberstrideDetector().parameters, threshold: 2 },
      }),
    /threshold must be in/,
  );
});
