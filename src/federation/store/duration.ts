type Duration = { total(options: { unit: "millisecond" }): number };

/** Fedify passes the same few Duration objects again and again; the polyfill's total() is slow. */
const known = new WeakMap<Duration, number>();

/** Milliseconds in a Temporal.Duration as Fedify passes them (no calendar units). */
export function durationMs(duration: Duration | undefined): number {
  if (!duration) return 0;
  let ms = known.get(duration);
  if (ms === undefined) {
    ms = Math.max(0, Math.round(duration.total({ unit: "millisecond" })));
    known.set(duration, ms);
  }
  return ms;
}
