/**
 * A group's opsroom settings: how long an alarm may wait for an
 * acknowledgement and for a resolution before it escalates, and, for a
 * federation hosted here, the federation above it. Where an alarm goes next
 * (`escalationTargets`): the federation above when one is set, else — for a
 * co-op's own groups — every federation the co-op belongs to; a federation
 * without one above is the top.
 */
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import type { IndicatorGroupSettingsTable } from "../../db/schema/indicators.ts";
import type { Schema } from "../../db/schema.ts";
import type { Group } from "../../groups/groups.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { coopUri, groupUri } from "../../kernel/uris.ts";
import { isoNow, type OpsMember, type OpsroomContext } from "./context.ts";
import { canManageOpsroom } from "./indicators.ts";

export type GroupSettings = Omit<Selectable<IndicatorGroupSettingsTable>, "updated_at">;

export const DEFAULT_ACK_HOURS = 24;
export const DEFAULT_RESOLVE_HOURS = 72;

export const settingsInputSchema = z
  .object({
    ackHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90),
    resolveHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365),
    parentUri: z.string().url().max(2000).nullable(),
  })
  .strict()
  .refine((s) => s.resolveHours >= s.ackHours, { path: ["resolveHours"] });

export async function settingsOf(db: Kysely<Schema>, groupId: string): Promise<GroupSettings> {
  const row = await db
    .selectFrom("indicator_group_settings")
    .select(["group_id", "ack_hours", "resolve_hours", "parent_uri"])
    .where("group_id", "=", groupId)
    .executeTakeFirst();
  return (
    row ?? {
      group_id: groupId,
      ack_hours: DEFAULT_ACK_HOURS,
      resolve_hours: DEFAULT_RESOLVE_HOURS,
      parent_uri: null,
    }
  );
}

/** The federations this co-op belongs to: elsewhere (accepted) and here (its co-op a member). */
export async function coopFederations(db: Kysely<Schema>, origin: string): Promise<string[]> {
  const remote = await db
    .selectFrom("coop_affiliations")
    .select("group_uri")
    .where("status", "=", "active")
    .limit(100)
    .execute();
  const local = await db
    .selectFrom("group_members as m")
    .innerJoin("groups as g", "g.id", "m.group_id")
    .select("g.name")
    .where("m.actor_uri", "=", coopUri(origin))
    .where("m.status", "=", "active")
    .where("g.kind", "=", "federation")
    .limit(100)
    .execute();
  return [...remote.map((r) => r.group_uri), ...local.map((g) => groupUri(origin, g.name))].sort();
}

export async function escalationTargets(
  db: Kysely<Schema>,
  origin: string,
  group: Pick<Group, "id" | "kind" | "name">,
): Promise<string[]> {
  const settings = await settingsOf(db, group.id);
  const own = groupUri(origin, group.name);
  const federations = (await coopFederations(db, origin)).filter((u) => u !== own);
  if (settings.parent_uri)
    return federations.includes(settings.parent_uri) ? [settings.parent_uri] : [];
  return group.kind === "federation" ? [] : federations;
}

export type SettingsProblem = "forbidden" | "invalid" | "not-a-federation-of-ours";

export async function changeSettings(
  ctx: OpsroomContext,
  by: OpsMember,
  group: Group,
  input: z.input<typeof settingsInputSchema>,
): Promise<Result<null, SettingsProblem>> {
  const parsed = settingsInputSchema.safeParse(input);
  if (!parsed.success) return fail("invalid");
  const v = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await canManageOpsroom(trx, ctx.origin, group, by))) return fail("forbidden");
    if (v.parentUri !== null) {
      const ours = await coopFederations(trx, ctx.origin);
      if (!ours.includes(v.parentUri) || v.parentUri === groupUri(ctx.origin, group.name))
        return fail("not-a-federation-of-ours");
    }
    const row = {
      ack_hours: v.ackHours,
      resolve_hours: v.resolveHours,
      parent_uri: v.parentUri,
      updated_at: isoNow(ctx),
    };
    await trx
      .insertInto("indicator_group_settings")
      .values({ group_id: group.id, ...row })
      .onConflict((oc) => oc.column("group_id").doUpdateSet(row))
      .execute();
    return ok(null);
  });
}
