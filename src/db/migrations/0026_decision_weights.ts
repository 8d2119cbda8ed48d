import type { Kysely } from "kysely";

/**
 * Issue 18: in a federation voting by delegates, a decision may weigh each
 * co-op's vote by its number of active members instead of one per co-op.
 * `decisions.weighting` is chosen when the decision starts ("per-coop" or
 * "members"). A remote co-op's size is what its own node last reported (its
 * delegate's ballot says it), kept per federation in `decision_coop_sizes`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("decisions")
    .addColumn("weighting", "text", (c) => c.notNull().defaultTo("per-coop"))
    .execute();
  await db.schema
    .createTable("decision_coop_sizes")
    .addColumn("group_id", "text", (c) => c.notNull())
    .addColumn("coop_uri", "text", (c) => c.notNull())
    .addColumn("members", "integer", (c) => c.notNull())
    .addColumn("reported_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("decision_coop_sizes_pk", ["group_id", "coop_uri"])
    .execute();
}
