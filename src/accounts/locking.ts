/**
 * Row locks where they exist. PostgreSQL needs SELECT … FOR UPDATE to guard
 * invariants (the last admin, a pending application) against concurrent
 * transactions; SQLite has no such clause and needs none (one writer at a time).
 */
import { type Kysely, PostgresAdapter } from "kysely";
import type { Schema } from "../db/schema.ts";

export function locksRows(db: Kysely<Schema>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
