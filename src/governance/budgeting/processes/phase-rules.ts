/**
 * The order of a process's phases and when one is due to end: pure rules, no
 * database. A process only moves forward, one phase at a time (Decidim's steps
 * go back and forth; here a step back would undo what members were told, and a
 * skipped review would put unchecked proposals on the ballot).
 *
 * Dates: proposing, review and voting may each end at a set time (the worker's
 * sweep advances them); results → implementation is always by hand, once the
 * group has seen the count.
 */
import type { PbPhase } from "../../../db/schema/budgeting.ts";

export const PHASES: readonly PbPhase[] = [
  "proposing",
  "review",
  "voting",
  "results",
  "implementation",
];

export function nextPhase(phase: PbPhase): PbPhase | null {
  return PHASES[PHASES.indexOf(phase) + 1] ?? null;
}

export interface PhaseDates {
  phase: PbPhase;
  proposing_ends_at: string | null;
  review_ends_at: string | null;
  voting_ends_at: string | null;
}

/** When the current phase ends by itself, or null (a moderator advances it). */
export function phaseEndsAt(p: PhaseDates): string | null {
  if (p.phase === "proposing") return p.proposing_ends_at;
  if (p.phase === "review") return p.review_ends_at;
  if (p.phase === "voting") return p.voting_ends_at;
  return null;
}

/** The phase the process is due to move to at `now`, or null. */
export function duePhase(p: PhaseDates, now: Date): PbPhase | null {
  const ends = phaseEndsAt(p);
  if (!ends || Date.parse(ends) > now.getTime()) return null;
  return nextPhase(p.phase);
}

/** The set dates must follow each other (an unset one is skipped). The message names the field. */
export function datesProblem(
  d: Omit<PhaseDates, "phase">,
  now: Date,
): "proposing_ends_at" | "review_ends_at" | "voting_ends_at" | null {
  let last = now.getTime();
  for (const key of ["proposing_ends_at", "review_ends_at", "voting_ends_at"] as const) {
    const v = d[key];
    if (v === null) continue;
    const at = Date.parse(v);
    if (!(at > last)) return key;
    last = at;
  }
  return null;
}
