/**
 * Federations of co-ops. On the node hosting a federation, a member co-op is an
 * Organization actor following the Group; it names delegates by sending
 * Add{actor: co-op, object: delegate Person, target: the Group} (Remove to take
 * one back). On the co-op's own node, its admins (acting for the assembly) join
 * a federation — the Organization /users/coop follows the Group — and name
 * delegates among their members; both are outbox events. See docs/groups.md.
 * Who acts (a node admin, a member co-op) is checked inside the transaction.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { type GroupsContext, isoNow, type LocalMember, type RemoteActorRef } from "./context.ts";
import { type Group, isNodeAdmin, lockGroup } from "./groups.ts";
import { insertMember } from "./memberships.ts";
import { canModerate, membershipOf, standingOf } from "./standing.ts";
import { coopUri, personUri } from "./uris.ts";
import type { VotingGroup } from "./voting.ts";

/** At most this many delegates per co-op and federation (the form takes a list of names). */
export const MAX_DELEGATES = 100;

const sameOrigin = (a: string, b: string) =>
  URL.canParse(a) && URL.canParse(b) && new URL(a).origin === new URL(b).origin;

/**
 * A member co-op names or drops a delegate in a federation hosted here (from
 * the inbox, or this node's co-op in a local federation).
 */
export async function receiveDelegate(
  ctx: GroupsContext,
  coop: Pick<RemoteActorRef, "uri">,
  input: { group: Group; delegateUri: string; add: boolean },
): Promise<Result<null, "not-a-member-coop" | "not-its-member">> {
  if (input.group.kind !== "federation") return fail("not-a-member-coop");
  // A delegate speaks for their own co-op: they live on the co-op's node.
  if (!sameOrigin(input.delegateUri, coop.uri)) return fail("not-its-member");
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    const row = group && (await membershipOf(trx, group.id, coop.uri));
    if (row?.actor_kind !== "coop" || row.status !== "active") return fail("not-a-member-coop");
    if (input.add)
      await trx
        .insertInto("group_delegates")
        .values({
          group_id: row.group_id,
          coop_uri: coop.uri,
          delegate_uri: input.delegateUri,
          created_at: isoNow(ctx),
        })
        .onConflict((oc) => oc.columns(["group_id", "coop_uri", "delegate_uri"]).doNothing())
        .execute();
    else
      await trx
        .deleteFrom("group_delegates")
        .where("group_id", "=", row.group_id)
        .where("coop_uri", "=", coop.uri)
        .where("delegate_uri", "=", input.delegateUri)
        .execute();
    return ok(null);
  });
}

export async function delegatesOf(db: Kysely<Schema>, groupId: string) {
  return db
    .selectFrom("group_delegates")
    .select(["coop_uri", "delegate_uri"])
    .where("group_id", "=", groupId)
    .orderBy("coop_uri")
    .orderBy("delegate_uri")
    .execute();
}

export type OurCoopProblem = "forbidden" | "not-found" | "not-a-federation" | "already-member";

/**
 * This co-op joins a federation hosted here directly (no activity: it is the
 * same node). A node admin who moderates the federation decides.
 */
export async function joinWithOurCoop(
  ctx: GroupsContext,
  by: LocalMember,
  input: { group: Group },
): Promise<Result<{ id: string }, OurCoopProblem>> {
  if (input.group.kind !== "federation") return fail("not-a-federation");
  const uri = coopUri(ctx.origin);
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    if (!group) return fail("not-found");
    if (
      !(await isNodeAdmin(trx, by.id)) ||
      !canModerate((await standingOf(trx, ctx.origin, group, by)).role)
    )
      return fail("forbidden");
    if (await membershipOf(trx, group.id, uri)) return fail("already-member");
    const id = await insertMember(trx, isoNow(ctx), {
      group_id: group.id,
      actor_uri: uri,
      account_id: null,
      remote_id: null,
      actor_kind: "coop",
      role: "member",
      status: "active",
      follow_activity_uri: null,
    });
    return ok({ id });
  });
}

export type AffiliationProblem = "forbidden" | "not-found" | "already" | "invalid";

/**
 * A node admin has the co-op ask to join a federation on another node (its
 * Organization follows the Group). One affiliation per federation: a second ask
 * (even at the same moment) is "already".
 */
export async function joinFederation(
  ctx: GroupsContext,
  by: LocalMember,
  input: { groupUri: string; remoteId: string },
): Promise<Result<{ id: string }, AffiliationProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await isNodeAdmin(trx, by.id))) return fail("forbidden");
    const id = newId();
    // The unique group_uri decides between two asks at once; the loser inserts nothing.
    const inserted = await trx
      .insertInto("coop_affiliations")
      .values({
        id,
        group_uri: input.groupUri,
        group_remote_id: input.remoteId,
        status: "pending",
        follow_activity_uri: `${ctx.origin}/groups/affiliations/${id}`,
        created_at: isoNow(ctx),
      })
      .onConflict((oc) => oc.column("group_uri").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return fail("already");
    await recordEvent(trx, { type: "groups.coop.followed", payload: { affiliationId: id } });
    return ok({ id });
  });
}

