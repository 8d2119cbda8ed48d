/**
 * Reports of a group's posts, for the group's moderators. A report of a post in a
 * group hosted here (a member's, social/moderation.ts `report`, or a remote Flag)
 * names the group; its moderators see it on the management page and settle it by
 * hiding the thread, deleting the post, or dismissing it. Settling is the group's
 * own: the co-op's moderators still see and resolve every report (reports.status).
 *
 * The rule kept: only the group's moderators and admins read or settle its
 * reports; hiding and deleting go through threads.ts (so they are logged and
 * federate as anywhere else), and a dismissal is logged too.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { memberUri } from "../kernel/uris.ts";
import type { SocialContext } from "../social/context.ts";
import type { LocalMember } from "./context.ts";
import type { Group } from "./groups.ts";
import { recordModeration } from "./moderation-log.ts";
import { canModerate, standingOf } from "./standing.ts";
import { deleteGroupPost, setThreadHidden } from "./threads.ts";

export interface GroupReport {
  id: string;
  reporterUri: string;
  targetUri: string;
  comment: string;
  createdAt: string;
  postIds: string[];
}

export type ReportAction = "hide" | "delete" | "dismiss";
export type ReportFailure = "forbidden" | "not-found";

async function moderates(db: Kysely<Schema>, origin: string, group: Group, by: LocalMember) {
  const standing = await standingOf(db, origin, group, by);
  return standing.status === "active" && canModerate(standing.role);
}

const parseIds = (json: string): string[] => {
  try {
    const ids = JSON.parse(json) as unknown;
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
};

/** The group's reports its moderators have not settled, newest first (at most 50). */
export async function groupReports(
  s: SocialContext,
  group: Group,
  by: LocalMember,
): Promise<Result<GroupReport[], "forbidden">> {
  if (!(await moderates(s.db, s.origin, group, by))) return fail("forbidden");
  const rows = await s.db
    .selectFrom("reports")
    .select(["id", "reporter_uri", "target_uri", "comment", "created_at", "post_ids"])
    .where("group_id", "=", group.id)
    .where("group_resolved_at", "is", null)
    .orderBy("id", "desc")
    .limit(50)
    .execute();
  return ok(
    rows.map((r) => ({
      id: r.id,
      reporterUri: r.reporter_uri,
      targetUri: r.target_uri,
      comment: r.comment,
      createdAt: r.created_at,
      postIds: parseIds(r.post_ids),
    })),
  );
}

/**
 * A moderator of the group settles a report: hides the thread of each reported
 * post, deletes each post, or dismisses the report. Each hide or delete is its own
 * transaction in threads.ts (checked and logged there); the report is marked
 * settled last, only if it still is open, so two moderators settle it once.
 */
export async function settleGroupReport(
  s: SocialContext,
  group: Group,
  reportId: string,
  by: LocalMember,
  action: ReportAction,
): Promise<Result<null, ReportFailure>> {
  if (!(await moderates(s.db, s.origin, group, by))) return fail("forbidden");
  const report = await s.db
    .selectFrom("reports")
    .select(["id", "post_ids", "comment"])
    .where("id", "=", reportId)
    .where("group_id", "=", group.id)
    .where("group_resolved_at", "is", null)
    .executeTakeFirst();
  if (!report) return fail("not-found");
  const byUri = memberUri(s.origin, by.username);
  const posts = await s.db
    .selectFrom("posts")
    .select(["id", "uri", "thread_id", "deleted_at"])
    .where("id", "in", [...parseIds(report.post_ids), ""])
    .where("group_id", "=", group.id)
    .execute();
  const reason = report.comment.slice(0, 500);
  if (action === "hide")
    for (const threadId of new Set(posts.filter((p) => !p.deleted_at).map((p) => p.thread_id))) {
      const hidden = await setThreadHidden(s, group, threadId, by, { hidden: true, reason });
      if (!hidden.ok && hidden.reason === "forbidden") return fail("forbidden");
    }
  if (action === "delete")
    for (const post of posts.filter((p) => !p.deleted_at)) {
      const deleted = await deleteGroupPost(s, group, post.id, by);
      if (!deleted.ok && deleted.reason === "forbidden") return fail("forbidden");
    }
  return s.db.transaction().execute(async (trx) => {
    const settled = await trx
      .updateTable("reports")
      .set({ group_resolved_at: s.clock.now().toISOString(), group_resolved_by: byUri })
      .where("id", "=", report.id)
      .where("group_resolved_at", "is", null)
      .executeTakeFirst();
    if (Number(settled.numUpdatedRows) === 0) return fail("not-found" as const);
    if (action === "dismiss")
      for (const post of posts)
        await recordModeration(trx, {
          groupId: group.id,
          action: "dismiss",
          moderatorUri: byUri,
          targetUri: post.uri,
          at: s.clock.now().toISOString(),
        });
    return ok(null);
  });
}
