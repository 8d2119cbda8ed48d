/**
 * The parameters both notification lists share (v1 and grouped v2): Mastodon's
 * types[], exclude_types[] and account_id in our terms, the page's cursors, and
 * the member's notification policy (unless include_filtered asks for all).
 */
import type { NotificationType } from "../db/schema/social.ts";
import { allowedBy, notificationPolicy } from "../social/notification-policy.ts";
import type { NotificationQuery } from "../social/notifications.ts";
import type { ApiDeps } from "./deps.ts";
import { memberRef } from "./deps.ts";
import type { Page } from "./pagination.ts";
import { truthy } from "./params.ts";
import { actorById } from "./serializers/account.ts";

const list = (v: unknown) =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === "string",
  );

const ours: Record<string, NotificationType[]> = {
  mention: ["mention", "reply"],
  favourite: ["favourite"],
  reblog: ["reblog"],
  follow: ["follow"],
  follow_request: ["follow_request"],
  poll: ["poll"],
  update: ["update"],
  "admin.report": ["report"],
  "admin.sign_up": ["sign_up"],
};

/**
 * Every type of ours a Mastodon app knows; the others (decisions, group join
 * requests: Mastodon has no name for them) never reach apps.
 */
export const MASTODON_KNOWN_TYPES: NotificationType[] = [...new Set(Object.values(ours).flat())];

/** Mastodon's type names as ours (our "reply" is a Mastodon "mention"); unknown names drop out. */
export const ourTypes = (names: string[]) => [...new Set(names.flatMap((t) => ours[t] ?? []))];

/** The query for a member's page of notifications, or null when nothing can match. */
export async function notificationQuery(
  deps: ApiDeps,
  me: { id: string; username: string },
  p: Record<string, unknown>,
  page: Page,
): Promise<Omit<NotificationQuery, "limit"> | null> {
  const asked = list(p.types);
  const types = ourTypes(asked);
  if (asked.length > 0 && types.length === 0) return null;
  let fromUri: string | undefined;
  if (typeof p.account_id === "string" && p.account_id) {
    const actor = await actorById(
      { db: deps.db, origin: deps.config.origin, domain: deps.config.domain },
      p.account_id.slice(0, 100),
    );
    if (!actor) return null;
    fromUri = actor.uri;
  }
  const after = page.minId ?? page.sinceId;
  const allowed = truthy(p.include_filtered)
    ? undefined
    : allowedBy(
        await notificationPolicy(deps.db, me.id),
        memberRef(deps, me).uri,
        deps.clock.now(),
      );
  return {
    maxId: page.maxId,
    afterId: after,
    // min_id: the page right after it; since_id: the newest, down to it.
    upwards: !!page.minId && !page.maxId,
    types: types.length ? types : MASTODON_KNOWN_TYPES,
    excludeTypes: ourTypes(list(p.exclude_types)),
    fromUri,
    allowed,
  };
}
