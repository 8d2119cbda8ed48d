/**
 * Grouped notifications (Mastodon 4.3, docs.joinmastodon.org/methods/grouped_notifications):
 * /api/v2/notifications with its groups, one group, its accounts, dismissing it,
 * the unread count; the notification policy (v2, and v1's boolean form), and the
 * requests list (empty: held-back notifications are not kept for review here).
 */
import { Hono } from "hono";
import { z } from "zod";
import type { NotificationType } from "../../db/schema/social.ts";
import {
  DEFAULT_GROUPED_TYPES,
  dismissGroup,
  groupedNotifications,
  groupKeyOf,
  type NotificationGroup,
  notificationGroup,
} from "../../social/notification-groups.ts";
import {
  allowedBy,
  type NotificationPolicy,
  notificationPolicy,
  policyKeys,
  policyValues,
  setNotificationPolicy,
} from "../../social/notification-policy.ts";
import { listNotifications } from "../../social/notifications.ts";
import { hydrate } from "../../social/views.ts";
import { requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, memberRef, socialContext } from "../deps.ts";
import { notFound } from "../errors.ts";
import { notificationQuery, ourTypes } from "../notification-query.ts";
import { readPage, setLink } from "../pagination.ts";
import { readParams, truthy } from "../params.ts";
import { loadAccounts } from "../serializers/account.ts";
import { serializeFiltered } from "../serializers/filter.ts";
import { mastodonType, reportEntities } from "../serializers/notification.ts";

/** How many notifications unread_count reads at most (Mastodon's default limit is 100, its cap 1000). */
export const MAX_UNREAD_COUNT = 1000;

const list = (v: unknown) =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === "string",
  );

