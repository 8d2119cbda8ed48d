/**
 * What the notifications page shows (issue 23): a member's notifications,
 * newest first, with likes and boosts of one post gathered into one item ("Ana
 * and 2 others liked your post"), each with what it is about — the post, the
 * follow request still to answer, the group asked to join, the report, the
 * application. Read in a fixed number of queries whatever the page holds: one
 * for the notifications, one for the groups' sizes, the posts' hydration, and
 * one per kind of subject present.
 */
import { sql } from "kysely";
import type { NotificationType } from "../db/schema/social.ts";
import { memberPrefix } from "../kernel/uris.ts";
import type { SocialContext } from "./context.ts";
import { listNotifications, type NotificationView } from "./notifications.ts";
import { hydrate, type PostView } from "./views.ts";
import type { ViewerRef } from "./visibility.ts";

/** Types gathered by post on the page (Mastodon groups these, and follows by day). */
const GATHERED = new Set<NotificationType>(["favourite", "reblog"]);
/** How many notifications one page reads at most to fill its items. */
const SCAN = 200;
/** Senders whose avatars an item shows. */
const SHOWN_SENDERS = 3;

export interface NoticeItem {
  /** The newest notification of the item (its id anchors it on the page). */
  latest: NotificationView;
  type: NotificationType;
  /** Distinct senders on this page, newest first, at most SHOWN_SENDERS. */
  senders: NotificationView[];
  /** Notifications in the item up to this page's cursor (more than `senders` for a big group). */
  count: number;
  unread: boolean;
  /** The post it is about, as the member may see it (null: none, or gone). */
  post: PostView | null;
  /** A follow request still waiting: the follow's id for Accept / Reject. */
  pendingFollowId: string | null;
  /** A join request: the group, and whether the request still waits. */
  group: { name: string; displayName: string; pending: boolean } | null;
  /** A report: whom it is about, its comment and whether it is still open. */
  report: { id: string; comment: string; open: boolean; targetName: string | null } | null;
  /** A sign-up application: whether it still waits for a decision. */
  applicationPending: boolean | null;
}

export interface NoticePage {
  items: NoticeItem[];
  /** Cursor for the next (older) page, or null at the end. */
  nextMaxId: string | null;
  /** Whether any notification on this page was unread. */
  anyUnread: boolean;
}

const keyOf = (n: NotificationView) =>
  GATHERED.has(n.type) && n.postId ? `${n.type}-${n.postId}` : n.id;

/** One page of `limit` items before the cursor `maxId`. */
export async function noticeFeed(
  s: SocialContext,
  viewer: ViewerRef,
  page: { maxId?: string | undefined; limit: number },
): Promise<NoticePage> {
  const rows = await listNotifications(s.db, s.domain, viewer.id, {
    maxId: page.maxId,
    limit: SCAN,
  });
  const byKey = new Map<string, NotificationView[]>();
  let consumed = 0;
  for (const n of rows) {
    const key = keyOf(n);
    if (!byKey.has(key) && byKey.size >= page.limit) break;
    byKey.set(key, [...(byKey.get(key) ?? []), n]);
    consumed++;
  }
  const more = consumed < rows.length || rows.length === SCAN;
  const groups = [...byKey.values()];
  const about = await subjects(s, viewer, groups);
  const items = groups.map((members): NoticeItem => {
    const latest = members[0] as NotificationView;
    const senders = [...new Map(members.map((m) => [m.fromUri, m])).values()];
    return {
      latest,
      type: latest.type,
      senders: senders.slice(0, SHOWN_SENDERS),
      count: Math.max(members.length, about.sizes.get(keyOf(latest)) ?? 0),
      unread: members.some((m) => !m.read),
      post: (latest.postId && about.posts.get(latest.postId)) || null,
      pendingFollowId:
        latest.type === "follow_request" ? (about.follows.get(latest.fromUri) ?? null) : null,
      group:
        latest.type === "group_join_request" && latest.subjectId
          ? (about.joins.get(`${latest.subjectId} ${latest.fromUri}`) ?? null)
          : null,
      report:
        latest.type === "report" && latest.subjectId
          ? (about.reports.get(latest.subjectId) ?? null)
          : null,
      applicationPending:
        latest.type === "sign_up" && latest.subjectId
          ? about.applications.has(latest.subjectId)
          : null,
    };
  });
  return {
    items,
    nextMaxId: more ? ((rows[consumed - 1] as NotificationView | undefined)?.id ?? null) : null,
    anyUnread: rows.slice(0, consumed).some((n) => !n.read),
  };
}

