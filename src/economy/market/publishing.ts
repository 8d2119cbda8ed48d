/**
 * Who may publish where. A member publishes as themself; as the co-op (its
 * Organization actor, /users/coop) only a member with a role in the assembly
 * (admin or moderator there) speaks for it. An offer may be published to a
 * federation of co-ops this node knows: one hosted here, or one our co-op
 * belongs to elsewhere (an active affiliation). A federation's catalogue is
 * kept by its moderators (groups/standing.ts canModerate).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { assembly, findGroupById, type Group } from "../../groups/groups.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { coopUri, groupUri, memberUri } from "../../kernel/uris.ts";
import type { MarketActor } from "./context.ts";

type Ctx = { db: Kysely<Schema>; origin: string };

/** A federation of co-ops the marketplace can publish to. */
export interface Federation {
  uri: string;
  /** The group's name here, or its handle elsewhere. */
  name: string;
  /** The group hosted here (its catalogue is kept here), else null. */
  groupId: string | null;
}

async function activeMember(db: Kysely<Schema>, accountId: string) {
  const row = await db
    .selectFrom("accounts")
    .select(["id", "username", "status", "role"])
    .where("id", "=", accountId)
    .executeTakeFirst();
  return row?.status === "active" ? row : undefined;
}

/** Is the actor an active member of this node (anyone who may publish as themself)? */
export async function isActiveMember(ctx: Ctx, actor: MarketActor): Promise<boolean> {
  const row = await activeMember(ctx.db, actor.accountId);
  return !!row && memberUri(ctx.origin, row.username) === actor.uri;
}

/** May the actor speak for the co-op (admin or moderator of the assembly)? */
export async function speaksForCoop(ctx: Ctx, actor: MarketActor): Promise<boolean> {
  const row = await activeMember(ctx.db, actor.accountId);
  if (!row || memberUri(ctx.origin, row.username) !== actor.uri) return false;
  const standing = await standingOf(ctx.db, ctx.origin, await assembly(ctx.db), row);
  return standing.status === "active" && canModerate(standing.role);
}

/** The agent a proposal is published as. */
export const agentOf = (origin: string, actor: MarketActor, asCoop: boolean) =>
  asCoop
    ? { uri: coopUri(origin), kind: "coop" as const }
    : { uri: actor.uri, kind: "person" as const };

/** The federations of co-ops known here, hosted here first. */
export async function federationsHere(ctx: Ctx): Promise<Federation[]> {
  const hosted = await ctx.db
    .selectFrom("groups")
    .select(["id", "name", "display_name"])
    .where("kind", "=", "federation")
    .orderBy("name")
    .limit(200)
    .execute();
  const elsewhere = await ctx.db
    .selectFrom("coop_affiliations")
    .innerJoin("remote_actors", "remote_actors.id", "coop_affiliations.group_remote_id")
    .select(["coop_affiliations.group_uri", "remote_actors.handle", "remote_actors.name"])
    .where("coop_affiliations.status", "=", "active")
    .orderBy("coop_affiliations.group_uri")
    .limit(200)
    .execute();
  return [
    ...hosted.map((g) => ({
      uri: groupUri(ctx.origin, g.name),
      name: g.display_name || g.name,
      groupId: g.id,
    })),
    ...elsewhere.map((a) => ({ uri: a.group_uri, name: a.name || a.handle, groupId: null })),
  ];
}

export async function federationByUri(ctx: Ctx, uri: string): Promise<Federation | undefined> {
  return (await federationsHere(ctx)).find((f) => f.uri === uri);
}

/** Does the actor moderate this federation hosted here (keeps its catalogue)? */
export async function keepsCatalogue(ctx: Ctx, groupId: string, actor: MarketActor) {
  const group: Group | undefined = await findGroupById(ctx.db, groupId);
  const row = group && (await activeMember(ctx.db, actor.accountId));
  if (!group || !row || memberUri(ctx.origin, row.username) !== actor.uri) return false;
  const standing = await standingOf(ctx.db, ctx.origin, group, row);
  return standing.status === "active" && canModerate(standing.role);
}

/** Node moderators and admins moderate every proposal shown here. */
export async function moderatesMarket(ctx: Ctx, actor: MarketActor): Promise<boolean> {
  const row = await activeMember(ctx.db, actor.accountId);
  return (
    !!row &&
    memberUri(ctx.origin, row.username) === actor.uri &&
    (row.role === "admin" || row.role === "moderator")
  );
}
