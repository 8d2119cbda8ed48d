/**
 * One activity, one delivery per inbox. An activity often has several audiences
 * (a member's followers, the people mentioned, the author of the post boosted);
 * sent to each audience separately, a server that is in two of them gets the
 * activity twice, and GoToSocial answers the second with an error that Fedify
 * then retries. So the audiences are merged into one list of recipients, keyed
 * by the inbox the activity will actually reach (the shared inbox when the
 * server has one, as Fedify prefers it), and sent with one sendActivity call.
 */
import type { Context } from "@fedify/fedify";
import { type Activity, Endpoints, type Recipient } from "@fedify/vocab";
import type { FederationDeps } from "./deps.ts";
import { allowsDelivery } from "./social/domain-policy.ts";

export interface InboxRow {
  uri: string;
  inbox_url: string;
  shared_inbox_url: string | null;
}

export function recipientOf(actor: InboxRow): Recipient {
  return {
    id: new URL(actor.uri),
    inboxId: new URL(actor.inbox_url),
    endpoints: actor.shared_inbox_url
      ? new Endpoints({ sharedInbox: new URL(actor.shared_inbox_url) })
      : null,
  };
}

/** The inbox a recipient's delivery goes to (the shared one when there is one). */
const inboxKey = (r: Recipient) => (r.endpoints?.sharedInbox ?? r.inboxId)?.href ?? null;

/** The remote followers of a local actor (accepted follows, actors not gone). */
export function remoteFollowers(deps: FederationDeps, actorUri: string): Promise<InboxRow[]> {
  return deps.db.db
    .selectFrom("follows")
    .innerJoin("remote_actors as r", "r.id", "follows.follower_remote_id")
    .select(["r.uri", "r.inbox_url", "r.shared_inbox_url"])
    .where("follows.followee_uri", "=", actorUri)
    .where("follows.status", "=", "accepted")
    .where("r.gone", "=", 0)
    .orderBy("follows.id")
    .execute();
}

export interface AudienceParameters {
  /** The local actor whose followers hear of it (its URI), if any. */
  readonly followersOf?: string;
  /** Other remote actors: the mentioned, a post's author, the people who voted. */
  readonly others?: readonly InboxRow[];
}

/** Sends `activity` once to every inbox in the union of the audiences, domain policy applied. */
export async function sendToInboxes(
  ctx: Context<void>,
  deps: FederationDeps,
  sender: { identifier: string },
  audience: AudienceParameters,
  activity: Activity,
): Promise<number> {
  const rows = [
    ...(audience.followersOf ? await remoteFollowers(deps, audience.followersOf) : []),
    ...(audience.others ?? []),
  ];
  const byInbox = new Map<string, Recipient>();
  const allowed = new Map<string, boolean>();
  for (const row of rows) {
    const recipient = recipientOf(row);
    const key = inboxKey(recipient);
    if (!key || byInbox.has(key)) continue;
    const host = new URL(row.uri).host.toLowerCase();
    let ok = allowed.get(host);
    if (ok === undefined) {
      ok = await allowsDelivery(deps.db.db, host);
      allowed.set(host, ok);
    }
    if (ok) byInbox.set(key, recipient);
  }
  if (byInbox.size === 0) return 0;
  await ctx.sendActivity(sender, [...byInbox.values()], activity, { preferSharedInbox: true });
  return byInbox.size;
}
