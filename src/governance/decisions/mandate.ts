/**
 * A co-op's mandate in a federation (the recursion of Beer's model, co-op →
 * federation): before its delegate votes in a federation's decision (hosted
 * elsewhere, a copy here), the co-op's own assembly may decide its position in
 * a decision here. A delegate links the two (`linkMandate`); once the assembly's
 * decision is closed, the delegate carries its result (`carryMandate`): the
 * result becomes the co-op's ballot (`choiceFromResult`, pure) and goes to the
 * federation through sendBallot, as the co-op's vote.
 */

import type { LocalMember } from "../../groups/context.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import type { DecisionsContext } from "./context.ts";
import { isOurDelegate, type SendBallotProblem, sendBallot } from "./elsewhere.ts";
import type { BallotChoice, Rule, Tally } from "./types.ts";

/** What the assembly decided: its rule, option labels and stored tally. */
export interface AssemblyResult {
  rule: Rule;
  labels: string[];
  tally: Tally;
}

/** The federation's decision the co-op votes in. */
export interface FederationQuestion {
  rule: Rule;
  labels: string[];
}

/** The assembly's options, best first (the tally's order, or IRV's rounds read backwards). */
function rankingOf(result: AssemblyResult): number[] {
  const t = result.tally;
  if ("order" in t) return t.order;
  if (t.rule === "irv") {
    const out: number[] = [];
    for (const round of t.rounds) if (round.elected !== undefined) out.push(round.elected);
    const eliminated = t.rounds.flatMap((r) => (r.eliminated === undefined ? [] : [r.eliminated]));
    for (const i of eliminated.reverse()) if (!out.includes(i)) out.push(i);
    return out;
  }
  return t.outcome.winners;
}

/**
 * The co-op's ballot in the federation's decision from its assembly's result,
 * matching options by label. Consent carries consent (a block stays a block);
 * a ranking carries a ranking; single and multiple carry the winners. Anything
 * else is "incompatible": the delegate votes by hand.
 */
export function choiceFromResult(
  federation: FederationQuestion,
  result: AssemblyResult,
): Result<BallotChoice, "incompatible"> {
  if (federation.rule === "consent") {
    if (result.tally.rule !== "consent") return fail("incompatible");
    if (result.tally.blocked)
      return ok({ position: "block", reason: "Our assembly blocked this proposal." });
    if (result.tally.outcome.passed) return ok({ position: "agree" });
    return ok({ position: "disagree", reason: "Our assembly did not agree to this proposal." });
  }
  if (result.tally.rule === "consent") return fail("incompatible");
  const indexIn = (i: number) => federation.labels.indexOf(result.labels[i] ?? "\u0000");
  const ranking = rankingOf(result)
    .map(indexIn)
    .filter((i) => i >= 0);
  const winners = result.tally.outcome.winners.map(indexIn).filter((i) => i >= 0);
  switch (federation.rule) {
    case "irv":
    case "schulze":
      return ranking.length ? ok({ ranking }) : fail("incompatible");
    case "single":
      return winners[0] !== undefined ? ok({ option: winners[0] }) : fail("incompatible");
    case "multiple":
      return winners.length ? ok({ options: winners }) : fail("incompatible");
    default:
      return fail("incompatible");
  }
}

export type MandateProblem =
  | "not-found"
  | "not-a-delegate"
  | "not-closed"
  | "no-mandate"
  | "incompatible"
  | SendBallotProblem;

/**
 * A delegate links the federation's decision (a copy of one elsewhere) to the
 * assembly's decision here whose result they will carry; a new link replaces the old.
 */
export async function linkMandate(
  ctx: DecisionsContext,
  delegate: LocalMember,
  input: { decisionId: string; assemblyDecisionId: string },
): Promise<Result<null, MandateProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const [federation, assembly] = await Promise.all([
      trx
        .selectFrom("decisions")
        .select(["id", "group_uri"])
        .where("id", "=", input.decisionId)
        .where("local", "=", 0)
        .executeTakeFirst(),
      trx
        .selectFrom("decisions")
        .select("id")
        .where("id", "=", input.assemblyDecisionId)
        .where("local", "=", 1)
        .executeTakeFirst(),
    ]);
    if (!federation || !assembly) return fail("not-found");
    if (!(await isOurDelegate(trx, delegate.id, federation.group_uri)))
      return fail("not-a-delegate");
    await trx.deleteFrom("decision_mandates").where("decision_id", "=", federation.id).execute();
    await trx
      .insertInto("decision_mandates")
      .values({
        decision_id: federation.id,
        assembly_decision_id: assembly.id,
        created_by: delegate.id,
        created_at: ctx.clock.now().toISOString(),
      })
      .execute();
    return ok(null);
  });
}

/** The delegate casts the co-op's vote from the closed assembly decision linked to it. */
export async function carryMandate(
  ctx: DecisionsContext,
  delegate: LocalMember,
  input: { decisionId: string },
): Promise<Result<{ id: string; choice: BallotChoice }, MandateProblem>> {
  const row = await ctx.db
    .selectFrom("decision_mandates as m")
    .innerJoin("decisions as f", "f.id", "m.decision_id")
    .innerJoin("decisions as a", "a.id", "m.assembly_decision_id")
    .select([
      "f.rule as f_rule",
      "f.options as f_options",
      "a.rule as a_rule",
      "a.options as a_options",
      "a.tally as a_tally",
      "a.status as a_status",
    ])
    .where("m.decision_id", "=", input.decisionId)
    .executeTakeFirst();
  if (!row) return fail("no-mandate");
  if (row.a_status !== "closed" || !row.a_tally) return fail("not-closed");
  const labels = (json: string) => (JSON.parse(json) as { label: string }[]).map((o) => o.label);
  const choice = choiceFromResult(
    { rule: row.f_rule as Rule, labels: labels(row.f_options) },
    {
      rule: row.a_rule as Rule,
      labels: labels(row.a_options),
      tally: JSON.parse(row.a_tally) as Tally,
    },
  );
  if (!choice.ok) return choice;
  const sent = await sendBallot(ctx, delegate, {
    decisionId: input.decisionId,
    choice: choice.value,
    forCoop: true,
  });
  return sent.ok ? ok({ id: sent.value.id, choice: choice.value }) : sent;
}
