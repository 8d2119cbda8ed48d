/**
 * Row locks for the rows a write reads and rewrites (a proposal's available
 * quantity, a catalogue entry's status): FOR UPDATE on PostgreSQL; SQLite has
 * one writer, which already serialises the transactions (accounts/locking.ts).
 */
import type { Kysely } from "kysely";
import { locksRows } from "../../accounts/locking.ts";
import type { Schema } from "../../db/schema.ts";

/** `.$call(forUpdate(trx))` on a select in the transaction `trx`. */
export const forUpdate =
  (trx: Kysely<Schema>) =>
  <Q extends { forUpdate(): Q }>(q: Q): Q =>
    locksRows(trx) ? q.forUpdate() : q;
