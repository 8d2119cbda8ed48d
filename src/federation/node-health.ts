/**
 * What the admin's federation page shows: the queues (waiting, delayed, taken),
 * how far the outbox relay is behind, and every known server with how
 * deliveries to it went (delivery-stats.ts). Reads only.
 */
import { sql } from "kysely";
import type { Db } from "../db/database.ts";
import type { Clock } from "../kernel/clock.ts";

const QUEUES = ["inbox", "outbox", "fanout"] as const;
/** Servers listed at most; the failing ones come first. */
export const MAX_INSTANCES_SHOWN = 500;

export interface QueueDepth {
  queue: (typeof QUEUES)[number];
  /** Ready to be taken now. */
  ready: number;
  /** Waiting for a later time: retries after a failed delivery, and held messages. */
  delayed: number;
  /** Taken by a worker right now. */
  taken: number;
  oldest: string | null;
}

export interface RelayLag {
  unrelayed: number;
  oldest: string | null;
}

export interface KnownInstance {
  host: string;
  actors: number;
  gone: number;
  delivered: number;
  failed: number;
  failuresInARow: number;
  lastError: string;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
}

export async function queueDepths(db: Db["db"], clock: Clock): Promise<QueueDepth[]> {
  const now = clock.now().toISOString();
  const rows = await db
    .selectFrom("queue_messages")
    .select((eb) => [
      "queue",
      eb.fn
        .count<number>("id")
        .filterWhere((w) =>
          w.and([
            w("available_at", "<=", now),
            w.or([w("locked_until", "is", null), w("locked_until", "<=", now)]),
          ]),
        )
        .as("ready"),
      eb.fn.count<number>("id").filterWhere("available_at", ">", now).as("delayed"),
      eb.fn.count<number>("id").filterWhere("locked_until", ">", now).as("taken"),
      eb.fn.min("created_at").as("oldest"),
    ])
    .groupBy("queue")
    .execute();
  return QUEUES.map((queue) => {
    const row = rows.find((r) => r.queue === queue);
    return {
      queue,
      ready: Number(row?.ready ?? 0),
      delayed: Number(row?.delayed ?? 0),
      taken: Number(row?.taken ?? 0),
      oldest: (row?.oldest as string | null | undefined) ?? null,
    };
  });
}

export async function relayLag(db: Db["db"]): Promise<RelayLag> {
  const row = await db
    .selectFrom("outbox_events")
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("created_at").as("oldest")])
    .where("relayed_at", "is", null)
    .executeTakeFirst();
  return { unrelayed: Number(row?.n ?? 0), oldest: (row?.oldest as string | null) ?? null };
}

/** Servers we know actors on or deliver to; failing ones first, then the busiest. */
export async function knownInstances(db: Db["db"]): Promise<KnownInstance[]> {
  const [actors, stats] = await Promise.all([
    db
      .selectFrom("remote_actors")
      .select((eb) => [
        "host",
        eb.fn.countAll<number>().as("actors"),
        eb.fn.count<number>("id").filterWhere("gone", "=", 1).as("gone"),
      ])
      .groupBy("host")
      .orderBy(sql`count(*)`, "desc")
      .limit(MAX_INSTANCES_SHOWN)
      .execute(),
    db
      .selectFrom("instance_delivery_stats")
      .selectAll()
      .orderBy("failures_in_a_row", "desc")
      .orderBy("delivered", "desc")
      .limit(MAX_INSTANCES_SHOWN)
      .execute(),
  ]);
  const byHost = new Map<string, KnownInstance>();
  const entry = (host: string) => {
    let e = byHost.get(host);
    if (!e) {
      e = {
        host,
        actors: 0,
        gone: 0,
        delivered: 0,
        failed: 0,
        failuresInARow: 0,
        lastError: "",
        lastSuccessAt: null,
        lastFailureAt: null,
      };
      byHost.set(host, e);
    }
    return e;
  };
  for (const a of actors)
    Object.assign(entry(a.host), { actors: Number(a.actors), gone: Number(a.gone) });
  for (const s of stats) {
    Object.assign(entry(s.host), {
      delivered: Number(s.delivered),
      failed: Number(s.failed),
      failuresInARow: Number(s.failures_in_a_row),
      lastError: s.last_error,
      lastSuccessAt: s.last_success_at,
      lastFailureAt: s.last_failure_at,
    });
  }
  return [...byHost.values()]
    .sort(
      (a, b) =>
        b.failuresInARow - a.failuresInARow || b.actors - a.actors || b.delivered - a.delivered,
    )
    .slice(0, MAX_INSTANCES_SHOWN);
}
