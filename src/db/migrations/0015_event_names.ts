import { type Kysely, sql } from "kysely";

/**
 * Issue 16: outbox event types are named `<area>.<noun>.<past>` (db/outbox.ts and
 * each area's events.ts). Rows already in outbox_events get their new names, so
 * pending events are still relayed after the upgrade (the relay finds handlers by
 * the new names only) and relayed ones are still found by the code that looks old
 * events up (the Block an unblock undoes, deletions for the streaming API).
 * The list is frozen here, as a migration must be.
 */
const renames: ReadonlyArray<readonly [string, string]> = [
  ["account.updated", "accounts.account.updated"],
  ["account.deleted", "accounts.account.deleted"],
  ["follow.requested", "federation.follow.requested"],
  ["follow.accepted", "federation.follow.accepted"],
  ["follow.undone", "federation.follow.undone"],
  ["follow.rejected", "federation.follow.rejected"],
  ["post.created", "social.post.created"],
  ["post.updated", "social.post.updated"],
  ["post.deleted", "social.post.deleted"],
  ["post.pinned", "social.post.pinned"],
  ["post.unpinned", "social.post.unpinned"],
  ["post.boosted", "social.post.boosted"],
  ["post.unboosted", "social.post.unboosted"],
  ["post.liked", "social.post.liked"],
  ["post.unliked", "social.post.unliked"],
  ["poll.updated", "social.poll.updated"],
  ["poll.voted", "social.poll.voted"],
  ["actor.blocked", "social.actor.blocked"],
  ["actor.unblocked", "social.actor.unblocked"],
  ["report.forwarded", "social.report.forwarded"],
  ["groups.updated", "groups.group.updated"],
  ["groups.coop.follow", "groups.coop.followed"],
  ["groups.coop.unfollow", "groups.coop.unfollowed"],
];

export { renames as eventRenames };

export async function up(db: Kysely<any>): Promise<void> {
  // One pass over the table (type has no index; relayed events are kept).
  const cases = renames.map(([from, to]) => sql`when ${from} then ${to}`);
  await db
    .updateTable("outbox_events")
    .set({ type: sql`case ${sql.ref("type")} ${sql.join(cases, sql` `)} end` })
    .where(
      "type",
      "in",
      renames.map(([from]) => from),
    )
    .execute();
}