export function notificationGroupRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const s = socialContext(deps);
  const l = { db: deps.db, origin: deps.config.origin, domain: deps.config.domain };
  const { db } = deps;
  const domain = deps.config.domain;

  /** GroupedNotificationsResults: the groups with the accounts and statuses they name. */
  const results = async (me: { id: string; username: string }, groups: NotificationGroup[]) => {
    const ref = memberRef(deps, me);
    const postIds = [...new Set(groups.flatMap((g) => (g.postId ? [g.postId] : [])))];
    const [accounts, statuses, reports] = await Promise.all([
      loadAccounts(
        l,
        groups.flatMap((g) => g.sampleUris),
      ),
      hydrate(s, ref.id, ref.uri, postIds).then((v) =>
        serializeFiltered(l, v, ref, "notifications"),
      ),
      reportEntities(
        s,
        l,
        groups.map((g) => g.latest),
      ),
    ]);
    const shown = groups.filter((g) => !g.postId || statuses.some((st) => st.id === g.postId));
    const groupJson = shown.flatMap((g) => {
      const sample = g.sampleUris.flatMap((u) => accounts.get(u)?.id ?? []);
      if (sample.length === 0) return [];
      const report =
        g.type === "report" && g.latest.subjectId ? reports.get(g.latest.subjectId) : undefined;
      if (g.type === "report" && !report) return [];
      return [
        {
          group_key: g.key,
          notifications_count: g.count,
          type: mastodonType(g.type),
          most_recent_notification_id: g.latest.id,
          page_min_id: g.pageMinId,
          page_max_id: g.pageMaxId,
          latest_page_notification_at: new Date(g.latest.createdAt).toISOString(),
          sample_account_ids: sample,
          ...(g.postId ? { status_id: g.postId } : {}),
          ...(report ? { report } : {}),
        },
      ];
    });
    const usedUris = new Set(shown.flatMap((g) => g.sampleUris));
    return {
      accounts: [...usedUris].flatMap((u) => accounts.get(u) ?? []),
      statuses: statuses.filter((st) => shown.some((g) => g.postId === st.id)),
      notification_groups: groupJson,
    };
  };

  const groupedTypes = (p: Record<string, unknown>): Set<NotificationType> => {
    const asked = list(p.grouped_types);
    return new Set(asked.length ? ourTypes(asked) : DEFAULT_GROUPED_TYPES);
  };

  app.get("/api/v2/notifications", async (c) => {
    const me = requireUser(c, "read:notifications");
    const p = await readParams(c);
    const page = readPage(p, { limit: 40, max: 80 });
    const query = await notificationQuery(deps, me, p, page);
    if (!query) return c.json({ accounts: [], statuses: [], notification_groups: [] });
    const got = await groupedNotifications(db, domain, me.id, {
      ...query,
      limit: page.limit,
      grouped: groupedTypes(p),
    });
    if (got.newestId && got.oldestId)
      setLink(c, [got.newestId, got.oldestId], { hasMore: got.more });
    return c.json(await results(me, got.groups));
  });

  app.get("/api/v2/notifications/unread_count", async (c) => {
    const me = requireUser(c, "read:notifications");
    const p = await readParams(c);
    const limit = Math.max(1, Math.min(MAX_UNREAD_COUNT, Number(p.limit ?? 100) || 100));
    const query = await notificationQuery(deps, me, p, { limit });
    if (!query) return c.json({ count: 0 });
    const rows = await listNotifications(db, domain, me.id, { ...query, unread: true, limit });
    const grouped = groupedTypes(p);
    return c.json({ count: new Set(rows.map((n) => groupKeyOf(n, grouped))).size });
  });

  // The policy (v2: accept / filter / drop for each kind of sender).
  const policyJson = (policy: NotificationPolicy) => ({
    ...policy,
    summary: { pending_requests_count: 0, pending_notifications_count: 0 },
  });
  app.get("/api/v2/notifications/policy", async (c) => {
    const me = requireUser(c, "read:notifications");
    return c.json(policyJson(await notificationPolicy(db, me.id)));
  });
  // Rails routes an update as PATCH and PUT alike (masto sends PUT).
  app.on(["PATCH", "PUT"], "/api/v2/notifications/policy", async (c) => {
    const me = requireUser(c, "write:notifications");
    const value = z.enum(policyValues).optional();
    const change = z
      .object(
        Object.fromEntries(policyKeys.map((k) => [k, value])) as Record<
          (typeof policyKeys)[number],
          typeof value
        >,
      )
      .parse(await readParams(c));
    const set = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
    return c.json(policyJson(await setNotificationPolicy(db, me.id, set)));
  });
  // v1's form: filter_* booleans ("filter" when true, "accept" when false).
  const v1Keys = {
    filter_not_following: "for_not_following",
    filter_not_followers: "for_not_followers",
    filter_new_accounts: "for_new_accounts",
    filter_private_mentions: "for_private_mentions",
  } as const;
  const v1Json = (policy: NotificationPolicy) => ({
    ...Object.fromEntries(Object.entries(v1Keys).map(([v1, v2]) => [v1, policy[v2] !== "accept"])),
    summary: { pending_requests_count: 0, pending_notifications_count: 0 },
  });
  app.get("/api/v1/notifications/policy", async (c) => {
    const me = requireUser(c, "read:notifications");
    return c.json(v1Json(await notificationPolicy(db, me.id)));
  });
  app.on(["PATCH", "PUT"], "/api/v1/notifications/policy", async (c) => {
    const me = requireUser(c, "write:notifications");
    const p = await readParams(c);
    const set: Partial<NotificationPolicy> = {};
    for (const [v1, v2] of Object.entries(v1Keys))
      if (p[v1] !== undefined) set[v2] = truthy(p[v1]) ? "filter" : "accept";
    return c.json(v1Json(await setNotificationPolicy(db, me.id, set)));
  });
  app.get("/api/v1/notifications/requests", (c) => {
    requireUser(c, "read:notifications");
    return c.json([]);
  });
  app.get("/api/v1/notifications/requests/merged", (c) => {
    requireUser(c, "read:notifications");
    return c.json({ merged: true });
  });

  const oneGroup = async (c: ApiContext, me: { id: string; username: string }) => {
    const key = c.req.param("group_key") ?? "";
    const allowed = allowedBy(
      await notificationPolicy(db, me.id),
      memberRef(deps, me).uri,
      deps.clock.now(),
    );
    const group = await notificationGroup(db, domain, me.id, key, allowed);
    if (!group) throw notFound();
    return group;
  };
  app.get("/api/v2/notifications/:group_key", async (c) => {
    const me = requireUser(c, "read:notifications");
    const answer = await results(me, [await oneGroup(c, me)]);
    if (answer.notification_groups.length === 0) throw notFound();
    return c.json(answer);
  });
  app.get("/api/v2/notifications/:group_key/accounts", async (c) => {
    const me = requireUser(c, "read:notifications");
    const group = await oneGroup(c, me);
    const accounts = await loadAccounts(l, group.sampleUris);
    return c.json(group.sampleUris.flatMap((u) => accounts.get(u) ?? []));
  });
  app.post("/api/v2/notifications/:group_key/dismiss", async (c) => {
    const me = requireUser(c, "write:notifications");
    if (!(await dismissGroup(db, me.id, c.req.param("group_key")))) throw notFound();
    return c.json({});
  });
  return app;
}
