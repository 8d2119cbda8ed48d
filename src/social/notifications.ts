/**
 * Notifications: follow, follow request, mention, reply, boost, like, poll ended
 * (Mastodon's types follow, follow_request, mention, reblog, favourite, poll; a
 * reply is a mention in Mastodon, kept apart here so the page can say so).
 * Nobody is notified of their own acts, nor by someone they block or mute.
 */
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from "kysely";
import type { NotificationType } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { newId } from "../kernel/ids.ts";
import { mediaUrl } from "../storage/images.ts";
import { remoteMediaUrl } from "../storage/remote-media.ts";

export interface NotifyInput {
  accountId: string;
  type: NotificationType;
  fromUri: string;
  fromAccountId?: string | null;
  fromRemoteId?: string | null;
  postId?: string | null;
  /** What a notice is about besides a post (a report, a group, an applicant's account). */
  subjectId?: string | null;
  /** The notice also goes by mail (notice-mail.ts), if the member allows it. */
  mail?: boolean;
}

/**
 * `clock` defaults to the system's only for callers not yet given one
 * (social/posts.ts and remote-posts.ts, being rewritten elsewhere); pass the context's.
 */
export async function notify(
  trx: Kysely<Schema>,
  input: NotifyInput,
  clock: Clock = systemClock,
): Promise<void> {
  if (input.fromAccountId === input.accountId) return;
  const filtered = await trx
    .selectFrom("actor_filters")
    .select("kind")
    .where("account_id", "=", input.accountId)
    .where("target_uri", "=", input.fromUri)
    .executeTakeFirst();
  if (filtered) return;
  await trx
    .insertInto("notifications")
    .values({
      id: newId(),
      account_id: input.accountId,
      type: input.type,
      from_uri: input.fromUri,
      from_account_id: input.fromAccountId ?? null,
      from_remote_id: input.fromRemoteId ?? null,
      post_id: input.postId ?? null,
      subject_id: input.subjectId ?? null,
      mail_pending: input.mail ? 1 : 0,
      created_at: clock.now().toISOString(),
    })
    .execute();
}

/**
 * Members who boosted a post hear that it was edited (Mastodon's "update"): in
 * the edit's transaction, only when what a reader sees changed.
 */
export async function notifyBoosters(
  trx: Kysely<Schema>,
  post: {
    id: string;
    authorUri: string;
    authorAccountId: string | null;
    authorRemoteId: string | null;
  },
  clock: Clock,
): Promise<void> {
  const boosters = await trx
    .selectFrom("posts")
    .select("author_account_id")
    .distinct()
    .where("reblog_of_id", "=", post.id)
    .where("author_account_id", "is not", null)
    .where("deleted_at", "is", null)
    .execute();
  for (const { author_account_id } of boosters)
    if (author_account_id)
      await notify(
        trx,
        {
          accountId: author_account_id,
          type: "update",
          fromUri: post.authorUri,
          fromAccountId: post.authorAccountId,
          fromRemoteId: post.authorRemoteId,
          postId: post.id,
        },
        clock,
      );
}

export interface NotificationView {
  id: string;
  type: NotificationType;
  fromUri: string;
  fromName: string;
  fromHandle: string;
  fromUrl: string;
  fromAvatarUrl: string | null;
  postId: string | null;
  subjectId: string | null;
  read: boolean;
  createdAt: string;
}

export interface NotificationQuery {
  /** Older than this id. */
  maxId?: string | undefined;
  /** Newer than this id; with `upwards`, the page right after it (still returned newest first). */
  afterId?: string | undefined;
  upwards?: boolean | undefined;
  limit: number;
  /** Only these types / not these (filtered in the query, so pages come back full). */
  types?: NotificationType[] | undefined;
  excludeTypes?: NotificationType[] | undefined;
  /** Only from this actor. */
  fromUri?: string | undefined;
  /** Only about this post. */
  postId?: string | undefined;
  /** Only written in [from, before) (ISO timestamps). */
  createdFrom?: string | undefined;
  createdBefore?: string | undefined;
  /** Only these ids. */
  ids?: string[] | undefined;
  /** Only those not yet marked read. */
  unread?: boolean | undefined;
  /** Only what the member's notification policy lets through (notification-policy.ts). */
  allowed?: ((eb: NotificationsEb) => Expression<SqlBool>) | undefined;
}

