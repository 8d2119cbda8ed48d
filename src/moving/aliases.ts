/**
 * The accounts a member moves from: listed as `alsoKnownAs` in their actor, so
 * the old account's Move to this one is believed (Mastodon: Settings → Account →
 * "Moving from a different account"). Adding or removing one records
 * accounts.account.updated, which sends followers the new actor.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { memberUri } from "../kernel/uris.ts";
import type { Member, SocialContext } from "../social/context.ts";
import { MAX_ALIASES } from "./rules.ts";

export type AliasProblem = "self" | "too-many" | "not-http";

export function aliasesOf(db: Kysely<Schema>, accountId: string): Promise<string[]> {
  return db
    .selectFrom("account_aliases")
    .select("alias_uri")
    .where("account_id", "=", accountId)
    .orderBy("created_at")
    .orderBy("alias_uri")
    .execute()
    .then((rows) => rows.map((r) => r.alias_uri));
}

/** Names `aliasUri` (an actor id, already looked up) as an account the member moves from. */
export async function addAlias(
  s: SocialContext,
  member: Member,
  aliasUri: string,
): Promise<Result<{ added: boolean }, AliasProblem>> {
  if (!/^https?:\/\//i.test(aliasUri)) return fail("not-http");
  if (aliasUri === memberUri(s.origin, member.username)) return fail("self");
  return s.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom("account_aliases")
      .select("alias_uri")
      .where("account_id", "=", member.id)
      .execute();
    if (rows.some((r) => r.alias_uri === aliasUri)) return ok({ added: false });
    if (rows.length >= MAX_ALIASES) return fail("too-many" as const);
    await trx
      .insertInto("account_aliases")
      .values({
        account_id: member.id,
        alias_uri: aliasUri,
        created_at: s.clock.now().toISOString(),
      })
      .execute();
    await recordEvent(trx, { type: "accounts.account.updated", payload: { accountId: member.id } });
    return ok({ added: true });
  });
}

export async function removeAlias(
  s: SocialContext,
  member: Member,
  aliasUri: string,
): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    const r = await trx
      .deleteFrom("account_aliases")
      .where("account_id", "=", member.id)
      .where("alias_uri", "=", aliasUri)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    await recordEvent(trx, { type: "accounts.account.updated", payload: { accountId: member.id } });
    return true;
  });
}
