/**
 * A group's record of what its moderators did (bans, unbans, deletions,
 * hidden threads, dismissed reports; table group_moderation_log) and its list of bans. Entries are
 * written in the transaction of the change they describe.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";

export type ModerationAction = "ban" | "unban" | "delete" | "hide" | "unhide" | "dismiss";

export interface ModerationEntry {
  groupId: string;
  action: ModerationAction;
  moderatorUri: string;
  targetUri: string;
  reason?: string;
  /** ISO-8601, from the caller's clock. */
  at: string;
}

export async function recordModeration(trx: Kysely<Schema>, entry: ModerationEntry) {
  await trx
    .insertInto("group_moderation_log")
    .values({
      id: newId(),
      group_id: entry.groupId,
      action: entry.action,
      moderator_uri: entry.moderatorUri,
      target_uri: entry.targetUri,
      reason: (entry.reason ?? "").slice(0, 500),
      created_at: entry.at,
    })
    .execute();
}

/** The group's bans, newest first (for its moderators). */
export function listBans(db: Kysely<Schema>, groupId: string) {
  return db
    .selectFrom("group_bans")
    .selectAll()
    .where("group_id", "=", groupId)
    .orderBy("created_at", "desc")
    .execute();
}

/** The group's moderation log, newest first (for its moderators). */
export function moderationLog(db: Kysely<Schema>, groupId: string, limit = 100) {
  return db
    .selectFrom("group_moderation_log")
    .selectAll()
    .where("group_id", "=", groupId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}
