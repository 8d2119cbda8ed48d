/**
 * The newsletter sender: works through `queued` deliveries one at a time, each
 * in three steps — claim (`sending`, with a lease, its own transaction), hand
 * the message to SMTP, mark `sent` (its own transaction, right after the server
 * accepted). A restart resumes from the rows still `queued`: nobody is skipped.
 *
 * At most once, and the one-message window: a sender killed between the claim
 * and the `sent` commit leaves one row `sending` — the SMTP server may or may
 * not have taken that message, and nothing can ask it. When the row's lease has
 * run out (its sender is presumed dead), `reconcileDeliveries` marks it
 * `uncertain` and it is NOT sent again: no one gets the post twice, and the
 * editor sees the count of uncertain recipients on the send (there is at most
 * one per sender that died). The message carries a stable Message-ID, so a
 * re-send by hand would be recognised by mail systems that de-duplicate on it.
 * An error from the server (refused, unreachable) means it did not accept the
 * message: the row goes back to `queued` and is tried again later.
 */
import { getLogger } from "@logtape/logtape";
import type { NewsletterListKind } from "../../db/schema/newsletters.ts";
import { pagePathOf } from "../../social/views.ts";
import { type NewsletterContext, nowIso } from "./context.ts";
import { sendPublishedIntents } from "./on-publish.ts";
import { signToken } from "./tokens.ts";

const logger = getLogger(["synco", "newsletters"]);

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  messageId: string;
}

/** What sends a message (nodemailer over the node's SMTP setting); throws when not accepted. */
export interface MailTransport {
  send(message: OutgoingMail): Promise<void>;
}

/** Everything a message is made of; the web layer turns it into text in the reader's language. */
export interface DeliveryJob {
  sendId: string;
  to: { subscriptionId: string; email: string; language: string };
  post: {
    id: string;
    title: string;
    summary: string;
    contentHtml: string;
    url: string;
    createdAt: string;
    authorName: string;
  };
  list: { kind: NewsletterListKind; id: string; name: string; url: string };
  unsubscribeUrl: string;
  messageId: string;
}

export type ComposeMail = (job: DeliveryJob) => Omit<OutgoingMail, "messageId" | "to">;

export interface SenderOptions {
  /** How long a claim lasts; after it a `sending` row is reconciled as uncertain. */
  readonly leaseMs?: number;
  /** Tries before a refused message is given up (`failed`). */
  readonly maxAttempts?: number;
  /** Wait before trying a refused message again. */
  readonly retryMs?: number;
}

const DEFAULT_LEASE_MS = 120_000;

