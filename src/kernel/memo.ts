/**
 * A pure function of a string, remembered for the last `max` distinct arguments
 * (oldest out first). For work the hot paths repeat on the same inputs: hashing a
 * remote avatar's URL, sanitizing a remote bio (issue 24). Nothing to invalidate:
 * the answer depends on the argument alone.
 */
export function memoize(fn: (s: string) => string, max = 2000): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    const hit = seen.get(s);
    if (hit !== undefined) return hit;
    const value = fn(s);
    if (seen.size >= max) seen.delete(seen.keys().next().value as string);
    seen.set(s, value);
    return value;
  };
}
