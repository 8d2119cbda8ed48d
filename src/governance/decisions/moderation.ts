/**
 * Moderation of decisions. A proposal is its thread's root post, so the
 * group's own tools hide or delete it (groups/threads.ts setThreadHidden,
 * deleteGroupPost); a hidden or deleted thread hides its decision everywhere
 * and stops voting. What this adds: a group moderator hides (or shows again)
 * the reason given with a named vote, logged in the group's moderation log.
 * The vote itself still counts: hiding words is not taking a vote away.
 */
import { isoNow, type LocalMember } from "../../groups/context.ts";
import { findGroupById } from "../../groups/groups.ts";
import { recordModeration } from "../../groups/moderation-log.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { DecisionsContext } from "./context.ts";

export type HideReasonProblem = "not-found" | "forbidden" | "invalid";

export async function setReasonHidden(
  ctx: DecisionsContext,
  moderator: LocalMember,
  input: { voteId: string; hidden: boolean; note?: string },
): Promise<Result<null, HideReasonProblem>> {
  const note = (input.note ?? "").trim();
  if (note.length > 500) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const vote = await trx
      .selectFrom("decision_votes as v")
      .innerJoin("decisions as d", "d.id", "v.decision_id")
      .select(["v.id", "v.reason_hidden_at", "d.group_id", "d.uri"])
      .where("v.id", "=", input.voteId)
      .executeTakeFirst();
    if (!vote?.group_id) return fail("not-found" as const);
    const group = await findGroupById(trx, vote.group_id);
    if (!group) return fail("not-found" as const);
    const standing = await standingOf(trx, ctx.origin, group, moderator);
    if (standing.status !== "active") return fail("not-found" as const);
    if (!canModerate(standing.role)) return fail("forbidden" as const);
    if (!!vote.reason_hidden_at === input.hidden) return ok(null);
    const at = isoNow(ctx);
    await trx
      .updateTable("decision_votes")
      .set({ reason_hidden_at: input.hidden ? at : null })
      .where("id", "=", vote.id)
      .execute();
    await recordModeration(trx, {
      groupId: group.id,
      action: input.hidden ? "hide" : "unhide",
      moderatorUri: memberUri(ctx.origin, moderator.username),
      targetUri: `${vote.uri}#vote-${vote.id}`,
      reason: note,
      at,
    });
    return ok(null);
  });
}
