/**
 * How deliveries to each remote host went, for the admin's federation page. The
 * delivery fetch (delivery-fetch.ts) records each outcome here in memory, keyed by
 * the sending node's origin (several nodes may share one process in tests); the
 * worker flushes its own node's share into `instance_delivery_stats` every few
 * seconds and when it stops. A crash loses at most one interval of counts: these
 * are figures for an operator, not data anyone's posts depend on.
 */
import { sql } from "kysely";
import type { Db } from "../db/database.ts";
import type { Clock } from "../kernel/clock.ts";

const MAX_ERROR_CHARS = 200;
/** Hosts kept in memory per origin between flushes; beyond it outcomes are still counted under "other". */
const MAX_HOSTS = 10_000;

export interface DeliveryOutcome {
  /** The HTTP status the inbox answered, or undefined when no answer came. */
  status?: number;
  /** Why it failed, when it failed. */
  error?: string;
}

interface HostTally {
  delivered: number;
  failed: number;
  /** Failures after the last success in this interval (all of them when none succeeded). */
  failuresSinceSuccess: number;
  lastStatus: number | null;
  lastError: string;
}

const pending = new Map<string, Map<string, HostTally>>();

/** 2xx is delivered; anything else (a status or a network error) failed. */
export function recordDelivery(origin: string, host: string, outcome: DeliveryOutcome): void {
  let hosts = pending.get(origin);
  if (!hosts) {
    hosts = new Map();
    pending.set(origin, hosts);
  }
  const key = hosts.has(host) || hosts.size < MAX_HOSTS ? host : "other";
  let t = hosts.get(key);
  if (!t) {
    t = { delivered: 0, failed: 0, failuresSinceSuccess: 0, lastStatus: null, lastError: "" };
    hosts.set(key, t);
  }
  if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) {
    t.delivered++;
    t.failuresSinceSuccess = 0;
  } else {
    t.failed++;
    t.failuresSinceSuccess++;
    t.lastStatus = outcome.status ?? null;
    t.lastError = (outcome.error ?? `HTTP ${outcome.status}`).slice(0, MAX_ERROR_CHARS);
  }
}

/** Writes this node's outcomes since the last flush; one upsert per host. */
export async function flushDeliveryStats(db: Db, origin: string, clock: Clock): Promise<void> {
  const hosts = pending.get(origin);
  if (!hosts || hosts.size === 0) return;
  pending.delete(origin);
  const now = clock.now().toISOString();
  for (const [host, t] of hosts) {
    await db.db
      .insertInto("instance_delivery_stats")
      .values({
        host,
        delivered: t.delivered,
        failed: t.failed,
        failures_in_a_row: t.failuresSinceSuccess,
        last_status: t.lastStatus,
        last_error: t.lastError,
        last_success_at: t.delivered > 0 ? now : null,
        last_failure_at: t.failed > 0 ? now : null,
      })
      .onConflict((oc) =>
        oc.column("host").doUpdateSet({
          delivered: sql`instance_delivery_stats.delivered + ${t.delivered}`,
          failed: sql`instance_delivery_stats.failed + ${t.failed}`,
          // A success in this interval restarts the run of failures; otherwise it grows.
          failures_in_a_row:
            t.delivered > 0
              ? t.failuresSinceSuccess
              : sql`instance_delivery_stats.failures_in_a_row + ${t.failuresSinceSuccess}`,
          ...(t.failed > 0
            ? { last_status: t.lastStatus, last_error: t.lastError, last_failure_at: now }
            : {}),
          ...(t.delivered > 0 ? { last_success_at: now } : {}),
        }),
      )
      .execute();
  }
}
