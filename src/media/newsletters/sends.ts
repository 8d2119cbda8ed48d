/**
 * Sending a post to a list: `queueSend` writes the send and one `queued`
 * delivery per confirmed subscriber in one transaction (so a crash leaves all
 * or nothing queued), and the sender (sender.ts) works through them. Who may
 * send: the member to their own blog; a group's admins and moderators (its
 * editors) to the group's. Only a public post of that blog or group goes out.
 */
import { sql } from "kysely";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { roleIn } from "../publications.ts";
import { type ListRef, type NewsletterContext, nowIso } from "./context.ts";

export type SendProblem = "not-found" | "forbidden" | "not-public" | "already-sent";

/** May this member send to (and see the subscribers of) this list? */
export async function runsList(
  n: NewsletterContext,
  accountId: string,
  list: ListRef,
): Promise<boolean> {
  if (list.kind === "member") return list.id === accountId;
  // A publication's editors (media/publications.ts); another public group's admins and moderators.
  if ((await roleIn(n.db, list.id, accountId)) === "editor") return true;
  const row = await n.db
    .selectFrom("group_members")
    .select("role")
    .where("group_id", "=", list.id)
    .where("account_id", "=", accountId)
    .where("status", "=", "active")
    .where("role", "in", ["admin", "moderator"])
    .executeTakeFirst();
  return !!row;
}

export async function queueSend(
  n: NewsletterContext,
  actor: { id: string },
  postId: string,
  list: ListRef,
): Promise<Result<{ id: string; recipients: number }, SendProblem>> {
  if (!(await runsList(n, actor.id, list))) return fail("forbidden");
  const post = await n.db
    .selectFrom("posts")
    .select(["id", "visibility", "deleted_at", "author_account_id", "group_id", "reblog_of_id"])
    .where("id", "=", postId)
    .executeTakeFirst();
  const ofList =
    list.kind === "member" ? post?.author_account_id === list.id : post?.group_id === list.id;
  if (!post || post.deleted_at || post.reblog_of_id || !ofList) return fail("not-found");
  if (post.visibility !== "public") return fail("not-public");
  return n.db.transaction().execute(async (trx) => {
    const earlier = await trx
      .selectFrom("newsletter_sends")
      .select("id")
      .where("post_id", "=", postId)
      .where("list_kind", "=", list.kind)
      .where("list_id", "=", list.id)
      .executeTakeFirst();
    if (earlier) return fail("already-sent");
    const id = newId();
    const at = nowIso(n);
    await trx
      .insertInto("newsletter_sends")
      .values({
        id,
        post_id: postId,
        list_kind: list.kind,
        list_id: list.id,
        account_id: actor.id,
        recipients: 0,
        created_at: at,
      })
      .execute();
    // One statement for every recipient, however many: the list as it is now.
    await trx
      .insertInto("newsletter_deliveries")
      .columns(["send_id", "subscription_id", "state", "attempts", "updated_at"])
      .expression((eb) =>
        eb
          .selectFrom("newsletter_subscriptions")
          .select([
            sql.lit(id).as("send_id"),
            "id",
            sql.lit("queued").as("state"),
            sql.lit(0).as("attempts"),
            sql.lit(at).as("updated_at"),
          ])
          .where("list_kind", "=", list.kind)
          .where("list_id", "=", list.id)
          .where("status", "=", "confirmed"),
      )
      .execute();
    const { recipients } = await trx
      .selectFrom("newsletter_deliveries")
      .select((eb) => eb.fn.countAll<number>().as("recipients"))
      .where("send_id", "=", id)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("newsletter_sends")
      .set({ recipients: Number(recipients) })
      .where("id", "=", id)
      .execute();
    return ok({ id, recipients: Number(recipients) });
  });
}

export interface SendSummary {
  id: string;
  postId: string;
  createdAt: string;
  recipients: number;
  states: Record<"queued" | "sending" | "sent" | "uncertain" | "failed" | "cancelled", number>;
}

/** The list's sends, newest first, with how far each got. */
export async function sendsOf(n: NewsletterContext, list: ListRef, limit = 20) {
  const sends = await n.db
    .selectFrom("newsletter_sends")
    .selectAll()
    .where("list_kind", "=", list.kind)
    .where("list_id", "=", list.id)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  const counts = sends.length
    ? await n.db
        .selectFrom("newsletter_deliveries")
        .select(["send_id", "state", (eb) => eb.fn.countAll<number>().as("n")])
        .where(
          "send_id",
          "in",
          sends.map((s) => s.id),
        )
        .groupBy(["send_id", "state"])
        .execute()
    : [];
  return sends.map((s): SendSummary => {
    const states = { queued: 0, sending: 0, sent: 0, uncertain: 0, failed: 0, cancelled: 0 };
    for (const c of counts) if (c.send_id === s.id) states[c.state] = Number(c.n);
    return {
      id: s.id,
      postId: s.post_id,
      createdAt: s.created_at,
      recipients: s.recipients,
      states,
    };
  });
}

/**
 * The editor's decision after a crash: send again to the send's `uncertain`
 * recipients. They may get the message twice (with the same Message-ID, which
 * some mail systems fold into one); the page says so before the button.
 */
export async function requeueUncertain(
  n: NewsletterContext,
  actor: { id: string },
  sendId: string,
  list: ListRef,
): Promise<Result<{ requeued: number }, "not-found" | "forbidden">> {
  if (!(await runsList(n, actor.id, list))) return fail("forbidden");
  const send = await n.db
    .selectFrom("newsletter_sends")
    .select("id")
    .where("id", "=", sendId)
    .where("list_kind", "=", list.kind)
    .where("list_id", "=", list.id)
    .executeTakeFirst();
  if (!send) return fail("not-found");
  const result = await n.db
    .updateTable("newsletter_deliveries")
    .set({ state: "queued", lease_until: null, updated_at: nowIso(n) })
    .where("send_id", "=", sendId)
    .where("state", "=", "uncertain")
    .executeTakeFirst();
  return ok({ requeued: Number(result.numUpdatedRows) });
}
