/**
 * Who answers for a group's alarms: its active admins and moderators (in the
 * assembly, the node's admins and moderators too, as the assembly takes the
 * node's roles), and the notices they get when an alarm arrives.
 */
import type { Kysely } from "kysely";
import type { NotificationType } from "../../db/schema/social.ts";
import type { Schema } from "../../db/schema.ts";
import type { Group } from "../../groups/groups.ts";
import type { Clock } from "../../kernel/clock.ts";
import { notify } from "../../social/notifications.ts";

export async function managersOf(
  db: Kysely<Schema>,
  group: Pick<Group, "id" | "kind">,
): Promise<string[]> {
  const rows = await db
    .selectFrom("group_members")
    .select(["account_id", "role"])
    .where("group_id", "=", group.id)
    .where("account_id", "is not", null)
    .where("status", "=", "active")
    .execute();
  const ids = new Set<string>();
  const demoted = new Set<string>();
  for (const r of rows) {
    if (!r.account_id) continue;
    if (r.role === "admin" || r.role === "moderator") ids.add(r.account_id);
    else demoted.add(r.account_id);
  }
  if (group.kind === "assembly") {
    const staff = await db
      .selectFrom("accounts")
      .select("id")
      .where("status", "=", "active")
      .where("role", "in", ["admin", "moderator"])
      .limit(1000)
      .execute();
    for (const a of staff) if (!demoted.has(a.id)) ids.add(a.id);
  }
  return [...ids].sort();
}

/** Tells every manager of the group, in the caller's transaction. */
export async function notifyManagers(
  trx: Kysely<Schema>,
  group: Pick<Group, "id" | "kind">,
  notice: { type: NotificationType; fromUri: string },
  clock: Clock,
): Promise<void> {
  for (const accountId of await managersOf(trx, group))
    await notify(trx, { accountId, type: notice.type, fromUri: notice.fromUri }, clock);
}
