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
import { renderStatuses } from "../status-json.ts";
import { type AccountLoader, loadAccountJson, loadAccounts } from "./account.ts";
import { serializeFiltered } from "./filter.ts";

const grouped = new Set(DEFAULT_GROUPED_TYPES);

const renamed: Record<string, string> = {
  reply: "mention",
  report: "admin.report",
  sign_up: "admin.sign_up",
};
export const mastodonType = (t: string) => renamed[t] ?? t;

/**
 * The Reports (docs.joinmastodon.org/entities/Report) that admin.report
 * notifications name, by report id; a report about something that is not an
 * account (a budget's project, a proposal) has none, and its notice stays out.
 */
export async function reportEntities(
  s: SocialContext,
  l: AccountLoader,
  views: Pick<NotificationView, "type" | "subjectId">[],
) {
  const ids = [
    ...new Set(views.flatMap((n) => (n.type === "report" && n.subjectId ? [n.subjectId] : []))),
  ];
  if (ids.length === 0) return new Map<string, ReturnType<typeof reportJson>>();
  const rows = await s.db
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
    .execute();
  const targets = await loadAccounts(
    l,
    rows.map((r) => r.target_uri),
  );
  const out = new Map<string, ReturnType<typeof reportJson>>();
  for (const r of rows) {
    const target = targets.get(r.target_uri);
    if (target) out.set(r.id, reportJson(r, target));
  }
  return out;
}

function reportJson(
  r: {
    id: string;
    comment: string;
    status: "open" | "resolved";
    forwarded: number;
    post_ids: string;
    created_at: string;
    resolved_at: string | null;
  },
  target: unknown,
) {
  return {
    id: r.id,
    action_taken: r.status !== "open",
    action_taken_at: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
    category: "other",
    comment: r.comment,
    forwarded: r.forwarded === 1,
    created_at: new Date(r.created_at).toISOString(),
    status_ids: parseIds(r.post_ids),
    rule_ids: [],
    target_account: target,
  };
}

export async function serializeNotifications(
  s: SocialContext,
  l: AccountLoader,
  viewer: ViewerRef,
  views: NotificationView[],
) {
  const postIds = [...new Set(views.flatMap((n) => (n.postId ? [n.postId] : [])))];
  const [accounts, posts, reports] = await Promise.all([
    loadAccounts(
      l,
      views.map((n) => n.fromUri),
    ),
    // A post the member's filters hide takes its notification with it; a warned one is marked.
    hydrate(s, viewer.id, viewer.uri, postIds).then((v) =>
      serializeFiltered(l, v, viewer, "notifications"),
    ),
    reportEntities(s, l, views),
  ]);
  return views.flatMap((n) => {
    // Types Mastodon has no name for (decisions) would break apps: the stream drops them too.
    if (!MASTODON_KNOWN_TYPES.includes(n.type)) return [];
    const account = accounts.get(n.fromUri);
    if (!account) return [];
    const status = n.postId ? posts.find((p) => p.id === n.postId) : undefined;
    if (n.postId && !status) return [];
    const report = n.type === "report" && n.subjectId ? reports.get(n.subjectId) : undefined;
    if (n.type === "report" && !report) return [];
    return [
      {
        id: n.id,
        type: mastodonType(n.type),
        group_key: groupKeyOf(n, grouped),
        created_at: new Date(n.createdAt).toISOString(),
        account,
        ...(status ? { status } : {}),
        ...(report ? { report } : {}),
      },
    ];
  });
}

/**
 * The same Notifications as serializeNotifications, as JSON text: their statuses
 * joined from kept fragments (status-json.ts) instead of hydrated and serialized.
 */
export async function notificationsJson(
  s: SocialContext,
  l: AccountLoader,
  viewer: ViewerRef,
  views: NotificationView[],
): Promise<string> {
  const postIds = [...new Set(views.flatMap((n) => (n.postId ? [n.postId] : [])))];
  const [accounts, posts, reports] = await Promise.all([
    loadAccountJson(
      l,
      views.map((n) => n.fromUri),
    ),
    // A post the member's filters hide takes its notification with it; a warned one is marked.
    renderStatuses(s, l, viewer, postIds, "notifications"),
    reportEntities(s, l, views),
  ]);
  let out = "";
  for (const n of views) {
    // Types Mastodon has no name for (decisions) would break apps: the stream drops them too.
    if (!MASTODON_KNOWN_TYPES.includes(n.type)) continue;
    const account = accounts.get(n.fromUri);
    if (!account) continue;
    const status = n.postId ? posts.json.get(n.postId) : undefined;
    if (n.postId && status === undefined) continue;
    const report = n.type === "report" && n.subjectId ? reports.get(n.subjectId) : undefined;
    if (n.type === "report" && !report) continue;
    const head = JSON.stringify({
      id: n.id,
      type: mastodonType(n.type),
      group_key: groupKeyOf(n, grouped),
      created_at: new Date(n.createdAt).toISOString(),
      ...(report ? { report } : {}),
    }).slice(0, -1);
    const one = `${head},"account":${account.json}${status !== undefined ? `,"status":${status}` : ""}}`;
    out += out ? `,${one}` : one;
  }
  return `[${out}]`;
}

function parseIds(json: string): string[] {
  try {
    const ids: unknown = JSON.parse(json);
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}
