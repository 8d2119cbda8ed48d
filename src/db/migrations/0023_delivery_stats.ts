import type { Kysely } from "kysely";

/**
 * How deliveries to each remote host went (issue 25: the admin's federation page).
 * One row per host, updated from the worker's in-memory tally every few seconds,
 * so a fan-out to a thousand servers costs a few upserts, not a write per delivery.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("instance_delivery_stats")
    .addColumn("host", "text", (c) => c.primaryKey())
    .addColumn("delivered", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("failed", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("failures_in_a_row", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_status", "integer")
    .addColumn("last_error", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("last_success_at", "text")
    .addColumn("last_failure_at", "text")
    .execute();
}
