/**
 * A federation's shared catalogue of resource specifications (vf:ResourceSpecification):
 * goods and services with an OM2 unit, a category and images. Members of the
 * federation's member co-ops (here: this node's members when our co-op is an
 * active member, or the federation's own members) propose additions; the
 * federation's moderators accept or reject them with a public note. An entry a
 * moderator adds is accepted at once. Only catalogues of federations hosted
 * here are kept here (copies of others' arrive by federation: local = 0).
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { recordEvent } from "../../db/outbox.ts";
import type { Schema } from "../../db/schema.ts";
import { findGroupById } from "../../groups/groups.ts";
import { membershipOf } from "../../groups/standing.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri, econSpecUri, groupUri } from "../../kernel/uris.ts";
import type { MarketActor, MarketContext } from "./context.ts";
import { forUpdate } from "./locking.ts";
import { isActiveMember, keepsCatalogue } from "./publishing.ts";
import type { Spec } from "./reads.ts";
import { categorySchema, MAX_IMAGES } from "./rules.ts";
import { UNIT_IDS } from "./units.ts";

/** Entries in one catalogue at most, and proposals waiting from one member. */
export const MAX_SPECS = 5000;
export const MAX_WAITING_EACH = 20;

export const specSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  note: z.string().trim().max(2000).default(""),
  unit: z.enum(UNIT_IDS),
  category: categorySchema,
  images: z
    .array(
      z.strictObject({
        mediaId: z.string().min(1).max(64),
        alt: z.string().trim().max(1500).default(""),
      }),
    )
    .max(MAX_IMAGES)
    .default([]),
});

export type SpecProblem = "invalid" | "not-found" | "forbidden" | "duplicate" | "too-many";

/** May this member propose to the catalogue: a member of a member co-op, or of the federation? */
async function proposesTo(
  trx: Kysely<Schema>,
  ctx: MarketContext,
  groupId: string,
  actor: MarketActor,
) {
  if (!(await isActiveMember({ db: trx, origin: ctx.origin }, actor))) return false;
  const ours = await membershipOf(trx, groupId, coopUri(ctx.origin));
  if (ours?.status === "active") return true;
  const own = await membershipOf(trx, groupId, actor.uri);
  return own?.status === "active";
}

/** A member proposes an entry to a federation's catalogue (a moderator's is accepted at once). */
export async function proposeSpec(
  ctx: MarketContext,
  actor: MarketActor,
  input: { groupId: string; spec: unknown },
): Promise<Result<{ id: string; status: Spec["status"] }, SpecProblem>> {
  const parsed = specSchema.safeParse(input.spec);
  if (!parsed.success) return fail("invalid");
  const s = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const group = await findGroupById(trx, input.groupId);
    if (group?.kind !== "federation") return fail("not-found" as const);
    const c = { db: trx, origin: ctx.origin };
    const keeper = await keepsCatalogue(c, group.id, actor);
    if (!keeper && !(await proposesTo(trx, ctx, group.id, actor)))
      return fail("forbidden" as const);
    const uri = groupUri(ctx.origin, group.name);
    const same = await trx
      .selectFrom("econ_specs")
      .select("id")
      .where("group_uri", "=", uri)
      .where("status", "!=", "rejected")
      .where((eb) => eb(eb.fn("lower", ["name"]), "=", s.name.toLowerCase()))
      .where("unit", "=", s.unit)
      .executeTakeFirst();
    if (same) return fail("duplicate" as const);
    const counts = await trx
      .selectFrom("econ_specs")
      .select((eb) => [
        eb.fn.countAll<number>().as("all"),
        eb.fn
          .count<number>("id")
          .filterWhere("proposed_by_uri", "=", actor.uri)
          .filterWhere("status", "=", "proposed")
          .as("waiting"),
      ])
      .where("group_uri", "=", uri)
      .executeTakeFirstOrThrow();
    if (Number(counts.all) >= MAX_SPECS || Number(counts.waiting) >= MAX_WAITING_EACH)
      return fail("too-many" as const);
    if (s.images.length) {
      const ids = [...new Set(s.images.map((i) => i.mediaId))];
      const owned = await trx
        .selectFrom("uploads")
        .select("id")
        .where("id", "in", ids)
        .where("owner_id", "=", actor.accountId)
        .execute();
      if (owned.length !== s.images.length) return fail("invalid" as const);
    }
    const id = newId();
    const at = ctx.clock.now().toISOString();
    const status = keeper ? ("accepted" as const) : ("proposed" as const);
    await trx
      .insertInto("econ_specs")
      .values({
        id,
        uri: econSpecUri(ctx.origin, id),
        local: 1,
        group_uri: uri,
        name: s.name,
        note: s.note,
        unit: s.unit,
        category: s.category,
        images: JSON.stringify(s.images),
        status,
        proposed_by_uri: actor.uri,
        decided_by_uri: keeper ? actor.uri : null,
        decision_note: "",
        created_at: at,
        updated_at: at,
      })
      .execute();
    await recordEvent(trx, { type: "economy.spec.updated", payload: { specId: id } });
    return ok({ id, status });
  });
}