/** Rows left `sending` by a sender whose lease ran out: uncertain, never re-sent. */
export async function reconcileDeliveries(n: NewsletterContext): Promise<number> {
  const now = nowIso(n);
  const result = await n.db
    .updateTable("newsletter_deliveries")
    .set({ state: "uncertain", lease_until: null, updated_at: now })
    .where("state", "=", "sending")
    .where("lease_until", "<", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Sends the next queued message; false when nothing is due. */
export async function sendNext(
  n: NewsletterContext,
  transport: MailTransport,
  compose: ComposeMail,
  options: SenderOptions = {},
): Promise<boolean> {
  const now = nowIso(n);
  const next = await n.db
    .selectFrom("newsletter_deliveries")
    .select(["send_id", "subscription_id", "attempts"])
    .where("state", "=", "queued")
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", now)]))
    .orderBy("send_id")
    .orderBy("subscription_id")
    .limit(1)
    .executeTakeFirst();
  if (!next) return false;
  const leaseUntil = new Date(n.clock.now().getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS));
  // The claim commits before SMTP is spoken to: from here a crash leaves `sending`.
  const claimed = await n.db
    .updateTable("newsletter_deliveries")
    .set({
      state: "sending",
      attempts: next.attempts + 1,
      lease_until: leaseUntil.toISOString(),
      updated_at: now,
    })
    .where("send_id", "=", next.send_id)
    .where("subscription_id", "=", next.subscription_id)
    .where("state", "=", "queued")
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return true; // another sender took it
  const job = await loadJob(n, next.send_id, next.subscription_id);
  const finish = (state: "sent" | "queued" | "failed" | "cancelled", error: string | null) =>
    n.db
      .updateTable("newsletter_deliveries")
      .set({
        state,
        last_error: error,
        updated_at: nowIso(n),
        lease_until:
          state === "queued"
            ? new Date(n.clock.now().getTime() + (options.retryMs ?? 60_000)).toISOString()
            : null,
      })
      .where("send_id", "=", next.send_id)
      .where("subscription_id", "=", next.subscription_id)
      .execute();
  if (!job) {
    // Unsubscribed since it was queued, or the post was deleted: nothing goes out.
    await finish("cancelled", null);
    return true;
  }
  try {
    await transport.send({ ...compose(job), to: job.to.email, messageId: job.messageId });
  } catch (error) {
    const attempts = next.attempts + 1;
    logger.warn("Newsletter {sendId} to {subscriptionId} was not accepted: {error}", {
      sendId: next.send_id,
      subscriptionId: next.subscription_id,
      error,
    });
    await finish(attempts >= (options.maxAttempts ?? 3) ? "failed" : "queued", String(error));
    return true;
  }
  await finish("sent", null);
  return true;
}

async function loadJob(
  n: NewsletterContext,
  sendId: string,
  subscriptionId: string,
): Promise<DeliveryJob | null> {
  const row = await n.db
    .selectFrom("newsletter_deliveries as d")
    .innerJoin("newsletter_sends as s", "s.id", "d.send_id")
    .innerJoin("newsletter_subscriptions as sub", "sub.id", "d.subscription_id")
    .innerJoin("posts as p", "p.id", "s.post_id")
    .leftJoin("accounts as a", "a.id", "p.author_account_id")
    .leftJoin("accounts as la", (j) =>
      j.onRef("la.id", "=", "s.list_id").on("s.list_kind", "=", "member"),
    )
    .leftJoin("groups as g", (j) =>
      j.onRef("g.id", "=", "s.list_id").on("s.list_kind", "=", "group"),
    )
    .select([
      "sub.email",
      "sub.language",
      "sub.status",
      "s.list_kind",
      "s.list_id",
      "p.id as post_id",
      "p.title",
      "p.summary",
      "p.content_html",
      "p.created_at",
      "p.deleted_at",
      "p.kind",
      "p.url",
      "a.username",
      "a.display_name",
      "la.username as list_username",
      "la.display_name as list_display_name",
      "g.name as group_name",
      "g.display_name as group_display_name",
    ])
    .where("d.send_id", "=", sendId)
    .where("d.subscription_id", "=", subscriptionId)
    .executeTakeFirst();
  if (row?.status !== "confirmed" || row.deleted_at) return null;
  // An article is read on its public page (posts.url); other posts where pages show them.
  const url =
    row.kind === "article" && row.url
      ? row.url
      : `${n.origin}${(await pagePathOf(n.db, row.post_id)) ?? `/posts/${row.post_id}`}`;
  const list =
    row.list_kind === "member"
      ? {
          name: row.list_display_name || row.list_username || "",
          url: `${n.origin}/@${row.list_username}`,
        }
      : {
          name: row.group_display_name || row.group_name || "",
          url: `${n.origin}/groups/${row.group_name}`,
        };
  return {
    sendId,
    to: { subscriptionId, email: row.email, language: row.language },
    post: {
      id: row.post_id,
      title: row.title,
      summary: row.summary,
      contentHtml: row.content_html,
      url,
      createdAt: row.created_at,
      authorName: row.display_name || row.username || "",
    },
    list: { kind: row.list_kind, id: row.list_id, ...list },
    unsubscribeUrl: `${n.origin}/newsletters/unsubscribe/${signToken(n.secret, "unsubscribe", subscriptionId)}`,
    // Stable per recipient and send (RFC 5322 3.6.4): the same message if it were ever sent again.
    messageId: `<${sendId}.${subscriptionId}@${n.domain.replace(/:\d+$/, "")}>`,
  };
}

/** Sends until nothing is due. */
export async function drainDeliveries(
  n: NewsletterContext,
  transport: MailTransport,
  compose: ComposeMail,
  options: SenderOptions = {},
): Promise<void> {
  while (await sendNext(n, transport, compose, options)) {}
}

/** In-process wake-up: queueSend's caller rings it so a send starts without waiting for the poll. */
const listeners = new Set<() => void>();
export const wakeNewsletterSender = () => {
  for (const l of listeners) l();
};

/**
 * The worker's loop: reconcile, then drain; again on every wake-up and every
 * `pollMs` (a send queued by another process is found by the poll).
 */
export function startNewsletterSender(
  n: NewsletterContext,
  transport: MailTransport,
  compose: ComposeMail,
  options: SenderOptions & { pollMs?: number } = {},
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await reconcileDeliveries(n);
        await sendPublishedIntents(n);
        await drainDeliveries(n, transport, compose, options);
      } while (again && !stopped);
    })()
      .catch((error) => logger.error("The newsletter sender failed: {error}", { error }))
      .finally(() => {
        running = null;
      });
  };
  listeners.add(run);
  const timer = setInterval(run, options.pollMs ?? 5_000);
  run();
  return async () => {
    stopped = true;
    listeners.delete(run);
    clearInterval(timer);
    await running;
  };
}
