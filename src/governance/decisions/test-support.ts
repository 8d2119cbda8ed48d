/** Test helpers: profiles written the way election papers write them ("5 ACBED"). */

import type { Ballot, RankedChoice, RuleSettings } from "./types.ts";

const letter = (c: string) => c.charCodeAt(0) - 65;

/** "5 ACBED" lines → ballots (one per voter, unweighted). */
export function profile(lines: string[]): Ballot<RankedChoice>[] {
  return lines.flatMap((line) => {
    const [times, order] = line.trim().split(/\s+/) as [string, string];
    const ranking = [...order].map(letter);
    return Array.from({ length: Number(times) }, () => ({ choice: { ranking: [...ranking] } }));
  });
}

export const letters = (xs: readonly number[]) =>
  xs.map((i) => String.fromCharCode(65 + i)).join("");

export const ranked = (rule: "irv" | "schulze", n: number, more: Partial<RuleSettings> = {}) =>
  ({
    rule,
    options: Array.from({ length: n }, (_, i) => String.fromCharCode(65 + i)),
    ...more,
  }) satisfies RuleSettings;
