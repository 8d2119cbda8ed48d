/**
 * Tables of newsletters (issue 17): email subscriptions to a member's blog or a
 * publication (a group), each send of a post to a list, and one delivery row per
 * recipient, whose state is what makes sending resumable (media/newsletters/sender.ts).
 */

/** Whose list: a member's blog (list_id = account id) or a group's (group id). */
export type NewsletterListKind = "member" | "group";

/** pending: waiting for the double opt-in; confirmed: receives mail; unsubscribed. */
export type SubscriptionStatus = "pending" | "confirmed" | "unsubscribed";

export interface NewsletterSubscriptionsTable {
  id: string;
  list_kind: NewsletterListKind;
  list_id: string;
  /** Lower-cased. One row per list and address. */
  email: string;
  status: SubscriptionStatus;
  /** The language the subscriber used: confirmation and footer text are in it. */
  language: string;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
}

export interface NewsletterSendsTable {
  id: string;
  post_id: string;
  list_kind: NewsletterListKind;
  list_id: string;
  /** The member who asked for the send. */
  account_id: string | null;
  /** How many delivery rows were queued (the confirmed subscribers then). */
  recipients: number;
  created_at: string;
}

/**
 * queued → sending (just before SMTP) → sent (right after SMTP accepted, its own
 * transaction). A row found `sending` after its lease ran out belonged to a
 * sender that died mid-message: it becomes `uncertain` and is not sent again
 * (at most once). failed: the server refused it after every attempt; cancelled:
 * the subscriber left before their turn.
 */
export type DeliveryState = "queued" | "sending" | "sent" | "uncertain" | "failed" | "cancelled";

export interface NewsletterDeliveriesTable {
  send_id: string;
  subscription_id: string;
  state: DeliveryState;
  attempts: number;
  /** While `sending`: after this time the sender is presumed dead. */
  lease_until: string | null;
  last_error: string | null;
  updated_at: string;
}

/** An article to send to its list when it is published (then the row goes). */
export interface NewsletterArticleIntentsTable {
  article_id: string;
  /** Who asked (the send is theirs). */
  account_id: string;
  list_kind: NewsletterListKind;
  list_id: string;
  created_at: string;
}

export type NewslettersSchema = {
  newsletter_article_intents: NewsletterArticleIntentsTable;
  newsletter_subscriptions: NewsletterSubscriptionsTable;
  newsletter_sends: NewsletterSendsTable;
  newsletter_deliveries: NewsletterDeliveriesTable;
};