/** A node admin has the co-op leave a federation elsewhere (Undo of its Follow); its delegates go with it. */
export async function leaveFederation(
  ctx: GroupsContext,
  by: LocalMember,
  input: { affiliationId: string },
): Promise<Result<null, AffiliationProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await isNodeAdmin(trx, by.id))) return fail("forbidden");
    const aff = await trx
      .selectFrom("coop_affiliations")
      .selectAll()
      .where("id", "=", input.affiliationId)
      .executeTakeFirst();
    if (!aff) return fail("not-found");
    await trx.deleteFrom("coop_delegates").where("affiliation_id", "=", aff.id).execute();
    const gone = await trx
      .deleteFrom("coop_affiliations")
      .where("id", "=", aff.id)
      .executeTakeFirst();
    // Two leaves at once: only the one that deleted the row sends the Undo.
    if (Number(gone.numDeletedRows) === 0) return fail("not-found");
    await recordEvent(trx, {
      type: "groups.coop.unfollowed",
      payload: {
        groupRemoteId: aff.group_remote_id,
        followActivityUri: aff.follow_activity_uri,
      },
    });
    return ok(null);
  });
}

/** The federation (the remote Group) accepted or rejected the co-op's Follow. */
export async function answerAffiliation(
  ctx: GroupsContext,
  group: Pick<RemoteActorRef, "uri">,
  input: { accepted: boolean },
): Promise<Result<null, "not-found">> {
  const r = input.accepted
    ? await ctx.db
        .updateTable("coop_affiliations")
        .set({ status: "active" })
        .where("group_uri", "=", group.uri)
        .executeTakeFirst()
    : await ctx.db
        .deleteFrom("coop_affiliations")
        .where("group_uri", "=", group.uri)
        .executeTakeFirst();
  const changed = "numUpdatedRows" in r ? r.numUpdatedRows : r.numDeletedRows;
  return Number(changed) > 0 ? ok(null) : fail("not-found");
}

/**
 * A node admin names the co-op's delegates to a federation among its active
 * members (replacing the list); each change goes to the federation as Add /
 * Remove. An id that is not an active member's refuses the whole list.
 */
export async function setDelegates(
  ctx: GroupsContext,
  by: LocalMember,
  input: { affiliationId: string; accountIds: readonly string[] },
): Promise<Result<{ added: number; removed: number }, AffiliationProblem>> {
  const wanted = new Set(input.accountIds);
  if (wanted.size > MAX_DELEGATES) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await isNodeAdmin(trx, by.id))) return fail("forbidden");
    const aff = await trx
      .selectFrom("coop_affiliations")
      .select("id")
      .where("id", "=", input.affiliationId)
      .executeTakeFirst();
    if (!aff) return fail("not-found");
    const valid = wanted.size
      ? await trx
          .selectFrom("accounts")
          .select("id")
          .where("id", "in", [...wanted])
          .where("status", "=", "active")
          .execute()
      : [];
    if (valid.length !== wanted.size) return fail("invalid");
    const current = await trx
      .selectFrom("coop_delegates")
      .select("account_id")
      .where("affiliation_id", "=", aff.id)
      .execute();
    const had = new Set(current.map((c) => c.account_id));
    const at = isoNow(ctx);
    let added = 0;
    let removed = 0;
    for (const id of wanted)
      if (!had.has(id)) {
        await trx
          .insertInto("coop_delegates")
          .values({ affiliation_id: aff.id, account_id: id, created_at: at })
          .execute();
        await recordEvent(trx, {
          type: "groups.delegate.added",
          payload: { affiliationId: aff.id, accountId: id },
        });
        added++;
      }
    for (const id of had)
      if (!wanted.has(id)) {
        await trx
          .deleteFrom("coop_delegates")
          .where("affiliation_id", "=", aff.id)
          .where("account_id", "=", id)
          .execute();
        await recordEvent(trx, {
          type: "groups.delegate.removed",
          payload: { affiliationId: aff.id, accountId: id },
        });
        removed++;
      }
    return ok({ added, removed });
  });
}

export async function listAffiliations(db: Kysely<Schema>) {
  return db
    .selectFrom("coop_affiliations")
    .innerJoin("remote_actors", "remote_actors.id", "coop_affiliations.group_remote_id")
    .select([
      "coop_affiliations.id",
      "coop_affiliations.group_uri",
      "coop_affiliations.status",
      "remote_actors.name",
      "remote_actors.handle",
    ])
    .orderBy("coop_affiliations.id")
    .execute();
}

/** Everything eligibleVoters needs, read from the database. */
export async function votingGroupOf(
  ctx: Pick<GroupsContext, "db" | "origin">,
  group: Group,
): Promise<VotingGroup> {
  const { db, origin } = ctx;
  const localMembers = async () =>
    (
      await db.selectFrom("accounts").select("username").where("status", "=", "active").execute()
    ).map((a) => personUri(origin, a.username));
  if (group.kind === "assembly") {
    const members = (await localMembers()).map((uri) => ({
      actorUri: uri,
      actorKind: "person" as const,
      status: "active" as const,
      role: "member" as const,
    }));
    return { kind: group.kind, votingMode: group.voting_mode, members };
  }
  const rows = await db
    .selectFrom("group_members")
    .select(["actor_uri", "actor_kind", "status", "role"])
    .where("group_id", "=", group.id)
    .execute();
  const delegates = await delegatesOf(db, group.id);
  const ours = coopUri(origin);
  const members = [];
  for (const r of rows)
    members.push({
      actorUri: r.actor_uri,
      actorKind: r.actor_kind,
      status: r.status,
      role: r.role,
      delegates: delegates.filter((d) => d.coop_uri === r.actor_uri).map((d) => d.delegate_uri),
      // Only this node's own members are known here; see docs/groups.md for remote co-ops.
      ...(r.actor_uri === ours ? { coopMembers: await localMembers() } : {}),
    });
  return { kind: group.kind, votingMode: group.voting_mode, members };
}
