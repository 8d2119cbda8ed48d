/** Random tokens are handed out once and stored only as their sha256, so a leaked database grants nothing. */
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { AccountTokenPurpose } from "../db/schema/accounts.ts";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { newToken } from "../kernel/ids.ts";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const LIFETIME_MS: Record<AccountTokenPurpose, number> = {
  reset: 24 * 3600_000,
  verify: 7 * 24 * 3600_000,
  email: 24 * 3600_000,
};

/** Issues a one-time token; earlier unused tokens of the same purpose stop working. */
export async function issueAccountToken(
  db: Kysely<Schema>,
  accountId: string,
  purpose: AccountTokenPurpose,
  options: { createdBy?: string | null; clock?: Clock; email?: string } = {},
): Promise<string> {
  const token = newToken();
  const now = (options.clock ?? systemClock).now();
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom("account_tokens")
      .where("account_id", "=", accountId)
      .where("purpose", "=", purpose)
      .execute();
    await trx
      .insertInto("account_tokens")
      .values({
        token_hash: hashToken(token),
        account_id: accountId,
        purpose,
        created_by: options.createdBy ?? null,
        email: options.email ?? null,
        expires_at: new Date(now.getTime() + LIFETIME_MS[purpose]).toISOString(),
        created_at: now.toISOString(),
      })
      .execute();
  });
  return token;
}

/** The account a valid token belongs to, without using the token up. */
export async function peekAccountToken(
  db: Kysely<Schema>,
  token: string,
  purpose: AccountTokenPurpose,
  clock: Clock = systemClock,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("account_tokens")
    .select("account_id")
    .where("token_hash", "=", hashToken(token))
    .where("purpose", "=", purpose)
    .where("expires_at", ">", clock.now().toISOString())
    .executeTakeFirst();
  return row?.account_id;
}

/** Uses a token inside the caller's transaction; true only for the first use of a valid token. */
export async function consumeAccountToken(
  trx: Kysely<Schema>,
  token: string,
  purpose: AccountTokenPurpose,
  accountId: string,
  clock: Clock = systemClock,
): Promise<boolean> {
  const result = await trx
    .deleteFrom("account_tokens")
    .where("token_hash", "=", hashToken(token))
    .where("purpose", "=", purpose)
    .where("account_id", "=", accountId)
    .where("expires_at", ">", clock.now().toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