/** Everything the page's items are about, a query per kind present. */
async function subjects(s: SocialContext, viewer: ViewerRef, groups: NotificationView[][]) {
  const all = groups.flat();
  const newest = groups.map((g) => g[0] as NotificationView);
  const ofType = (...types: NotificationType[]) => newest.filter((n) => types.includes(n.type));
  const subjectIds = (type: NotificationType) => [
    ...new Set(ofType(type).flatMap((n) => (n.subjectId ? [n.subjectId] : []))),
  ];
  const gathered = ofType(...GATHERED).flatMap((n) => (n.postId ? [n.postId] : []));
  const postIds = [...new Set(all.flatMap((n) => (n.postId ? [n.postId] : [])))];
  const requesters = ofType("follow_request").map((n) => n.fromUri);
  const groupIds = subjectIds("group_join_request");
  const joiners = ofType("group_join_request").map((n) => n.fromUri);
  const reportIds = subjectIds("report");
  const applicantIds = subjectIds("sign_up");
  const { db } = s;
  const prefix = memberPrefix(s.origin);
  const [sizes, posts, follows, groupRows, reports, applications] = await Promise.all([
    gathered.length
      ? db
          .selectFrom("notifications")
          .select(["type", "post_id", (eb) => eb.fn.countAll<number>().as("n")])
          .where("account_id", "=", viewer.id)
          .where("type", "in", [...GATHERED])
          .where("post_id", "in", [...new Set(gathered)])
          // Up to the newest on this page: an item continued from a newer page counts what is left.
          .where("id", "<=", newest[0]?.id ?? "")
          .groupBy(["type", "post_id"])
          .execute()
      : [],
    postIds.length
      ? hydrate(s, viewer.id, viewer.uri, postIds).then((views) => readable(s, viewer, views))
      : [],
    requesters.length
      ? db
          .selectFrom("follows")
          .select(["id", "follower_uri"])
          .where("followee_account_id", "=", viewer.id)
          .where("status", "=", "pending")
          .where("follower_uri", "in", requesters)
          .execute()
      : [],
    groupIds.length
      ? db
          .selectFrom("groups as g")
          .leftJoin("group_members as m", (j) =>
            j
              .onRef("m.group_id", "=", "g.id")
              .on("m.status", "=", "pending")
              .on("m.actor_uri", "in", joiners),
          )
          .select(["g.id", "g.name", "g.display_name", "m.actor_uri"])
          .where("g.id", "in", groupIds)
          .execute()
      : [],
    reportIds.length
      ? db
          .selectFrom("reports as rp")
          .leftJoin("remote_actors as r", "r.uri", "rp.target_uri")
          // A member's URI is the origin's /users/<username> (kernel/uris.ts).
          .leftJoin("accounts as a", (j) =>
            j
              .on(sql<string>`substr(rp.target_uri, 1, ${prefix.length})`, "=", prefix)
              .on("a.username", "=", sql<string>`substr(rp.target_uri, ${prefix.length + 1})`),
          )
          .select([
            "rp.id",
            "rp.comment",
            "rp.status",
            "rp.target_uri",
            "r.name",
            "r.handle",
            "a.username",
            "a.display_name",
          ])
          .where("rp.id", "in", reportIds)
          .execute()
      : [],
    applicantIds.length
      ? db
          .selectFrom("applications")
          .select("account_id")
          .where("account_id", "in", applicantIds)
          .execute()
      : [],
  ]);
  const joins = new Map<string, { name: string; displayName: string; pending: boolean }>();
  for (const n of ofType("group_join_request")) {
    const rowsOf = groupRows.filter((g) => g.id === n.subjectId);
    const g = rowsOf[0];
    if (g)
      joins.set(`${n.subjectId} ${n.fromUri}`, {
        name: g.name,
        displayName: g.display_name || g.name,
        pending: rowsOf.some((r) => r.actor_uri === n.fromUri),
      });
  }
  return {
    sizes: new Map(sizes.map((r) => [`${r.type}-${r.post_id}`, Number(r.n)])),
    posts: new Map(posts.map((p) => [p.id, p])),
    follows: new Map(follows.map((f) => [f.follower_uri, f.id])),
    joins,
    reports: new Map(
      reports.map((r) => [
        r.id,
        {
          id: r.id,
          comment: r.comment,
          open: r.status === "open",
          // null: not a person (a budget's project, a marketplace proposal, a message).
          targetName: r.display_name || r.username || r.name || r.handle || null,
        },
      ]),
    ),
    applications: new Set(applications.map((a) => a.account_id)),
  };
}