export const decisionSchema = z.strictObject({
  accept: z.boolean(),
  note: z.string().trim().max(1000).default(""),
});

/** A moderator accepts or rejects a proposed entry, with a public note (required to reject). */
export async function decideSpec(
  ctx: MarketContext,
  actor: MarketActor,
  input: { specId: string; decision: unknown },
): Promise<Result<{ id: string }, "invalid" | "not-found" | "forbidden" | "wrong-status">> {
  const parsed = decisionSchema.safeParse(input.decision);
  if (!parsed.success || (!parsed.data.accept && !parsed.data.note)) return fail("invalid");
  const d = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const spec = await trx
      .selectFrom("econ_specs")
      .selectAll()
      .where("id", "=", input.specId)
      .$call(forUpdate(trx))
      .executeTakeFirst();
    if (!spec?.local) return fail("not-found" as const);
    const group = await trx
      .selectFrom("groups")
      .select("id")
      .where("kind", "=", "federation")
      .where("name", "=", spec.group_uri.slice(`${ctx.origin}/groups/`.length))
      .executeTakeFirst();
    if (!group || !(await keepsCatalogue({ db: trx, origin: ctx.origin }, group.id, actor)))
      return fail("forbidden" as const);
    if (spec.status !== "proposed") return fail("wrong-status" as const);
    await trx
      .updateTable("econ_specs")
      .set({
        status: d.accept ? "accepted" : "rejected",
        decided_by_uri: actor.uri,
        decision_note: d.note,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", spec.id)
      .execute();
    await recordEvent(trx, { type: "economy.spec.updated", payload: { specId: spec.id } });
    return ok({ id: spec.id });
  });
}

/** A catalogue's entries (accepted unless asked), by category and name. */
export function catalogueOf(
  ctx: { db: Kysely<Schema> },
  groupUri: string,
  options: { status?: Spec["status"]; category?: string } = {},
): Promise<Spec[]> {
  let q = ctx.db
    .selectFrom("econ_specs")
    .selectAll()
    .where("group_uri", "=", groupUri)
    .where("status", "=", options.status ?? "accepted");
  if (options.category) q = q.where("category", "=", options.category);
  return q.orderBy("category").orderBy("name").limit(1000).execute();
}

/** Accepted entries of every catalogue known here (the publish form's choices). */
export function acceptedSpecs(ctx: { db: Kysely<Schema> }): Promise<Spec[]> {
  return ctx.db
    .selectFrom("econ_specs")
    .selectAll()
    .where("status", "=", "accepted")
    .orderBy("category")
    .orderBy("name")
    .limit(1000)
    .execute();
}
