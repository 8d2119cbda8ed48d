/**
 * Who takes part in a federated process from another node (docs/budgeting.md,
 * "Federated budgeting", "Who vouches"). processes/eligibility.ts asks here for
 * what it cannot know itself:
 *
 * - on the hosting node, an actor elsewhere takes part in a process of a
 *   federation group when an active member co-op of the group lives on the
 *   actor's node. The hosting node never sees another co-op's roster: the
 *   co-op's node vouches for its own people, by relaying their ballots signed
 *   with the co-op's key (federation/budgeting/inbox.ts checks the signature,
 *   that the co-op is a member and that the ballot and voter are on its node);
 * - on a member co-op's node, in its copy of a process hosted elsewhere, our
 *   own active members take part when our co-op is an active member of the
 *   federation ("federation" eligibility), or when they follow the Group
 *   ("members" of a group elsewhere).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../../db/schema.ts";
import { memberPrefix } from "../../../kernel/uris.ts";

type Ctx = { db: Kysely<Schema>; origin: string };
type ProcessRef = {
  local: number;
  group_id: string | null;
  group_uri: string;
  eligibility: string;
};

const originOf = (uri: string) => (URL.canParse(uri) ? new URL(uri).origin : null);

/** May `actorUri`, an actor elsewhere or a member here voting in a copy, take part? */
export async function takesPartAcrossNodes(
  ctx: Ctx,
  process: ProcessRef,
  actorUri: string,
): Promise<boolean> {
  return process.local === 1
    ? vouchedByMemberCoop(ctx, process, actorUri)
    : ourMemberInCopy(ctx, process, actorUri);
}

/** Hosting node: is there an active member co-op of the federation on the actor's node? */
export async function vouchedByMemberCoop(
  ctx: Ctx,
  process: ProcessRef,
  actorUri: string,
): Promise<boolean> {
  if (process.eligibility !== "federation" || !process.group_id) return false;
  const origin = originOf(actorUri);
  if (!origin || origin === "null" || origin === new URL(ctx.origin).origin) return false;
  return (await memberCoopOn(ctx.db, process.group_id, origin)) !== null;
}

/** The active member co-op of a group hosted here that lives on `origin`, if any. */
export async function memberCoopOn(
  db: Kysely<Schema>,
  groupId: string,
  origin: string,
): Promise<string | null> {
  const coops = await db
    .selectFrom("group_members")
    .select("actor_uri")
    .where("group_id", "=", groupId)
    .where("actor_kind", "=", "coop")
    .where("status", "=", "active")
    .execute();
  return coops.find((c) => originOf(c.actor_uri) === origin)?.actor_uri ?? null;
}

/** Member co-op's node: is the actor an active member here who may vote in the copy? */
async function ourMemberInCopy(ctx: Ctx, process: ProcessRef, actorUri: string) {
  const prefix = memberPrefix(ctx.origin);
  if (!actorUri.startsWith(prefix)) return false;
  const account = await ctx.db
    .selectFrom("accounts")
    .select(["id", "status"])
    .where("username", "=", actorUri.slice(prefix.length))
    .executeTakeFirst();
  if (account?.status !== "active") return false;
  if (process.eligibility === "federation") {
    const affiliation = await ctx.db
      .selectFrom("coop_affiliations")
      .select("id")
      .where("group_uri", "=", process.group_uri)
      .where("status", "=", "active")
      .executeTakeFirst();
    return !!affiliation;
  }
  const follow = await ctx.db
    .selectFrom("follows")
    .select("id")
    .where("follower_account_id", "=", account.id)
    .where("followee_uri", "=", process.group_uri)
    .where("status", "=", "accepted")
    .executeTakeFirst();
  return !!follow;
}