/**
 * Of these posts, those the viewer may read (visibility.ts canSee's rules), a
 * query per rule for the whole page rather than per post: not hidden (nor in a
 * hidden thread), not by a suspended author, and public, the viewer's own,
 * mentioning them, or in a group they belong to / by someone they follow.
 */
async function readable(s: SocialContext, viewer: ViewerRef, views: PostView[]) {
  const shown = views.filter((v) => !v.hiddenAt && !v.reblog);
  if (shown.length === 0) return [];
  const open = (v: PostView) =>
    v.visibility === "public" || v.visibility === "unlisted" || v.author.uri === viewer.uri;
  const closed = shown.filter((v) => !open(v));
  const groupIds = [...new Set(closed.flatMap((v) => v.audience?.groupId ?? []))];
  const followees = [
    ...new Set(
      closed.map((v) => (v.audience && !v.audience.groupId ? v.audience.uri : v.author.uri)),
    ),
  ];
  const threads = [
    ...new Set(shown.flatMap((v) => (v.audience && v.threadId !== v.id ? [v.threadId] : []))),
  ];
  const { db } = s;
  const [suspended, mentioned, following, memberOf, hiddenThreads] = await Promise.all([
    db
      .selectFrom("actor_limits")
      .select("actor_uri")
      .where("level", "=", "suspend")
      .where("actor_uri", "in", [...new Set(shown.map((v) => v.author.uri))])
      .execute(),
    closed.length
      ? db
          .selectFrom("post_mentions")
          .select("post_id")
          .where("actor_uri", "=", viewer.uri)
          .where(
            "post_id",
            "in",
            closed.map((v) => v.id),
          )
          .execute()
      : [],
    followees.length
      ? db
          .selectFrom("follows")
          .select("followee_uri")
          .where("follower_uri", "=", viewer.uri)
          .where("status", "=", "accepted")
          .where("followee_uri", "in", followees)
          .execute()
      : [],
    groupIds.length
      ? db
          .selectFrom("groups as g")
          .select("g.id")
          .where("g.id", "in", groupIds)
          .where((eb) =>
            eb.or([
              // Every active member of the node belongs to its assembly.
              eb("g.kind", "=", "assembly"),
              eb.exists(
                eb
                  .selectFrom("group_members as m")
                  .select("m.id")
                  .whereRef("m.group_id", "=", "g.id")
                  .where("m.actor_uri", "=", viewer.uri)
                  .where("m.status", "=", "active"),
              ),
            ]),
          )
          .execute()
      : [],
    threads.length
      ? db
          .selectFrom("posts")
          .select("id")
          .where("id", "in", threads)
          .where("hidden_at", "is not", null)
          .execute()
      : [],
  ]);
  const banned = new Set(suspended.map((r) => r.actor_uri));
  const mentions = new Set(mentioned.map((r) => r.post_id));
  const follows = new Set(following.map((r) => r.followee_uri));
  const groups = new Set(memberOf.map((r) => r.id));
  const hidden = new Set(hiddenThreads.map((r) => r.id));
  return shown.filter((v) => {
    if (banned.has(v.author.uri) || hidden.has(v.threadId)) return false;
    if (open(v) || mentions.has(v.id)) return true;
    if (v.visibility === "direct") return false;
    if (v.audience)
      return v.audience.groupId ? groups.has(v.audience.groupId) : follows.has(v.audience.uri);
    return follows.has(v.author.uri);
  });
}
