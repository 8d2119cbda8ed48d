/**
 * What the co-op's front page (home.ts) reads for a signed-in member, through each
 * pillar's own read functions where one exists: what needs the member (decisions
 * waiting for their vote, budgets in their voting phase, the co-op's alarms, and for
 * moderators join requests and reports), what is new (articles, threads of their
 * groups), and suggestions of people and groups when their timeline is empty.
 * Each block is a bounded number of queries, run side by side.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { groupBoard } from "../../economy/opsroom/board.ts";
import { listProcesses } from "../../governance/budgeting/processes/reads.ts";
import {
  type DecisionListItem,
  decisionsWaitingForMember,
} from "../../governance/decisions/listing.ts";
import { assembly, findGroupById, type Group } from "../../groups/groups.ts";
import { standingOf } from "../../groups/standing.ts";
import type { SocialContext } from "../../social/context.ts";
import { openReports } from "../../social/moderation.ts";
import type { PostView } from "../../social/views.ts";
import { visiblePosts } from "../../social/views.ts";
import type { ViewerRef } from "../../social/visibility.ts";
import type { Viewer } from "../context.ts";
import { latestArticles } from "../media/article-read.ts";

export interface Needs {
  decisions: DecisionListItem[];
  budgets: { id: string; title: string; groupTitle: string; endsAt: string | null }[];
  /** The co-op assembly's indicators with alarms waiting, and where its opsroom is. */
  alarms: { opsroom: string; indicators: { name: string; waiting: number }[] };
  /** Groups the member moderates with people asking to join. */
  joinRequests: { groupName: string; groupTitle: string; count: number }[];
  /** Open reports the co-op's moderators have to settle (0 for plain members). */
  reports: number;
}

export interface WhatsNew {
  articles: { post: PostView; slug: string }[];
  threads: PostView[];
}

export interface Suggestions {
  people: { username: string; name: string }[];
  groups: { name: string; title: string }[];
}

/** How many of each a block shows: the front page stays short and fast. */
const SHOWN = 5;

const member = (viewer: Viewer) => ({ id: viewer.id, username: viewer.username });

async function votingBudgets(s: SocialContext, viewer: Viewer): Promise<Needs["budgets"]> {
  const voting = (await listProcesses(s, { limit: 50 })).filter(
    (p) => p.local && p.phase === "voting" && p.group_id,
  );
  const out: Needs["budgets"] = [];
  for (const p of voting.slice(0, SHOWN)) {
    const group = await findGroupById(s.db, p.group_id as string);
    if (!group) continue;
    const inIt =
      group.kind === "assembly" ||
      (await standingOf(s.db, s.origin, group, member(viewer))).status === "active";
    if (inIt)
      out.push({
        id: p.id,
        title: p.title,
        groupTitle: group.display_name || group.name,
        endsAt: p.voting_ends_at,
      });
  }
  return out;
}

async function coopAlarms(s: SocialContext): Promise<Needs["alarms"]> {
  const coop: Group = await assembly(s.db);
  const board = await groupBoard(s.db, coop.id, s.clock.now());
  return {
    opsroom: `/groups/${coop.name}/opsroom`,
    indicators: board
      .filter((row) => row.waiting > 0)
      .map((row) => ({ name: row.indicator.name, waiting: row.waiting })),
  };
}

/** Pending join requests of the groups the member moderates (one query). */
async function joinRequests(db: Kysely<Schema>, viewer: Viewer): Promise<Needs["joinRequests"]> {
  const rows = await db
    .selectFrom("group_members as mine")
    .innerJoin("groups as g", "g.id", "mine.group_id")
    .innerJoin("group_members as asking", "asking.group_id", "g.id")
    .select(["g.name", "g.display_name", (eb) => eb.fn.countAll<number>().as("n")])
    .where("mine.account_id", "=", viewer.id)
    .where("mine.status", "=", "active")
    .where("mine.role", "in", ["admin", "moderator"])
    .where("asking.status", "=", "pending")
    .groupBy(["g.name", "g.display_name"])
    .orderBy("g.name")
    .limit(SHOWN)
    .execute();
  return rows.map((r) => ({
    groupName: r.name,
    groupTitle: r.display_name || r.name,
    count: Number(r.n),
  }));
}

export async function needsOf(s: SocialContext, viewer: Viewer): Promise<Needs> {
  const moderates = viewer.role === "admin" || viewer.role === "moderator";
  const [decisions, budgets, alarms, requests, reports] = await Promise.all([
    decisionsWaitingForMember(s, member(viewer), SHOWN),
    votingBudgets(s, viewer),
    coopAlarms(s),
    joinRequests(s.db, viewer),
    moderates ? openReports(s.db) : Promise.resolve([]),
  ]);
  return { decisions, budgets, alarms, joinRequests: requests, reports: reports.length };
}

export async function whatsNew(
  s: SocialContext,
  viewer: Viewer,
  ref: ViewerRef,
): Promise<WhatsNew> {
  const coop = await assembly(s.db);
  const [latest, threadIds] = await Promise.all([
    latestArticles(s.db, 3),
    // New threads in the member's groups (the assembly has rows only for roles: everyone is in it).
    s.db
      .selectFrom("posts")
      .select("id")
      .where((eb) =>
        eb.or([
          eb("group_id", "=", coop.id),
          eb(
            "group_id",
            "in",
            eb
              .selectFrom("group_members")
              .select("group_id")
              .where("account_id", "=", viewer.id)
              .where("status", "=", "active"),
          ),
        ]),
      )
      .where("in_reply_to_id", "is", null)
      .where("in_reply_to_uri", "is", null)
      .where("reblog_of_id", "is", null)
      .where("deleted_at", "is", null)
      .where("hidden_at", "is", null)
      .orderBy("id", "desc")
      .limit(SHOWN)
      .execute(),
  ]);
  const views = await visiblePosts(s, ref, [
    ...latest.map((a) => a.postId),
    ...threadIds.map((r) => r.id),
  ]);
  const byId = new Map(views.map((v) => [v.id, v]));
  return {
    articles: latest.flatMap((a) => {
      const post = byId.get(a.postId);
      return post ? [{ post, slug: a.slug }] : [];
    }),
    threads: threadIds.flatMap((r) => byId.get(r.id) ?? []),
  };
}

/** Local members and public groups to follow, for a member whose timeline is empty. */
export async function suggestionsFor(db: Kysely<Schema>, viewer: Viewer): Promise<Suggestions> {
  const [people, groups] = await Promise.all([
    db
      .selectFrom("accounts")
      .select(["username", "display_name"])
      .where("status", "=", "active")
      .where("id", "!=", viewer.id)
      .orderBy("created_at", "desc")
      .limit(SHOWN)
      .execute(),
    db
      .selectFrom("groups")
      .select(["name", "display_name"])
      .where("visibility", "=", "public")
      .where("kind", "!=", "assembly")
      .orderBy("created_at", "desc")
      .limit(SHOWN)
      .execute(),
  ]);
  return {
    people: people.map((p) => ({ username: p.username, name: p.display_name || p.username })),
    groups: groups.map((g) => ({ name: g.name, title: g.display_name || g.name })),
  };
}
