/**
 * Reads for the decisions inbox and lists: the decisions of a member's groups
 * hosted here, and those still waiting for the member's vote. A member's groups
 * are what groups/member-groups.ts says (the assembly for everyone, active rows
 * elsewhere), so a members-only group's decisions reach its members only.
 * "Waiting" means open now, and no vote of the member's in the current round,
 * named (decision_votes) or secret (decision_voters: who voted, never what).
 */
import type { ExpressionBuilder, Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { LocalMember } from "../../groups/context.ts";
import { memberGroups } from "../../groups/member-groups.ts";
import { memberUri } from "../../kernel/uris.ts";

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
  options: { limit?: number; waitingAt?: Date; before?: string } = {},
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
  if (options.waitingAt) {
    const now = options.waitingAt.toISOString();
    q = q
      .where("d.status", "=", "open")
      .where("d.opens_at", "<=", now)
      .where("d.closes_at", ">", now)
      .where((eb) => eb.not(votedBy(eb, me)));
  }
  const rows = await q.orderBy("d.id", "desc").limit(limit).execute();
  const items = rows.map((r) => ({
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
  return items;
}
