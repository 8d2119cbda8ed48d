/**
 * A group's indicators (issue 21): a co-op's assembly or working group, or a
 * federation of co-ops, defines what it watches — name, unit, frequency,
 * direction, Beer's capability and potentiality where they fit, whether raw
 * values travel to its federations — and how sensitive the detector is. Its
 * moderators and admins define them; every active member of the group may see
 * and report. The detector's state starts here, empty, as a snapshot.
 */
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import type { IndicatorsTable } from "../../db/schema/indicators.ts";
import type { Schema } from "../../db/schema.ts";
import type { Group } from "../../groups/groups.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { CyberstrideDetector } from "../indicators/detector.ts";
import { coopHasAccountIn } from "./computed-reads.ts";
import { isoNow, type OpsMember, type OpsroomContext } from "./context.ts";

export type Indicator = Selectable<IndicatorsTable>;

/** A group watches at most this many indicators (the bench runs 10,000 in one). */
export const MAX_INDICATORS_PER_GROUP = 20_000;

const finiteOrNull = z
  .number()
  .finite()
  .min(0)
  .max(1e15)
  .nullable()
  .optional()
  .transform((v) => v ?? null);

export const COMPUTED_SOURCES = ["stock", "deliveries", "balance"] as const;

const reference = z
  .string()
  .trim()
  .max(2048)
  .regex(/^(https?:\/\/\S+|urn:[a-z0-9][a-z0-9-]{0,31}:\S+)$/i);

/** What a computed indicator reads: its source and, where it needs one, a reference. */
export const computedSchema = z
  .object({ from: z.enum(COMPUTED_SOURCES), ref: reference.nullable().default(null) })
  .strict()
  .refine((c) => c.from === "deliveries" || c.ref !== null, { message: "needs a reference" });

export const indicatorInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    unit: z.string().trim().max(20).default(""),
    frequency: z.enum(["daily", "weekly", "monthly"]),
    direction: z.enum(["up", "down"]),
    capability: finiteOrNull,
    potentiality: finiteOrNull,
    shareValues: z.boolean().default(false),
    /** Tuning (docs/economy-engines.md "Tuning"): the alarm probability and the warm-up length. */
    threshold: z.number().min(0.05).max(0.95).default(0.5),
    warmup: z.number().int().min(3).max(100).default(20),
    /** Computed from the marketplace (computed.ts) instead of reported; null: reported. */
    computed: computedSchema.nullable().default(null),
  })
  .strict();
export type IndicatorInput = z.input<typeof indicatorInputSchema>;

export type IndicatorProblem = "forbidden" | "invalid" | "name-taken" | "too-many";

/** May this member see the group's opsroom (an active member; the assembly: every member)? */
export async function canViewOpsroom(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  member: OpsMember | null | undefined,
): Promise<boolean> {
  if (!member) return false;
  return (await standingOf(db, origin, group, member)).status === "active";
}

/** May this member define indicators and act on alarms (the group's moderators and admins)? */
export async function canManageOpsroom(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  member: OpsMember | null | undefined,
): Promise<boolean> {
  if (!member) return false;
  const standing = await standingOf(db, origin, group, member);
  return standing.status === "active" && canModerate(standing.role);
}

export async function defineIndicator(
  ctx: OpsroomContext,
  by: OpsMember,
  group: Group,
  input: IndicatorInput,
): Promise<Result<{ id: string }, IndicatorProblem>> {
  const parsed = indicatorInputSchema.safeParse(input);
  if (!parsed.success) return fail("invalid");
  const v = parsed.data;
  const detector = new CyberstrideDetector({ threshold: v.threshold, warmup: v.warmup });
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await canManageOpsroom(trx, ctx.origin, group, by))) return fail("forbidden");
    const count = await trx
      .selectFrom("indicators")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("group_id", "=", group.id)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_INDICATORS_PER_GROUP) return fail("too-many");
    const taken = await trx
      .selectFrom("indicators")
      .select("id")
      .where("group_id", "=", group.id)
      .where("name", "=", v.name)
      .executeTakeFirst();
    if (taken) return fail("name-taken");
    // A balance is read from a ledger here where this co-op has an account.
    if (
      v.computed?.from === "balance" &&
      !(await coopHasAccountIn(trx, ctx.origin, v.computed.ref ?? ""))
    )
      return fail("invalid");
    const id = newId();
    const now = isoNow(ctx);
    await trx
      .insertInto("indicators")
      .values({
        id,
        group_id: group.id,
        name: v.name,
        unit: v.unit,
        frequency: v.frequency,
        direction: v.direction,
        capability: v.capability,
        potentiality: v.potentiality,
        share_values: v.shareValues ? 1 : 0,
        detector: JSON.stringify(detector.snapshot()),
        status: "normal",
        last_period: null,
        last_value: null,
        last_reported_at: null,
        values_count: 0,
        computed_from: v.computed?.from ?? null,
        computed_ref: v.computed?.ref ?? null,
        created_by: by.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return ok({ id });
  });
}

export function findIndicator(db: Kysely<Schema>, id: string): Promise<Indicator | undefined> {
  return db.selectFrom("indicators").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A group's indicators by name (the board). */
export function indicatorsOf(db: Kysely<Schema>, groupId: string): Promise<Indicator[]> {
  return db
    .selectFrom("indicators")
    .selectAll()
    .where("group_id", "=", groupId)
    .orderBy("name")
    .limit(MAX_INDICATORS_PER_GROUP)
    .execute();
}

/** The detector's tuning of an indicator, read from its snapshot. */
export function tuningOf(indicator: Pick<Indicator, "detector">): {
  threshold: number;
  warmup: number;
} {
  const p = (
    JSON.parse(indicator.detector) as { parameters: { threshold: number; warmup: number } }
  ).parameters;
  return { threshold: p.threshold, warmup: p.warmup };
}
