/**
 * On a member co-op's node: when the host's description of a process moves its
 * copy to another phase, every member here who takes part in the copy is told
 * (a `budget_phase` notification, as the host tells its own members,
 * processes/phases.ts). Who takes part is the copy's rule
 * (eligibility.ts, `takesPartAcrossNodes`): in a federation's process every
 * active member here while our co-op is an active member of the federation;
 * in a group's "members" process, our members who follow the group. The
 * notification links to the copy on this node, where they read and vote.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../../db/schema.ts";
import type { Clock } from "../../../kernel/clock.ts";
import { budgetUri } from "../../../kernel/uris.ts";
import { notify } from "../../../social/notifications.ts";

interface CopyRef {
  id: string;
  group_uri: string;
  eligibility: string;
}

/** Notifies everyone here taking part in the copy (in the caller's transaction). */
export async function notifyCopyPhase(
  trx: Kysely<Schema>,
  ctx: { origin: string; clock: Clock },
  copy: CopyRef,
): Promise<number> {
  let accounts: { id: string }[];
  if (copy.eligibility === "federation") {
    const affiliated = await trx
      .selectFrom("coop_affiliations")
      .select("id")
      .where("group_uri", "=", copy.group_uri)
      .where("status", "=", "active")
      .executeTakeFirst();
    accounts = affiliated
      ? await trx.selectFrom("accounts").select("id").where("status", "=", "active").execute()
      : [];
  } else {
    accounts = await trx
      .selectFrom("follows")
      .innerJoin("accounts", "accounts.id", "follows.follower_account_id")
      .select("accounts.id")
      .where("follows.followee_uri", "=", copy.group_uri)
      .where("follows.status", "=", "accepted")
      .where("accounts.status", "=", "active")
      .execute();
  }
  const fromUri = budgetUri(ctx.origin, copy.id);
  for (const a of accounts)
    await notify(trx, { accountId: a.id, type: "budget_phase", fromUri }, ctx.clock);
  return accounts.length;
}
