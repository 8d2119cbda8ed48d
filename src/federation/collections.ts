/**
 * Followers, following and outbox collections, and NodeInfo 2.1. The followers
 * dispatcher with no cursor returns every remote follower at once: Fedify uses
 * that one-shot form to fan an activity out to all of them (and groups them by
 * shared inbox). Pages over HTTP are 40 items, keyed by the follow's time-ordered id.
 */
import type { Federation } from "@fedify/fedify";
import { Endpoints, type Recipient } from "@fedify/vocab";
import { SOFTWARE_NAME, SOFTWARE_VERSION } from "../kernel/version.ts";
import { COOP, type FederationDeps, findMember, INSTANCE, isVisible } from "./deps.ts";
import { outboxCount, outboxPage } from "./social/outbox.ts";

const PAGE = 40;

function onePerSharedInbox<T extends { shared_inbox_url: string | null }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    if (!r.shared_inbox_url) return true;
    if (seen.has(r.shared_inbox_url)) return false;
    seen.add(r.shared_inbox_url);
    return true;
  });
}

export function registerCollections(federation: Federation<void>, deps: FederationDeps): void {
  const { db } = deps.db;
  /** The account behind a member identifier, deleted ones included (their Delete fans out). */
  const owner = async (identifier: string) => {
    if (identifier === COOP || identifier === INSTANCE) return null;
    const m = await findMember(db, identifier);
    return m && m.username === identifier ? m : null;
  };
  /** Members and the co-op have followers; the instance actor has none. */
  const hasFollowers = async (identifier: string) =>
    identifier === COOP || (await owner(identifier)) !== null;
  /** The instance actor's collections exist and stay empty (peers expect them on every actor). */
  const empty = { items: [], nextCursor: null };

  federation
    .setFollowersDispatcher(
      "/users/{identifier}/followers",
      async (ctx, identifier, cursor, filter) => {
        if (!(await hasFollowers(identifier)))
          return cursor === null || identifier === INSTANCE ? empty : null;
        let query = db
          .selectFrom("follows")
          .innerJoin("remote_actors as r", "r.id", "follows.follower_remote_id")
          .select(["follows.id", "r.uri", "r.inbox_url", "r.shared_inbox_url"])
          .where("follows.followee_uri", "=", ctx.getActorUri(identifier).href)
          .where("follows.status", "=", "accepted")
          .orderBy("follows.id");
        // FEP-8fcf: a receiving server asks only for its own followers.
        if (filter?.origin) query = query.where("r.uri", "like", `${filter.origin}/%`);
        if (cursor !== null) query = query.where("follows.id", ">", cursor).limit(PAGE + 1);
        const rows = await query.execute();
        // The one-shot form feeds sendActivity(…, "followers", { preferSharedInbox: true }),
        // which delivers once per shared inbox: one follower per shared inbox is enough, and
        // 10,000 followers on 1,000 servers then cost 1,000 recipients in memory, not 10,000.
        const page = cursor === null ? onePerSharedInbox(rows) : rows.slice(0, PAGE);
        const items: Recipient[] = page.map((r) => ({
          id: new URL(r.uri),
          inboxId: new URL(r.inbox_url),
          endpoints: r.shared_inbox_url
            ? new Endpoints({ sharedInbox: new URL(r.shared_inbox_url) })
            : null,
        }));
        const last = page.at(-1);
        return {
          items,
          nextCursor: cursor !== null && rows.length > PAGE && last ? last.id : null,
        };
      },
    )
    .setFirstCursor(() => "")
    .setCounter(async (ctx, identifier) => {
      if (!(await hasFollowers(identifier))) return 0;
      const row = await db
        .selectFrom("follows")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("followee_uri", "=", ctx.getActorUri(identifier).href)
        .where("status", "=", "accepted")
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });

  federation
    .setFollowingDispatcher("/users/{identifier}/following", async (_ctx, identifier, cursor) => {
      if (identifier === INSTANCE) return empty;
      const m = await owner(identifier);
      if (!m || cursor === null) return null;
      const rows = await db
        .selectFrom("follows")
        .select(["id", "followee_uri"])
        .where("follower_account_id", "=", m.id)
        .where("status", "=", "accepted")
        .where("id", ">", cursor)
        .orderBy("id")
        .limit(PAGE + 1)
        .execute();
      const page = rows.slice(0, PAGE);
      return {
        items: page.map((r) => new URL(r.followee_uri)),
        nextCursor: rows.length > PAGE ? (page.at(-1)?.id ?? null) : null,
      };
    })
    .setFirstCursor(() => "")
    .setCounter(async (_ctx, identifier) => {
      const m = await owner(identifier);
      if (!m || !isVisible(m)) return 0;
      const row = await db
        .selectFrom("follows")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("follower_account_id", "=", m.id)
        .where("status", "=", "accepted")
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });

  // A member's public and unlisted posts (social/outbox.ts); the co-op's and the instance
  // actor's outboxes are empty but valid.
  federation
    .setOutboxDispatcher("/users/{identifier}/outbox", async (ctx, identifier, cursor) =>
      cursor === null ? null : ((await outboxPage(ctx, deps, identifier, cursor)) ?? { items: [] }),
    )
    .setFirstCursor(() => "")
    .setCounter((_ctx, identifier) => outboxCount(deps, identifier));

  federation.setNodeInfoDispatcher("/nodeinfo/2.1", async () => {
    const row = await db
      .selectFrom("accounts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "active")
      .executeTakeFirstOrThrow();
    const coop = await deps.coop.get();
    return {
      software: { name: SOFTWARE_NAME, version: SOFTWARE_VERSION },
      protocols: ["activitypub"],
      openRegistrations: coop.registration === "open",
      usage: {
        users: { total: Number(row.n) },
        localPosts: 0,
        localComments: 0,
      },
      metadata: { nodeName: coop.name, nodeDescription: coop.description },
    };
  });
}
