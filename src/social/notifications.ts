/**
 * Notifications: follow, follow request, mention, reply, boost, like, poll ended
 * (Mastodon's types follow, follow_request, mention, reblog, favourite, poll; a
 * reply is a mention in Mastodon, kept apart here so the page can say so).
 * Nobody is notified of their own acts, nor by someone they block or mute.
 */
import type { Kysely } from "kysely";
import type { NotificationType } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";

export interface NotifyInput {
  accountId: string;
  type: NotificationType;
  fromUri: string;
  fromAccountId?: string | null;
  fromRemoteId?: string | null;
  postId?: string | null;
}

export async function notify(trx: Kysely<Schema>, input: NotifyInput): Promise<void> {
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
      created_at: new Date().toISOString(),
    })
    .execute();
}

export interface NotificationView {
  id: string;
  type: NotificationType;
  fromUri: string;
  fromName: string;
  fromHandle: string;
  fromUrl: string;
  postId: string | null;
  read: boolean;
  createdAt: string;
}

/** A member's notifications, newest first, `limit` per page before the cursor `maxId`. */
export async function listNotifications(
  db: Kysely<Schema>,
  domain: string,
  accountId: string,
  page: { maxId?: string | undefined; limit: number },
): Promise<NotificationView[]> {
  const rows = await db
    .selectFrom("notifications as n")
    .leftJoin("accounts as a", "a.id", "n.from_account_id")
    .leftJoin("remote_actors as r", "r.id", "n.from_remote_id")
    .select([
      "n.id",
      "n.type",
      "n.from_uri",
      "n.post_id",
      "n.read",
      "n.created_at",
      "a.username",
      "a.display_name",
      "r.handle",
      "r.name",
      "r.url",
    ])
    .where("n.account_id", "=", accountId)
    .$if(page.maxId !== undefined, (q) => q.where("n.id", "<", page.maxId as string))
    .orderBy("n.id", "desc")
    .limit(page.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    fromUri: r.from_uri,
    fromName: r.display_name || r.username || r.name || r.handle || r.from_uri,
    fromHandle: r.username ? `@${r.username}@${domain}` : r.handle ? `@${r.handle}` : r.from_uri,
    fromUrl: r.username ? `/@${r.username}` : (r.url ?? r.from_uri),
    postId: r.post_id,
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

export async function unreadCount(db: Kysely<Schema>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("account_id", "=", accountId)
    .where("read", "=", 0)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
