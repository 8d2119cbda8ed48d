/**
 * Reading proposals and catalogue entries: by id or URI, a co-op's or
 * member's own, and their images as stored (local uploads by id, or remote
 * media by URL).
 */
import type { Kysely, Selectable } from "kysely";
import type { EconProposalsTable, EconSpecsTable } from "../../db/schema/economy.ts";
import type { Schema } from "../../db/schema.ts";

export type Proposal = Selectable<EconProposalsTable>;
export type Spec = Selectable<EconSpecsTable>;
/** A local upload (mediaId) or, on a copy from elsewhere, a remote image (url). */
export interface ProposalImage {
  mediaId?: string;
  url?: string;
  alt: string;
}

type Db = { db: Kysely<Schema> };

export function proposalById(ctx: Db, id: string): Promise<Proposal | undefined> {
  return ctx.db.selectFrom("econ_proposals").selectAll().where("id", "=", id).executeTakeFirst();
}

export function proposalByUri(ctx: Db, uri: string): Promise<Proposal | undefined> {
  return ctx.db.selectFrom("econ_proposals").selectAll().where("uri", "=", uri).executeTakeFirst();
}

export function specById(ctx: Db, id: string): Promise<Spec | undefined> {
  return ctx.db.selectFrom("econ_specs").selectAll().where("id", "=", id).executeTakeFirst();
}

export function imagesOf(row: Pick<Proposal | Spec, "images">): ProposalImage[] {
  try {
    const value = JSON.parse(row.images) as unknown;
    return Array.isArray(value) ? (value as ProposalImage[]).slice(0, 8) : [];
  } catch {
    return [];
  }
}

/** The proposals of one agent (a co-op or a member), newest first; hidden ones left out. */
export function proposalsOfAgent(
  ctx: Db,
  agentUri: string,
  options: { statuses?: Proposal["status"][]; limit?: number } = {},
): Promise<Proposal[]> {
  return ctx.db
    .selectFrom("econ_proposals")
    .selectAll()
    .where("agent_uri", "=", agentUri)
    .where("status", "in", options.statuses ?? ["open", "closed"])
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .limit(Math.min(options.limit ?? 100, 200))
    .execute();
}

/** Upload paths of local images by id (for pages and the API). */
export async function uploadPathsOf(ctx: Db, rows: Pick<Proposal, "images">[]) {
  const ids = [...new Set(rows.flatMap((r) => imagesOf(r).flatMap((i) => i.mediaId ?? [])))];
  if (ids.length === 0) return new Map<string, string>();
  const found = await ctx.db
    .selectFrom("uploads")
    .select(["id", "path"])
    .where("id", "in", ids.slice(0, 500))
    .execute();
  return new Map(found.map((r) => [r.id, r.path]));
}
