/** Milliseconds in a Temporal.Duration as Fedify passes them (no calendar units). */
export function durationMs(
  duration: { total(options: { unit: "millisecond" }): number } | undefined,
): number {
  if (!duration) return 0;
  return Math.max(0, Math.round(duration.total({ unit: "millisecond" })));
}
