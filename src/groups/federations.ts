/**
 * Federations of co-ops. On the node hosting a federation, a member co-op is an
 * Organization actor following the Group; it names delegates by sending
 * Add{actor: co-op, object: delegate Person, target: the Group} (Remove to take
 * one back). On the co-op's own node, its admins (acting for the assembly) join
 * a federation — the Organization /users/coop follows the Group — and name
 * delegates among their members; both are outbox events. See docs/groups.md.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";
import type { Group } from "./groups.ts";
import { membershipOf } from "./memberships.ts";
import { coopUri, personUri } from "./uris.ts";
import type { VotingGroup } from "./voting.ts";

/** A member co-op names or drops a delegate (inbox, or this node's co-op in a local federation). */
export async function receiveDelegate(
  db: Kysely<Schema>,
  group: Group,
  input: { coopUri: string; delegateUri: string; add: boolean },
): Promise<"ok" | "not-a-member-coop" | "not-its-member"> {
  if (group.kind !== "federation") return "not-a-member-coop";
  const row = await membershipOf(db, group.id, input.coopUri);
  if (row?.actor_kind !== "coop" || row.status !== "active") return "not-a-member-coop";
  // A delegate speaks for their own co-op: they live on the co-op's node.
  if (new URL(input.delegateUri).origin !== new URL(input.coopUri).origin) return "not-its-member";
  if (input.add)
    await db
      .insertInto("group_delegates")
      .values({
        group_id: group.id,
        coop_uri: input.coopUri,
        delegate_uri: input.delegateUri,
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.columns(["group_id", "coop_uri", "delegate_uri"]).doNothing())
      .execute();
  else
    await db
      .deleteFrom("group_delegates")
      .where("group_id", "=", group.id)
      .where("coop_uri", "=", input.coopUri)
      .where("delegate_uri", "=", input.delegateUri)
      .execute();
  return "ok";
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

/** This co-op joins a local federation directly (no activity: it is the same node). */
export async function joinWithOurCoop(db: Kysely<Schema>, origin: string, group: Group) {
  if (group.kind !== "federation") return false;
  const uri = coopUri(origin);
  if (await membershipOf(db, group.id, uri)) return false;
  const at = new Date().toISOString();
  await db
    .insertInto("group_members")
    .values({
      id: newId(),
      group_id: group.id,
      actor_uri: uri,
      account_id: null,
      remote_id: null,
      actor_kind: "coop",
      role: "member",
      status: "active",
      follow_activity_uri: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return true;
}

/** The co-op asks to join a federation on another node (its Organization follows the Group). */
export async function joinFederation(
  db: Kysely<Schema>,
  origin: string,
  group: { uri: string; remoteId: string },
): Promise<{ ok: true; value: string } | { ok: false; reason: "already" }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("coop_affiliations")
      .select("id")
      .where("group_uri", "=", group.uri)
      .executeTakeFirst();
    if (existing) return { ok: false, reason: "already" } as const;
    const id = newId();
    await trx
      .insertInto("coop_affiliations")
      .values({
        id,
        group_uri: group.uri,
        group_remote_id: group.remoteId,
        status: "pending",
        follow_activity_uri: `${origin}/groups/affiliations/${id}`,
        created_at: new Date().toISOString(),
      })
      .execute();
    await recordEvent(trx, { type: "groups.coop.followed", payload: { affiliationId: id } });
    return { ok: true, value: id } as const;
  });
}

/** The co-op leaves a federation elsewhere (Undo of its Follow); its delegates go with it. */
export async function leaveFederation(db: Kysely<Schema>, affiliationId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const aff = await trx
      .selectFrom("coop_affiliations")
      .selectAll()
      .where("id", "=", affiliationId)
      .executeTakeFirst();
    if (!aff) return false;
    await trx.deleteFrom("coop_delegates").where("affiliation_id", "=", aff.id).execute();
    await trx.deleteFrom("coop_affiliations").where("id", "=", aff.id).execute();
    await recordEvent(trx, {
      type: "groups.coop.unfollowed",
      payload: {
        groupRemoteId: aff.group_remote_id,
        followActivityUri: aff.follow_activity_uri,
      },
    });
    return true;
  });
}

/** The federation accepted (or rejected) the co-op's Follow. */
export async function answerAffiliation(
  db: Kysely<Schema>,
  groupUri: string,
  accepted: boolean,
): Promise<boolean> {
  if (accepted) {
    const r = await db
      .updateTable("coop_affiliations")
      .set({ status: "active" })
      .where("group_uri", "=", groupUri)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  const r = await db
    .deleteFrom("coop_affiliations")
    .where("group_uri", "=", groupUri)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * The co-op's admins name delegates among its members (replacing the list);
 * each change goes to the federation as Add / Remove.
 */
export async function setDelegates(
  db: Kysely<Schema>,
  affiliationId: string,
  accountIds: string[],
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const aff = await trx
      .selectFrom("coop_affiliations")
      .select("id")
      .where("id", "=", affiliationId)
      .executeTakeFirst();
    if (!aff) return false;
    const valid = accountIds.length
      ? await trx
          .selectFrom("accounts")
          .select("id")
          .where("id", "in", accountIds)
          .where("status", "=", "active")
          .execute()
      : [];
    const wanted = new Set(valid.map((a) => a.id));
    const current = await trx
      .selectFrom("coop_delegates")
      .select("account_id")
      .where("affiliation_id", "=", affiliationId)
      .execute();
    const had = new Set(current.map((c) => c.account_id));
    for (const id of wanted)
      if (!had.has(id)) {
        await trx
          .insertInto("coop_delegates")
          .values({
            affiliation_id: affiliationId,
            account_id: id,
            created_at: new Date().toISOString(),
          })
          .execute();
        await recordEvent(trx, {
          type: "groups.delegate.added",
          payload: { affiliationId, accountId: id },
        });
      }
    for (const id of had)
      if (!wanted.has(id)) {
        await trx
          .deleteFrom("coop_delegates")
          .where("affiliation_id", "=", affiliationId)
          .where("account_id", "=", id)
          .execute();
        await recordEvent(trx, {
          type: "groups.delegate.removed",
          payload: { affiliationId, accountId: id },
        });
      }
    return true;
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
  db: Kysely<Schema>,
  origin: string,
  group: Group,
): Promise<VotingGroup> {
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
