/**
 * The core's outbox events turned into activities: the accounts area's (a
 * member's Person changed or went) and follows' (federation/follows.ts). Plugged
 * into the relay like any area's (extensions.ts), first in the list. Activity ids
 * derive from the event id (or the follow's own id for a Follow), so a re-relayed
 * event is dropped by receivers as a repeat.
 */
import type { Context } from "@fedify/fedify";
import { Accept, Delete, Follow, PUBLIC_COLLECTION, Reject, Undo, Update } from "@fedify/vocab";
import { accountsEvents } from "../accounts/events.ts";
import type { OutboxEventRow } from "../db/outbox.ts";
import { memberActor } from "./actors.ts";
import { recipientOf, sendToInboxes } from "./audience.ts";
import type { FederationDeps } from "./deps.ts";
import { followEvents } from "./events.ts";
import { type AreaExtension, areaExtension, type EventHandlers } from "./extensions.ts";
import { findRemoteActor } from "./remote-actors.ts";

const events = { ...accountsEvents, ...followEvents };

const activityId = (deps: FederationDeps, event: OutboxEventRow) =>
  new URL(`/activities/${event.id}`, deps.config.origin);

function identifierOf(ctx: Context<void>, uri: string): string | null {
  const parsed = ctx.parseUri(new URL(uri));
  return parsed?.type === "actor" ? parsed.identifier : null;
}

async function usernameOf(
  deps: FederationDeps,
  accountId: string,
  statuses: string[],
): Promise<string | null> {
  const row = await deps.db.db
    .selectFrom("accounts")
    .select(["username", "status"])
    .where("id", "=", accountId)
    .executeTakeFirst();
  return row && statuses.includes(row.status as string) ? row.username : null;
}

const handlers: EventHandlers<typeof events> = {
  async "accounts.account.updated"(ctx, deps, event, { accountId }) {
    deps.invalidate();
    const username = await usernameOf(deps, accountId, ["active"]);
    if (!username) return;
    const actor = await memberActor(ctx, deps, username);
    if (!actor) return;
    const update = new Update({
      id: activityId(deps, event),
      actor: ctx.getActorUri(username),
      object: actor,
      to: PUBLIC_COLLECTION,
      ccs: [ctx.getFollowersUri(username)],
    });
    await ctx.sendActivity({ identifier: username }, "followers", update, {
      preferSharedInbox: true,
    });
  },

  async "accounts.account.deleted"(ctx, deps, event, { accountId }) {
    const { db } = deps.db;
    deps.invalidate();
    const username = await usernameOf(deps, accountId, ["deleted"]);
    if (!username) return;
    const del = new Delete({
      id: activityId(deps, event),
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
      deps,
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
  },

  async "federation.follow.requested"(ctx, deps, _event, { followId }) {
    const { db } = deps.db;
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
  },

  async "federation.follow.undone"(ctx, deps, event, p) {
    const username = await usernameOf(deps, p.followerAccountId, ["active", "deleted"]);
    const followee = await findRemoteActor(deps.db.db, { id: p.followeeRemoteId });
    if (!username || !followee) return;
    const actor = ctx.getActorUri(username);
    const undo = new Undo({
      id: activityId(deps, event),
      actor,
      object: new Follow({ id: new URL(p.activityUri), actor, object: new URL(followee.uri) }),
    });
    await ctx.sendActivity({ identifier: username }, recipientOf(followee), undo);
  },

  async "federation.follow.accepted"(ctx, deps, event, { followId }) {
    const { db } = deps.db;
    const row = await db
      .selectFrom("follows")
      .selectAll()
      .where("id", "=", followId)
      .where("status", "=", "accepted")
      .executeTakeFirst();
    if (!row?.follower_remote_id) return;
    const follower = await findRemoteActor(db, { id: row.follower_remote_id });
    const identifier = identifierOf(ctx, row.followee_uri);
    if (!follower || !identifier) return;
    const accept = new Accept({
      id: activityId(deps, event),
      actor: new URL(row.followee_uri),
      object: new Follow({
        id: new URL(row.activity_uri),
        actor: new URL(row.follower_uri),
        object: new URL(row.followee_uri),
      }),
    });
    await ctx.sendActivity({ identifier }, recipientOf(follower), accept);
  },

  async "federation.follow.rejected"(ctx, deps, event, p) {
    const username = await usernameOf(deps, p.followeeAccountId, ["active"]);
    const follower = await findRemoteActor(deps.db.db, { id: p.followerRemoteId });
    if (!username || !follower) return;
    const actor = ctx.getActorUri(username);
    const reject = new Reject({
      id: activityId(deps, event),
      actor,
      object: new Follow({
        id: new URL(p.activityUri),
        actor: new URL(follower.uri),
        object: actor,
      }),
    });
    await ctx.sendActivity({ identifier: username }, recipientOf(follower), reject);
  },
};

/** The core's part: always first in the relay's list. */
export const coreExtension: AreaExtension = areaExtension({
  area: "core",
  events,
  eventHandlers: handlers,
});
