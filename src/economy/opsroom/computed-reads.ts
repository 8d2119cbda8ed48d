/**
 * What a computed indicator may read (computed.ts), checked when it is defined:
 * a balance needs a ledger here where this node's co-op has an account.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { coopUri } from "../../kernel/uris.ts";

/** Is `ref` a ledger here where this node's co-op has an account (a balance it can read)? */
export async function coopHasAccountIn(db: Kysely<Schema>, origin: string, ledgerUri: string) {
  const row = await db
    .selectFrom("credit_accounts as a")
    .innerJoin("credit_ledgers as l", "l.id", "a.ledger_id")
    .select("a.id")
    .where("l.uri", "=", ledgerUri)
    .where("a.coop_uri", "=", coopUri(origin))
    .executeTakeFirst();
  return !!row;
}
