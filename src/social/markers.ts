/**
 * Read markers (Mastodon's markers): where a member stopped reading their home
 * timeline and their notifications, so another app can carry on from there.
 * Each save bumps the marker's version in the same statement that writes it.
 */
import { type Kysely, type Selectable, sql } from "kysely";
import type { MarkersTable } from "../db/schema/api.ts";
import type { Schema } from "../db/schema.ts";
import type { SocialContext } from "./context.ts";

export type Marker = Selectable<MarkersTable>;
export const markerTimelines = ["home", "notifications"] as const;
export type MarkerTimeline = (typeof markerTimelines)[number];

export function markersOf(db: Kysely<Schema>, accountId: string): Promise<Marker[]> {
  return db.selectFrom("markers").selectAll().where("account_id", "=", accountId).execute();
}

/** Saves where the member stopped reading one timeline; the first save is version 0. */
export async function setMarker(
  s: Pick<SocialContext, "db" | "clock">,
  accountId: string,
  timeline: MarkerTimeline,
  lastReadId: string,
): Promise<Marker> {
  const now = s.clock.now().toISOString();
  return s.db
    .insertInto("markers")
    .values({
      account_id: accountId,
      timeline,
      last_read_id: lastReadId,
      version: 0,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(["account_id", "timeline"]).doUpdateSet({
        last_read_id: lastReadId,
        // The stored row's version: two saves at once still count as two.
        version: sql<number>`markers.version + 1`,
        updated_at: now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
