/**
 * A closed decision's ballots as the audit file (ballots-file.ts, format
 * "synco-decision-ballots"), for anyone who may read the group: recount it
 * with `synco decisions count`. Named decisions list each voter; anonymous and
 * secret ones list choices only (the file sorts them by choice, so its order
 * says nothing either). A voter who deleted their account appears as a
 * placeholder under the decision's URI; a reason a moderator hid is replaced
 * by a placeholder, as the count needs none but a block must carry one.
 */
import type { LocalMember } from "../../groups/context.ts";
import { findGroupById } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { writeBallotsFile } from "./ballots-file.ts";
import type { DecisionsContext } from "./context.ts";
import { findDecision, settingsOf } from "./decisions.ts";
import { secretBallots } from "./secret-ballot.ts";
import type { BallotChoice } from "./types.ts";

export const HIDDEN_REASON = "(hidden by a moderator)";

export async function exportBallots(
  ctx: DecisionsContext,
  viewer: LocalMember | null,
  decisionId: string,
): Promise<Result<string, "not-found" | "not-closed">> {
  const d = await findDecision(ctx.db, decisionId);
  if (!d?.group_id) return fail("not-found");
  const group = await findGroupById(ctx.db, d.group_id);
  if (!group || !(await canRead(ctx.db, ctx.origin, group, viewer))) return fail("not-found");
  if (d.status !== "closed" || d.eligible_weight === null) return fail("not-closed");
  const named = d.ballot === "named";
  const ballots =
    d.ballot === "secret"
      ? await secretBallots(ctx.db, d.id)
      : (
          await ctx.db
            .selectFrom("decision_votes")
            .select(["voter_uri", "choice", "reason", "reason_hidden_at", "weight"])
            .where("decision_id", "=", d.id)
            .orderBy("id")
            .execute()
        ).map((v, i) => {
          const choice = JSON.parse(v.choice) as BallotChoice;
          const reason = v.reason_hidden_at ? HIDDEN_REASON : v.reason;
          const voter = v.voter_uri.startsWith("deleted:")
            ? `${d.uri}#deleted-${i + 1}`
            : v.voter_uri;
          return {
            ...(named ? { voter } : {}),
            choice: "position" in choice && reason ? { ...choice, reason } : choice,
            ...(v.weight !== 1 ? { weight: v.weight } : {}),
          };
        });
  return ok(
    writeBallotsFile({
      decision: { uri: d.uri, title: d.title, ...(d.closed_at ? { closedAt: d.closed_at } : {}) },
      settings: settingsOf(d),
      seed: d.seed,
      eligibleWeight: d.eligible_weight,
      secret: !named,
      ballots,
    }),
  );
}
