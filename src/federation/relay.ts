/**
 * The relay of the transactional outbox (DESIGN.md, "Durable federation"): it
 * takes committed outbox_events in id order, turns each into activities, hands
 * them to Fedify's queue (ctx.sendActivity) and only then marks the event relayed.
 * A crash between the two re-relays the event; its activities get the same ids
 * (derived from the event id, or the follow's id for a Follow), so receiving
 * inboxes drop the repeat. Delivery itself is Fedify's: at least once, retried
 * with exponential backoff.
 */
import type { Context, Federation } from "@fedify/fedify";
import { Accept, Delete, Follow, PUBLIC_COLLECTION, Reject, Undo, Update } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import type { Selectable } from "kysely";
import { z } from "zod";
import type { OutboxEventsTable } from "../db/schema.ts";
import { memberActor } from "./actors.ts";
import { recipientOf, sendToInboxes } from "./audience.ts";
import type { FederationDeps } from "./deps.ts";
import type { EventHandler } from "./extensions.ts";
import { findRemoteActor } from "./remote-actors.ts";

export { recipientOf };

const logger = getLogger(["synco", "federation", "relay"]);
type Event = Selectable<OutboxEventsTable>;

const payloads = {
  "account.updated": z.object({ accountId: z.string() }),
  "account.deleted": z.object({ accountId: z.string() }),
  "follow.requested": z.object({ followId: z.string() }),
  "follow.accepted": z.object({ followId: z.string() }),
  "follow.undone": z.object({
    followId: z.string(),
    followerAccountId: z.string(),
    followeeRemoteId: z.string(),
    activityUri: z.string(),
  }),
  "follow.rejected": z.object({
    followId: z.string(),
    followeeAccountId: z.string(),
    followerRemoteId: z.string(),
    activityUri: z.string(),
  }),
};

export class Relay {
  readonly #federation: Federation<void>;
  readonly #deps: FederationDeps;
  readonly #failures = new Map<string, number>();
  readonly #handlers: Record<string, EventHandler>;

  constructor(
    federation: Federation<void>,
    deps: FederationDeps,
    handlers: Record<string, EventHandler> = {},
  ) {
    this.#federation = federation;
    this.#deps = deps;
    this.#handlers = handlers;
  }

