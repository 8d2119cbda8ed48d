/**
 * Email subscriptions to a list, with double opt-in: `subscribe` leaves a
 * pending row (the caller mails the confirm link), `confirmSubscription` makes
 * it receive mail, `unsubscribe` stops it (one click, from any message). The
 * same answer whether an address was new, pending or already confirmed, so the
 * form does not tell a stranger who subscribes to what.
 */
import { z } from "zod";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { type ListRef, type NewsletterContext, nowIso } from "./context.ts";
import { verifyToken } from "./tokens.ts";

export const MAX_EMAIL_LENGTH = 254;
const emailSchema = z.email().max(MAX_EMAIL_LENGTH);

export type SubscribeProblem = "bad-email" | "no-list";

/** Whether the list exists and takes subscribers: an active member, a public group. */
export async function listExists(n: NewsletterContext, list: ListRef): Promise<boolean> {
  if (list.kind === "member") {
    const row = await n.db
      .selectFrom("accounts")
      .select("id")
      .where("id", "=", list.id)
      .where("status", "=", "active")
      .executeTakeFirst();
    return !!row;
  }
  const row = await n.db
    .selectFrom("groups")
    .select("id")
    .where("id", "=", list.id)
    .where("visibility", "=", "public")
    .executeTakeFirst();
  return !!row;
}

/**
 * A pending subscription (or the existing one). `confirm`: whether a confirm
 * mail should go out (not for an address already confirmed).
 */
export async function subscribe(
  n: NewsletterContext,
  list: ListRef,
  input: { email: string; language: string },
): Promise<Result<{ id: string; confirm: boolean }, SubscribeProblem>> {
  const parsed = emailSchema.safeParse(input.email.trim().toLowerCase());
  if (!parsed.success) return fail("bad-email");
  if (!(await listExists(n, list))) return fail("no-list");
  const email = parsed.data;
  return n.db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom("newsletter_subscriptions")
      .select(["id", "status"])
      .where("list_kind", "=", list.kind)
      .where("list_id", "=", list.id)
      .where("email", "=", email)
      .executeTakeFirst();
    if (found?.status === "confirmed") return ok({ id: found.id, confirm: false });
    if (found) {
      await trx
        .updateTable("newsletter_subscriptions")
        .set({ status: "pending", language: input.language, unsubscribed_at: null })
        .where("id", "=", found.id)
        .execute();
      return ok({ id: found.id, confirm: true });
    }
    const id = newId();
    await trx
      .insertInto("newsletter_subscriptions")
      .values({
        id,
        list_kind: list.kind,
        list_id: list.id,
        email,
        status: "pending",
        language: input.language,
        created_at: nowIso(n),
        confirmed_at: null,
        unsubscribed_at: null,
      })
      .execute();
    return ok({ id, confirm: true });
  });
}

export interface SubscriptionView {
  id: string;
  list: ListRef;
  email: string;
  status: "pending" | "confirmed" | "unsubscribed";
  language: string;
}

export async function subscriptionById(
  n: NewsletterContext,
  id: string,
): Promise<SubscriptionView | null> {
  const row = await n.db
    .selectFrom("newsletter_subscriptions")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    list: { kind: row.list_kind, id: row.list_id },
    email: row.email,
    status: row.status,
    language: row.language,
  };
}

export type TokenProblem = "bad-token" | "not-found";

/** The double opt-in's second step. Confirming an unsubscribed row does not revive it. */
export async function confirmSubscription(
  n: NewsletterContext,
  token: string,
): Promise<Result<SubscriptionView, TokenProblem>> {
  const id = verifyToken(n.secret, "confirm", token);
  if (!id) return fail("bad-token");
  const found = await subscriptionById(n, id);
  if (!found) return fail("not-found");
  if (found.status === "pending")
    await n.db
      .updateTable("newsletter_subscriptions")
      .set({ status: "confirmed", confirmed_at: nowIso(n) })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .execute();
  return ok({ ...found, status: found.status === "pending" ? "confirmed" : found.status });
}

/** One click: no login, no questions (RFC 8058). Queued mail to it is not sent. */
export async function unsubscribe(
  n: NewsletterContext,
  token: string,
): Promise<Result<SubscriptionView, TokenProblem>> {
  const id = verifyToken(n.secret, "unsubscribe", token);
  if (!id) return fail("bad-token");
  const found = await subscriptionById(n, id);
  if (!found) return fail("not-found");
  if (found.status !== "unsubscribed")
    await n.db
      .updateTable("newsletter_subscriptions")
      .set({ status: "unsubscribed", unsubscribed_at: nowIso(n) })
      .where("id", "=", id)
      .execute();
  return ok({ ...found, status: "unsubscribed" });
}

/** Subscriber counts for whoever runs the list. */
export async function subscriberCounts(n: NewsletterContext, list: ListRef) {
  const rows = await n.db
    .selectFrom("newsletter_subscriptions")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("list_kind", "=", list.kind)
    .where("list_id", "=", list.id)
    .groupBy("status")
    .execute();
  const of = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { confirmed: of("confirmed"), pending: of("pending"), unsubscribed: of("unsubscribed") };
}
