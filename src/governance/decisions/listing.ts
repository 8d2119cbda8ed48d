/**
 * Reads for the decisions inbox and lists: the decisions of a member's groups
 * hosted here, and those still waiting for the member's vote. A member's groups
 * are what groups/member-groups.ts says (the assembly for everyone, active rows
 * elsewhere), so a members-only group's decisions reach its members only.
 * "Voted" means a vote of the member's in the current round, named
 * (decision_votes) or secret (decision_voters: who voted, never what).
 */
import type { ExpressionBuilder, Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { LocalMember } from "../../groups/context.ts";
import { memberGroups } from "../../groups/member-groups.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { DecisionsContext } from "./context.ts";
import { decisionsWaitingFor } from "./reads.ts";

export interface DecisionListItem {
  id: string;
  title: string;
  rule: string;
  status: string;
  opensAt: string;
  closesAt: string;
  closedAt: string | null;
  outcome: string | null;
  votersCount: number;
  postId: string;
  groupName: string;
  groupTitle: string;
  /** The member has voted in the current round. */
  voted: boolean;
}

export const MAX_LISTED = 100;

/** The member voted in the decision `d` (this round): by name, or as a secret ballot's voter. */
function votedBy(eb: ExpressionBuilder<Schema & { d: Schema["decisions"] }, "d">, me: string) {
  return eb.or([
    eb.exists(
      eb
        .selectFrom("decision_votes as v")
        .select("v.id")
        .whereRef("v.decision_id", "=", "d.id")
        .where((w) => w.or([w("v.voter_uri", "=", me), w("v.cast_by_uri", "=", me)])),
    ),
    eb.exists(
      eb
        .selectFrom("decision_voters as s")
        .select("s.voter_uri")
        .whereRef("s.decision_id", "=", "d.id")
        .where((w) => w.or([w("s.voter_uri", "=", me), w("s.cast_by_uri", "=", me)])),
    ),
  ]);
}

/** The decisions of the member's groups here, newest first (at most `limit`, capped). */
export async function decisionsOfMember(
  db: Kysely<Schema>,
  origin: string,
  member: LocalMember,
  options: { limit?: number; before?: string } = {},
): Promise<DecisionListItem[]> {
  const groupIds = (await memberGroups(db, origin, member))
    .map((g) => g.groupId)
    .filter((id): id is string => id !== null);
  if (groupIds.length === 0) return [];
  const me = memberUri(origin, member.username);
  const limit = Math.min(Math.max(1, options.limit ?? 20), MAX_LISTED);
  let q = db
    .selectFrom("decisions as d")
    .innerJoin("groups as g", "g.id", "d.group_id")
    .innerJoin("posts as p", "p.id", "d.post_id")
    .select([
      "d.id",
      "d.title",
      "d.rule",
      "d.status",
      "d.opens_at",
      "d.closes_at",
      "d.closed_at",
      "d.outcome",
      "d.voters_count",
      "d.post_id",
      "g.name as group_name",
      "g.display_name as group_title",
    ])
    .select((eb) => votedBy(eb, me).as("voted"))
    .where("d.group_id", "in", groupIds)
    .where("d.local", "=", 1)
    // A deleted or hidden thread takes its decision out of the lists.
    .where("p.deleted_at", "is", null)
    .where("p.hidden_at", "is", null);
  if (options.before) q = q.where("d.id", "<", options.before);
  const rows = await q.orderBy("d.id", "desc").limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    rule: r.rule,
    status: r.status,
    opensAt: r.opens_at,
    closesAt: r.closes_at,
    closedAt: r.closed_at,
    outcome: r.outcome,
    votersCount: r.voters_count,
    postId: r.post_id,
    groupName: r.group_name,
    groupTitle: r.group_title,
    voted: r.voted === true || Number(r.voted) === 1,
  }));
}

/**
 * "Decisions waiting for me": reads.ts `decisionsWaitingFor` (eligibility as the
 * vote itself checks it, delegates included), as list items, soonest closing first.
 */
export async function decisionsWaitingForMember(
  ctx: DecisionsContext,
  member: LocalMember,
  limit = 50,
): Promise<DecisionListItem[]> {
  const waiting = (await decisionsWaitingFor(ctx, member)).slice(0, Math.min(limit, MAX_LISTED));
  const groupIds = [...new Set(waiting.map((d) => d.group_id).filter((g): g is string => !!g))];
  const groups = groupIds.length
    ? await ctx.db
        .selectFrom("groups")
        .select(["id", "name", "display_name"])
        .where("id", "in", groupIds)
        .execute()
    : [];
  const byId = new Map(groups.map((g) => [g.id, g]));
  return waiting.flatMap((d) => {
    const g = d.group_id ? byId.get(d.group_id) : undefined;
    if (!g) return [];
    return [
      {
        id: d.id,
        title: d.title,
        rule: d.rule,
        status: d.status,
        opensAt: d.opens_at,
        closesAt: d.closes_at,
        closedAt: d.closed_at,
        outcome: d.outcome,
        votersCount: d.voters_count,
        postId: d.post_id,
        groupName: g.name,
        groupTitle: g.display_name,
        voted: false,
      },
    ];
  });
}