  /** Relays up to `limit` pending events; returns how many were handled. */
  async relayPending(limit = 100): Promise<number> {
    const { db } = this.#deps.db;
    const events = await db
      .selectFrom("outbox_events")
      .selectAll()
      .where("relayed_at", "is", null)
      .orderBy("id")
      .limit(limit)
      .execute();
    const ctx = this.#federation.createContext(new URL(this.#deps.config.origin), undefined);
    let done = 0;
    for (const event of events) {
      try {
        await this.#relay(ctx, event);
      } catch (error) {
        // Stop here so events keep their order; a poisoned event is given up after 5 tries.
        const tries = (this.#failures.get(event.id) ?? 0) + 1;
        this.#failures.set(event.id, tries);
        logger.error("Relaying event {id} ({type}) failed (try {tries}): {error}", {
          id: event.id,
          type: event.type,
          tries,
          error,
        });
        if (tries < 5) break;
      }
      this.#failures.delete(event.id);
      await db
        .updateTable("outbox_events")
        .set({ relayed_at: new Date().toISOString() })
        .where("id", "=", event.id)
        .execute();
      done++;
    }
    return done;
  }

  #activityId(event: Event): URL {
    return new URL(`/activities/${event.id}`, this.#deps.config.origin);
  }

  async #relay(ctx: Context<void>, event: Event): Promise<void> {
    const { db } = this.#deps.db;
    const id = this.#activityId(event);
    const payload = JSON.parse(event.payload);
    switch (event.type) {
      case "account.updated": {
        const { accountId } = payloads[event.type].parse(payload);
        this.#deps.invalidate();
        const username = await this.#username(accountId, ["active"]);
        if (!username) return;
        const actor = await memberActor(ctx, this.#deps, username);
        if (!actor) return;
        const update = new Update({
          id,
          actor: ctx.getActorUri(username),
          object: actor,
          to: PUBLIC_COLLECTION,
          ccs: [ctx.getFollowersUri(username)],
        });
        await ctx.sendActivity({ identifier: username }, "followers", update, {
          preferSharedInbox: true,
        });
        return;
      }
      case "account.deleted": {
        const { accountId } = payloads[event.type].parse(payload);
        this.#deps.invalidate();
        const username = await this.#username(accountId, ["deleted"]);
        if (!username) return;
        const del = new Delete({
          id,
          actor: ctx.getActorUri(username),
          object: ctx.getActorUri(username),
          to: PUBLIC_COLLECTION,
        });
        // Followers, and those the member followed (so they drop the follow): once per inbox.
        const followees = await db
          .selectFrom("follows")
          .innerJoin("remote_actors as r", "r.id", "follows.followee_remote_id")
          .selectAll("r")
          .where("follows.follower_account_id", "=", accountId)
          .execute();
        await sendToInboxes(
          ctx,
          this.#deps,
          { identifier: username },
          { followersOf: ctx.getActorUri(username).href, others: followees },
          del,
        );
        // The Delete is queued (durably): the member's follows can go now. Re-relayed after a
        // crash, the event finds none and sends its Delete to nobody new, which is harmless.
        await db
          .deleteFrom("follows")
          .where((eb) =>
            eb.or([
              eb("follower_account_id", "=", accountId),
              eb("followee_account_id", "=", accountId),
            ]),
          )
          .execute();
        return;
      }
      case "follow.requested": {
        const { followId } = payloads[event.type].parse(payload);
        const row = await db
          .selectFrom("follows")
          .innerJoin("accounts", "accounts.id", "follows.follower_account_id")
          .select(["follows.activity_uri", "follows.followee_remote_id", "accounts.username"])
          .where("follows.id", "=", followId)
          .executeTakeFirst();
        // Withdrawn before it went out: the Undo that follows is harmless on its own.
        if (!row?.followee_remote_id) return;
        const followee = await findRemoteActor(db, { id: row.followee_remote_id });
        if (!followee) return;
        const follow = new Follow({
          id: new URL(row.activity_uri),
          actor: ctx.getActorUri(row.username),
          object: new URL(followee.uri),
        });
        await ctx.sendActivity({ identifier: row.username }, recipientOf(followee), follow);
        return;
      }
      case "follow.undone": {
        const p = payloads[event.type].parse(payload);
        const username = await this.#username(p.followerAccountId, ["active", "deleted"]);
        const followee = await findRemoteActor(db, { id: p.followeeRemoteId });
        if (!username || !followee) return;
        const actor = ctx.getActorUri(username);
        const undo = new Undo({
          id,
          actor,
          object: new Follow({
            id: new URL(p.activityUri),
            actor,
            object: new URL(followee.uri),
          }),
        });
        await ctx.sendActivity({ identifier: username }, recipientOf(followee), undo);
        return;
      }
      case "follow.accepted": {
        const { followId } = payloads[event.type].parse(payload);
        const row = await db
          .selectFrom("follows")
          .selectAll()
          .where("id", "=", followId)
          .where("status", "=", "accepted")
          .executeTakeFirst();
        if (!row?.follower_remote_id) return;
        const follower = await findRemoteActor(db, { id: row.follower_remote_id });
        const identifier = this.#identifier(ctx, row.followee_uri);
        if (!follower || !identifier) return;
        const accept = new Accept({
          id,
          actor: new URL(row.followee_uri),
          object: new Follow({
            id: new URL(row.activity_uri),
            actor: new URL(row.follower_uri),
            object: new URL(row.followee_uri),
          }),
        });
        await ctx.sendActivity({ identifier }, recipientOf(follower), accept);
        return;
      }
      case "follow.rejected": {
        const p = payloads[event.type].parse(payload);
        const username = await this.#username(p.followeeAccountId, ["active"]);
        const follower = await findRemoteActor(db, { id: p.followerRemoteId });
        if (!username || !follower) return;
        const actor = ctx.getActorUri(username);
        const reject = new Reject({
          id,
          actor,
          object: new Follow({
            id: new URL(p.activityUri),
            actor: new URL(follower.uri),
            object: actor,
          }),
        });
        await ctx.sendActivity({ identifier: username }, recipientOf(follower), reject);
        return;
      }
      default: {
        const handler = this.#handlers[event.type];
        if (handler) return handler(ctx, this.#deps, event, payload);
        // Events of areas that do not federate (yet) are marked relayed and left.
        logger.debug("No activity for event type {type}", { type: event.type });
      }
    }
  }

  #identifier(ctx: Context<void>, uri: string): string | null {
    const parsed = ctx.parseUri(new URL(uri));
    return parsed?.type === "actor" ? parsed.identifier : null;
  }

  async #username(accountId: string, statuses: string[]): Promise<string | null> {
    const row = await this.#deps.db.db
      .selectFrom("accounts")
      .select(["username", "status"])
      .where("id", "=", accountId)
      .executeTakeFirst();
    return row && statuses.includes(row.status as string) ? row.username : null;
  }
}
