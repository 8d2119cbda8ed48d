import type { Kysely } from "kysely";

/** The posts a remote actor pinned (its `featured` collection), in its order. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("remote_pins")
    .addColumn("remote_id", "text", (c) => c.notNull())
    .addColumn("post_id", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("remote_pins_pk", ["remote_id", "post_id"])
    .execute();
}
