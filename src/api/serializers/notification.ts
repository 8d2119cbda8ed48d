/**
 * Notification (docs.joinmastodon.org/entities/Notification). Our "reply" is a
 * Mastodon "mention"; the others keep their names (follow, follow_request,
 * reblog, favourite, poll).
 */

import type { SocialContext } from "../../social/context.ts";
import { DEFAULT_GROUPED_TYPES, groupKeyOf } from "../../social/notification-groups.ts";
import type { NotificationView } from "../../social/notifications.ts";
import { hydrate } from "../../social/views.ts";
import type { ViewerRef } from "../../social/visibility.ts";
import { MASTODON_KNOWN_TYPES } from "../notification-query.ts";
import { type AccountLoader, loadAccounts } from "./account.ts";
import { serializeFiltered } from "./filter.ts";

const grouped = new Set(DEFAULT_GROUPED_TYPES);

export const mastodonType = (t: string) => (t === "reply" ? "mention" : t);

export async function serializeNotifications(
  s: SocialContext,
  l: AccountLoader,
  viewer: ViewerRef,
  views: NotificationView[],
) {
  const postIds = [...new Set(views.flatMap((n) => (n.postId ? [n.postId] : [])))];
  const [accounts, posts] = await Promise.all([
    loadAccounts(
      l,
      views.map((n) => n.fromUri),
    ),
    // A post the member's filters hide takes its notification with it; a warned one is marked.
    hydrate(s, viewer.id, viewer.uri, postIds).then((v) =>
      serializeFiltered(l, v, viewer, "notifications"),
    ),
  ]);
  return views.flatMap((n) => {
    // Types Mastodon has no name for (decisions) would break apps: the stream drops them too.
    if (!MASTODON_KNOWN_TYPES.includes(n.type)) return [];
    const account = accounts.get(n.fromUri);
    if (!account) return [];
    const status = n.postId ? posts.find((p) => p.id === n.postId) : undefined;
    if (n.postId && !status) return [];
    return [
      {
        id: n.id,
        type: mastodonType(n.type),
        group_key: groupKeyOf(n, grouped),
        created_at: new Date(n.createdAt).toISOString(),
        account,
        ...(status ? { status } : {}),
      },
    ];
  });
}