/** Every condition of a query but its order and size. */
const matching =
  (accountId: string, page: Omit<NotificationQuery, "limit">) => (eb: NotificationsEb) => {
    const all: Expression<SqlBool>[] = [eb("n.account_id", "=", accountId)];
    if (page.maxId !== undefined) all.push(eb("n.id", "<", page.maxId));
    if (page.afterId !== undefined) all.push(eb("n.id", ">", page.afterId));
    if (page.types?.length) all.push(eb("n.type", "in", page.types));
    if (page.excludeTypes?.length) all.push(eb("n.type", "not in", page.excludeTypes));
    if (page.fromUri !== undefined) all.push(eb("n.from_uri", "=", page.fromUri));
    if (page.postId !== undefined) all.push(eb("n.post_id", "=", page.postId));
    if (page.createdFrom !== undefined) all.push(eb("n.created_at", ">=", page.createdFrom));
    if (page.createdBefore !== undefined) all.push(eb("n.created_at", "<", page.createdBefore));
    if (page.ids) all.push(page.ids.length ? eb("n.id", "in", page.ids) : eb.lit(false));
    if (page.unread) all.push(eb("n.read", "=", 0));
    if (page.allowed) all.push(page.allowed(eb));
    return eb.and(all);
  };

/** How many notifications a query matches (limit aside). */
export async function countNotifications(
  db: Kysely<Schema>,
  accountId: string,
  query: Omit<NotificationQuery, "limit">,
): Promise<number> {
  const row = await db
    .selectFrom("notifications as n")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where(matching(accountId, query))
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

type NotificationsEb = ExpressionBuilder<Schema & { n: Schema["notifications"] }, "n">;

/** A member's notifications, newest first, `limit` per page before the cursor `maxId`. */
export async function listNotifications(
  db: Kysely<Schema>,
  domain: string,
  accountId: string,
  page: NotificationQuery,
): Promise<NotificationView[]> {
  const rows = await db
    .selectFrom("notifications as n")
    .leftJoin("accounts as a", "a.id", "n.from_account_id")
    .leftJoin("uploads as av", "av.id", "a.avatar_id")
    .leftJoin("remote_actors as r", "r.id", "n.from_remote_id")
    .select([
      "n.id",
      "n.type",
      "n.from_uri",
      "n.post_id",
      "n.subject_id",
      "n.read",
      "n.created_at",
      "a.username",
      "a.display_name",
      "r.handle",
      "r.name",
      "r.url",
      "av.path as avatar_path",
      "r.avatar_url",
    ])
    .where(matching(accountId, page))
    .orderBy("n.id", page.upwards ? "asc" : "desc")
    .limit(page.limit)
    .execute();
  if (page.upwards) rows.reverse();
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    fromUri: r.from_uri,
    fromName: r.display_name || r.username || r.name || r.handle || r.from_uri,
    fromHandle: r.username ? `@${r.username}@${domain}` : r.handle ? `@${r.handle}` : r.from_uri,
    fromUrl: r.username ? `/@${r.username}` : (r.url ?? r.from_uri),
    fromAvatarUrl: r.avatar_path
      ? mediaUrl(r.avatar_path)
      : r.avatar_url
        ? remoteMediaUrl(r.avatar_url)
        : null,
    postId: r.post_id,
    subjectId: r.subject_id,
    read: r.read === 1,
    createdAt: r.created_at,
  }));
}

export async function markAllRead(db: Kysely<Schema>, accountId: string): Promise<void> {
  await db
    .updateTable("notifications")
    .set({ read: 1 })
    .where("account_id", "=", accountId)
    .where("read", "=", 0)
    .execute();
}

/** A member's unread notifications, counted up to `cap` (a badge says "99+"), by its index. */
export async function unreadCount(
  db: Kysely<Schema>,
  accountId: string,
  cap = 100,
): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom("notifications")
        .select("id")
        .where("account_id", "=", accountId)
        .where("read", "=", 0)
        .limit(cap)
        .as("unread"),
    )
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
