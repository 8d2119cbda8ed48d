import type { Kysely } from "kysely";

/**
 * Federated budgeting, continued (issue 19, docs/budgeting.md "Proposing from
 * another co-op" and "Pictures in copies"):
 *
 * - `pb_projects.proposal_uri`: a project proposed by a member of another
 *   co-op, from their node, names the proposal it came from (its id on that
 *   node). On the host it keeps a proposal from being stored twice; on the
 *   proposer's node, its row in the copy is matched to the host's project when
 *   the host's description comes back. Null for projects proposed on the host.
 * - `pb_projects.remote_images`: JSON [{ url, alt }], pictures that arrived from
 *   another node (a copy's projects, a proposal from elsewhere), shown through
 *   the remote media cache; `images` stays for uploads of this node.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("pb_projects").addColumn("proposal_uri", "text").execute();
  await db.schema
    .alterTable("pb_projects")
    .addColumn("remote_images", "text", (c) => c.notNull().defaultTo("[]"))
    .execute();
  await db.schema
    .createIndex("pb_projects_proposal_uri")
    .on("pb_projects")
    .columns(["proposal_uri"])
    .execute();
}
