/**
 * The opsroom's reads, each in a fixed number of queries: a group's board (its
 * indicators, late or not, with their waiting alarms), and a federation's
 * board (every member co-op's state at a glance from the states they sent,
 * one co-op's indicators to drill down, the escalations waiting and gone on).
 */
import { type Kysely, sql } from "kysely";
import type { IndicatorStatus } from "../../db/schema/indicators.ts";
import type { Schema } from "../../db/schema.ts";
import type { Escalation } from "./alarms.ts";
import { isLate } from "./beer.ts";
import { type Indicator, indicatorsOf } from "./indicators.ts";

export interface BoardRow {
  indicator: Indicator;
  late: boolean;
  waiting: number;
}

export async function groupBoard(
  db: Kysely<Schema>,
  groupId: string,
  now: Date,
): Promise<BoardRow[]> {
  const indicators = await indicatorsOf(db, groupId);
  const counts = await db
    .selectFrom("indicator_alarms")
    .select(["indicator_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("group_id", "=", groupId)
    .where("state", "in", ["open", "acknowledged"])
    .groupBy("indicator_id")
    .execute();
  const waiting = new Map(counts.map((c) => [c.indicator_id, Number(c.n)]));
  return indicators.map((indicator) => ({
    indicator,
    late: isLate(indicator.frequency, indicator.last_period, indicator.created_at, now),
    waiting: waiting.get(indicator.id) ?? 0,
  }));
}

export interface MemberRow {
  coopUri: string;
  /** The co-op's display name where we know its actor, else its URI. */
  name: string;
  status: IndicatorStatus;
  indicators: number;
  alert: number;
  crisis: number;
  updatedAt: string;
}

/** One row per member co-op: the worst state of its indicators and how many are in each. */
export async function federationBoard(db: Kysely<Schema>, groupId: string): Promise<MemberRow[]> {
  const rows = await db
    .selectFrom("indicator_member_states as s")
    .leftJoin("remote_actors as a", "a.uri", "s.coop_uri")
    .select([
      "s.coop_uri",
      sql<string>`max(coalesce(a.name, ''))`.as("name"),
      (eb) => eb.fn.countAll<number>().as("indicators"),
      sql<number>`sum(case when s.status = 'alert' then 1 else 0 end)`.as("alert"),
      sql<number>`sum(case when s.status = 'crisis' then 1 else 0 end)`.as("crisis"),
      sql<string>`max(s.updated_at)`.as("updated_at"),
    ])
    .where("s.group_id", "=", groupId)
    .groupBy("s.coop_uri")
    .orderBy("s.coop_uri")
    .limit(5000)
    .execute();
  return rows.map((r) => {
    const alert = Number(r.alert);
    const crisis = Number(r.crisis);
    return {
      coopUri: r.coop_uri,
      name: r.name || r.coop_uri,
      status: crisis > 0 ? "crisis" : alert > 0 ? "alert" : "normal",
      indicators: Number(r.indicators),
      alert,
      crisis,
      updatedAt: r.updated_at,
    };
  });
}

/** One member co-op's indicators as it sent them. */
export function memberIndicators(db: Kysely<Schema>, groupId: string, coopUri: string) {
  return db
    .selectFrom("indicator_member_states")
    .selectAll()
    .where("group_id", "=", groupId)
    .where("coop_uri", "=", coopUri)
    .orderBy("name")
    .limit(1000)
    .execute();
}

/** Escalations held by a federation here: the waiting ones first, then the latest closed. */
export async function escalationsOf(
  db: Kysely<Schema>,
  groupId: string,
  limit = 200,
): Promise<Escalation[]> {
  return db
    .selectFrom("indicator_escalations")
    .selectAll()
    .where("group_id", "=", groupId)
    .orderBy(sql`case when state in ('open', 'acknowledged') then 0 else 1 end`)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** Something on the board changed since `since` (the wall's server-sent events poll this). */
export async function boardVersion(db: Kysely<Schema>, groupId: string): Promise<string> {
  const [a, b, c, d] = await Promise.all([
    db
      .selectFrom("indicators")
      .select(sql<string>`max(updated_at)`.as("v"))
      .where("group_id", "=", groupId)
      .executeTakeFirst(),
    db
      .selectFrom("indicator_alarms")
      .select(sql<string>`max(updated_at)`.as("v"))
      .where("group_id", "=", groupId)
      .executeTakeFirst(),
    db
      .selectFrom("indicator_escalations")
      .select(sql<string>`max(updated_at)`.as("v"))
      .where("group_id", "=", groupId)
      .executeTakeFirst(),
    db
      .selectFrom("indicator_member_states")
      .select(sql<string>`max(updated_at)`.as("v"))
      .where("group_id", "=", groupId)
      .executeTakeFirst(),
  ]);
  return [a?.v, b?.v, c?.v, d?.v].map((v) => v ?? "").join("|");
}
