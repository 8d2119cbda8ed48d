/**
 * Notification (docs.joinmastodon.org/entities/Notification). Our "reply" is a
 * Mastodon "mention", "report" and "sign_up" are "admin.report" (with the
 * Report) and "admin.sign_up"; the others keep their names (follow,
 * follow_request, reblog, favourite, poll, update).
 */

import type { SocialContext } from "../../social/context.ts";
import { DEFAULT_GROUPED_TYPES, groupKeyOf } from "../../social/notification-groups.ts";
import type { NotificationView } from "../../social/notifications.ts";
import { hydrate } from "../../social/views.ts";
import type { ViewerRef } from "../../social/visibility.ts";
import { MASTODON_KNOWN_TYPES } from "../notification-query.ts";
import { type AccountLoader, loadAccounts } from "./account.ts";
import { serializeFiltered } from "./filter.ts";

const grouped = new Set(DEFAULT_GROUPED_TYPES);

const renamed: Record<string, string> = {
  reply: "mention",
  report: "admin.report",
  sign_up: "admin.sign_up",
};
export const mastodonType = (t: string) => renamed[t] ?? t;

/** The reports admin.report notifications name, with their target's URI, by id. */
async function reportsOf(s: SocialContext, views: NotificationView[]) {
  const ids = [
    ...new Set(views.flatMap((n) => (n.type === "report" && n.subjectId ? [n.subjectId] : []))),
  ];
  const rows = ids.length
    ? await s.db
        .selectFrom("reports")
        .select([
          "id",
          "comment",
          "status",
          "forwarded",
          "post_ids",
          "target_uri",
          "created_at",
          "resolved_at",
        ])
        .where("id", "in", ids)
        .execute()
    : [];
  return new Map(rows.map((r) => [r.id, r]));
}

export async function serializeNotifications(
  s: SocialContext,
  l: AccountLoader,
  viewer: ViewerRef,
  views: NotificationView[],
) {
  const postIds = [...new Set(views.flatMap((n) => (n.postId ? [n.postId] : [])))];
  const reports = await reportsOf(s, views);
  const [accounts, posts] = await Promise.all([
    loadAccounts(l, [
      ...views.map((n) => n.fromUri),
      ...[...reports.values()].map((r) => r.target_uri),
    ]),
    // A post the member's filters hide takes its notification with it; a warned one is marked.
    hydrate(s, viewer.id, viewer.uri, postIds).then((v) =>
      serializeFiltered(l, v, viewer, "notifications"),
    ),
  ]);
  return views.flatMap((n) => {
    // Types Mastodon has no name for (decisions) would break apps: the stream drops them too.
    if (!MASTODON_KNOWN_TYPES.includes(n.type)) return [];
    const account = accounts.get(n.fromUri);
    if (!account) return [];
    const status = n.postId ? posts.find((p) => p.id === n.postId) : undefined;
    if (n.postId && !status) return [];
    const report = n.type === "report" && n.subjectId ? reports.get(n.subjectId) : undefined;
    const target = report && accounts.get(report.target_uri);
    if (n.type === "report" && !target) return [];
    return [
      {
        id: n.id,
        type: mastodonType(n.type),
        group_key: groupKeyOf(n, grouped),
        created_at: new Date(n.createdAt).toISOString(),
        account,
        ...(status ? { status } : {}),
        ...(report && target
          ? {
              // docs.joinmastodon.org/entities/Report
              report: {
                id: report.id,
                action_taken: report.status !== "open",
                action_taken_at: report.resolved_at
                  ? new Date(report.resolved_at).toISOString()
                  : null,
                category: "other",
                comment: report.comment,
                forwarded: report.forwarded === 1,
                created_at: new Date(report.created_at).toISOString(),
                status_ids: parseIds(report.post_ids),
                rule_ids: [],
                target_account: target,
              },
            }
          : {}),
      },
    ];
  });
}

function parseIds(json: string): string[] {
  try {
    const ids: unknown = JSON.parse(json);
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}
