/**
 * A remote account's counts as an app sees them (the client API): what their own
 * server last said (remote_actors, migration 0048), as the people pages show. When
 * an app asks for one account whose counts are stale (never read, or older than
 * COUNTS_FRESH_MS), a read is queued (the outbox event `social.counts.requested`,
 * which federation/social/person-refresh.ts answers): the request never waits on
 * another server, and the app sees the new figures on its next read, as on Mastodon,
 * which refreshes a stale remote account in the background.
 * One queued read per account at a time, so a busy account is not asked for again
 * while its read waits.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { COUNTS_FRESH_MS } from "./people.ts";

/** What is read of a remote actor to tell whether its counts are stale. */
export interface CountsState {
  uri: string;
  gone: number;
  counts_fetched_at: string | null;
}

export function countsAreStale(actor: CountsState, now: Date): boolean {
  if (actor.gone) return false;
  if (!actor.counts_fetched_at) return true;
  return now.getTime() - Date.parse(actor.counts_fetched_at) > COUNTS_FRESH_MS;
}

/** Queues a read of the actor's counts when they are stale and none waits already; true if queued. */
export async function askForCounts(
  db: Kysely<Schema>,
  actor: CountsState,
  now: Date,
): Promise<boolean> {
  if (!countsAreStale(actor, now)) return false;
  const payload = { uri: actor.uri };
  const waiting = await db
    .selectFrom("outbox_events")
    .select("id")
    .where("type", "=", "social.counts.requested")
    .where("relayed_at", "is", null)
    .where("payload", "=", JSON.stringify(payload))
    .limit(1)
    .executeTakeFirst();
  if (waiting) return false;
  await recordEvent(db, { type: "social.counts.requested", payload });
  return true;
}
