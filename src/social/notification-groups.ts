/**
 * Notifications in groups (Mastodon 4.3's grouped notifications): likes and
 * boosts of one post form a group, so do the follows of one day (UTC); every
 * other notification is a group of one. A group's key names it for good
 * ("favourite-<post id>", "follow-<day number>", "ungrouped-<id>"); its count and
 * sample of senders cover all its notifications, not just one page's.
 */
import type { Kysely } from "kysely";
import type { NotificationType } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import {
  countNotifications,
  listNotifications,
  type NotificationQuery,
  type NotificationView,
} from "./notifications.ts";

/** The types grouped when an app does not say (Mastodon's default grouped_types). */
export const DEFAULT_GROUPED_TYPES: NotificationType[] = ["favourite", "reblog", "follow"];
/** How many senders a group shows (Mastodon: 8). */
export const GROUP_SAMPLE_SIZE = 8;
/** How many notifications one grouped page reads at most to fill its groups. */
export const GROUP_SCAN_LIMIT = 400;

const DAY_MS = 86_400_000;

export function groupKeyOf(n: NotificationView, grouped: ReadonlySet<NotificationType>): string {
  if (grouped.has(n.type)) {
    if ((n.type === "favourite" || n.type === "reblog") && n.postId) return `${n.type}-${n.postId}`;
    if (n.type === "follow") return `follow-${Math.floor(Date.parse(n.createdAt) / DAY_MS)}`;
  }
  return `ungrouped-${n.id}`;
}

export interface NotificationGroup {
  key: string;
  type: NotificationType;
  /** Every notification of the group (beyond this page too). */
  count: number;
  latest: NotificationView;
  /** The oldest and newest notification ids of the group on this page. */
  pageMinId: string;
  pageMaxId: string;
  /** Senders, most recent first, at most GROUP_SAMPLE_SIZE. */
  sampleUris: string[];
  postId: string | null;
}

export interface GroupedPage {
  groups: NotificationGroup[];
  /** Cursors of the notifications read for this page (newest, oldest). */
  newestId: string | null;
  oldestId: string | null;
  /** Whether older notifications remain. */
  more: boolean;
}

/** The notifications of one group, as a query, read back from its key (null: not a key made here). */
export function groupQuery(key: string): Omit<NotificationQuery, "limit"> | null {
  const m = /^(favourite|reblog|follow|ungrouped)-([A-Za-z0-9-]{1,64})$/.exec(key);
  if (!m) return null;
  const [, kind, rest = ""] = m;
  if (kind === "ungrouped") return { ids: [rest] };
  if (kind === "follow") {
    if (!/^\d{1,8}$/.test(rest)) return null;
    const day = Number(rest);
    return {
      types: ["follow"],
      createdFrom: new Date(day * DAY_MS).toISOString(),
      createdBefore: new Date((day + 1) * DAY_MS).toISOString(),
    };
  }
  return { types: [kind as NotificationType], postId: rest };
}

/** A group's size and its newest notifications (a sample's worth), under the member's policy. */
async function groupMembers(
  db: Kysely<Schema>,
  domain: string,
  accountId: string,
  key: string,
  allowed: NotificationQuery["allowed"],
): Promise<{ count: number; newest: NotificationView[] }> {
  const query = groupQuery(key);
  if (!query) return { count: 0, newest: [] };
  const [count, newest] = await Promise.all([
    countNotifications(db, accountId, { ...query, allowed }),
    listNotifications(db, domain, accountId, { ...query, allowed, limit: GROUP_SAMPLE_SIZE }),
  ]);
  return { count, newest };
}

/**
 * One page of groups, newest first: notifications are read in order (with the
 * query's filters) and gathered by key until `limit` groups are full.
 */
export async function groupedNotifications(
  db: Kysely<Schema>,
  domain: string,
  accountId: string,
  query: NotificationQuery & { grouped: ReadonlySet<NotificationType> },
): Promise<GroupedPage> {
  const { grouped, limit, ...rest } = query;
  const rows = await listNotifications(db, domain, accountId, { ...rest, limit: GROUP_SCAN_LIMIT });
  // Reading up from min_id, the groups nearest the cursor come first; otherwise the newest.
  const order = rest.upwards ? [...rows].reverse() : rows;
  const byKey = new Map<string, NotificationView[]>();
  let consumed = 0;
  for (const n of order) {
    const key = groupKeyOf(n, grouped);
    if (!byKey.has(key) && byKey.size >= limit) break;
    byKey.set(key, [...(byKey.get(key) ?? []), n]);
    consumed++;
  }
  for (const members of byKey.values()) members.sort((a, b) => (a.id < b.id ? 1 : -1));
  const groups: NotificationGroup[] = [];
  for (const [key, members] of byKey) {
    const latest = members[0] as NotificationView;
    const whole = key.startsWith("ungrouped-")
      ? { count: 1, newest: [latest] }
      : await groupMembers(db, domain, accountId, key, rest.allowed);
    groups.push({
      key,
      type: latest.type,
      count: Math.max(whole.count, members.length),
      latest: whole.newest[0] && whole.newest[0].id > latest.id ? whole.newest[0] : latest,
      pageMinId: (members.at(-1) as NotificationView).id,
      pageMaxId: latest.id,
      sampleUris: [...new Set([...members, ...whole.newest].map((n) => n.fromUri))].slice(
        0,
        GROUP_SAMPLE_SIZE,
      ),
      postId: latest.postId,
    });
  }
  groups.sort((a, b) => (a.pageMaxId < b.pageMaxId ? 1 : -1));
  const read = order
    .slice(0, consumed)
    .map((n) => n.id)
    .sort();
  return {
    groups,
    newestId: read.at(-1) ?? null,
    oldestId: read[0] ?? null,
    more: rest.upwards ? true : consumed < rows.length || rows.length === GROUP_SCAN_LIMIT,
  };
}

/** One group by its key, as the member's query allows it; null when it has no notification. */
export async function notificationGroup(
  db: Kysely<Schema>,
  domain: string,
  accountId: string,
  key: string,
  allowed?: NotificationQuery["allowed"],
): Promise<NotificationGroup | null> {
  const whole = await groupMembers(db, domain, accountId, key, allowed);
  const latest = whole.newest[0];
  if (!latest) return null;
  return {
    key,
    type: latest.type,
    count: whole.count,
    latest,
    pageMinId: (whole.newest.at(-1) as NotificationView).id,
    pageMaxId: latest.id,
    sampleUris: [...new Set(whole.newest.map((n) => n.fromUri))],
    postId: latest.postId,
  };
}

/** Deletes every notification of a group; false when it had none. */
export async function dismissGroup(db: Kysely<Schema>, accountId: string, key: string) {
  const query = groupQuery(key);
  if (!query) return false;
  const ids = await db
    .selectFrom("notifications as n")
    .select("n.id")
    .where("n.account_id", "=", accountId)
    .where((eb) => {
      const all = [];
      if (query.ids) all.push(eb("n.id", "in", query.ids));
      if (query.types) all.push(eb("n.type", "in", query.types));
      if (query.postId) all.push(eb("n.post_id", "=", query.postId));
      if (query.createdFrom) all.push(eb("n.created_at", ">=", query.createdFrom));
      if (query.createdBefore) all.push(eb("n.created_at", "<", query.createdBefore));
      return eb.and(all);
    })
    .execute();
  if (ids.length === 0) return false;
  await db
    .deleteFrom("notifications")
    .where("account_id", "=", accountId)
    .where(
      "id",
      "in",
      ids.map((r) => r.id),
    )
    .execute();
  return true;
}
