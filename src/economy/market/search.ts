/**
 * The marketplace's browse and search: open offers and needs, newest first,
 * filtered by purpose, category, catalogue entry, words in the name, note or
 * category, reciprocity, federation, agent, an availability window that
 * overlaps the dates asked for, and distance from a point. Distance is a
 * bounding-box prefilter on latitude and longitude in the query, then the exact
 * haversine test here, read in chunks until the page is full (distance.ts).
 * Pages are cursors on the id (UUIDv7, time-ordered): `maxId` is the last one seen.
 */
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import { z } from "zod";
import type { Schema } from "../../db/schema.ts";
import { boundingBox, haversineKm } from "./distance.ts";
import type { Proposal } from "./reads.ts";
import { categorySchema, PURPOSES, RECIPROCITIES } from "./rules.ts";

export const MAX_PAGE = 100;
/** Rows read per round while filtering by exact distance. */
const DISTANCE_CHUNK = 250;
/** Rounds at most for one page (a far-off point with nothing near ends here). */
const DISTANCE_ROUNDS = 40;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const searchSchema = z.strictObject({
  purpose: z.enum(PURPOSES).optional(),
  category: categorySchema.optional(),
  specUri: z.string().max(2048).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  reciprocity: z.enum(RECIPROCITIES).optional(),
  groupUri: z.string().max(2048).optional(),
  agentUri: z.string().max(2048).optional(),
  near: z
    .strictObject({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      km: z.number().min(0.1).max(20_000),
    })
    .optional(),
  from: day.optional(),
  until: day.optional(),
  /** Moderators may list hidden ones too. */
  includeHidden: z.boolean().default(false),
  maxId: z.string().min(1).max(64).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE).default(20),
});

export type SearchInput = z.input<typeof searchSchema>;
export type Found = Proposal & { distanceKm: number | null };

/** LIKE's wildcards in what a person typed are plain characters. */
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

type Eb = ExpressionBuilder<Schema, "econ_proposals">;

/** Open proposals matching the search, newest first; `next` is the cursor of the next page. */
export async function searchProposals(
  ctx: { db: Kysely<Schema> },
  input: SearchInput,
): Promise<{ ok: true; items: Found[]; next: string | null } | { ok: false; reason: "invalid" }> {
  const parsed = searchSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const s = parsed.data;
  if (s.from && s.until && s.until < s.from) return { ok: false, reason: "invalid" };
  const box = s.near ? boundingBox(s.near, s.near.km) : null;
  const where = (eb: Eb, before: string | undefined) => {
    const all = [
      s.includeHidden ? eb("status", "in", ["open", "hidden"]) : eb("status", "=", "open"),
    ];
    if (before) all.push(eb("id", "<", before));
    if (s.purpose) all.push(eb("purpose", "=", s.purpose));
    if (s.category) all.push(eb("category", "=", s.category));
    if (s.specUri) all.push(eb("spec_uri", "=", s.specUri));
    if (s.reciprocity) all.push(eb("reciprocity", "=", s.reciprocity));
    if (s.groupUri) all.push(eb("group_uri", "=", s.groupUri));
    if (s.agentUri) all.push(eb("agent_uri", "=", s.agentUri));
    if (s.from)
      all.push(eb.or([eb("available_until", "is", null), eb("available_until", ">=", s.from)]));
    if (s.until)
      all.push(eb.or([eb("available_from", "is", null), eb("available_from", "<=", s.until)]));
    if (s.q) {
      const pattern = likePattern(s.q);
      // One LIKE over the three texts: one pass over each row instead of three.
      all.push(
        eb.and([
          sql<boolean>`lower(name || ' ' || category || ' ' || note) like ${pattern} escape '\\'`,
        ]),
      );
    }
    if (box) {
      all.push(eb("latitude", ">=", box.minLat), eb("latitude", "<=", box.maxLat));
      all.push(
        box.minLon <= box.maxLon
          ? eb.and([eb("longitude", ">=", box.minLon), eb("longitude", "<=", box.maxLon)])
          : eb.or([eb("longitude", ">=", box.minLon), eb("longitude", "<=", box.maxLon)]),
      );
    }
    return eb.and(all);
  };
  const read = (before: string | undefined, limit: number) =>
    ctx.db
      .selectFrom("econ_proposals")
      .selectAll()
      .where((eb) => where(eb, before))
      .orderBy("id", "desc")
      .limit(limit)
      .execute();

  if (!s.near) {
    const rows = await read(s.maxId, s.limit + 1);
    const items = rows.slice(0, s.limit).map((r) => ({ ...r, distanceKm: null }));
    return { ok: true, items, next: rows.length > s.limit ? (items.at(-1)?.id ?? null) : null };
  }
  const center = s.near;
  const items: Found[] = [];
  let before = s.maxId;
  let more = false;
  for (let round = 0; round < DISTANCE_ROUNDS; round++) {
    const rows = await read(before, DISTANCE_CHUNK);
    more = rows.length === DISTANCE_CHUNK;
    for (const r of rows) {
      if (r.latitude === null || r.longitude === null) continue;
      const km = haversineKm(center, { latitude: r.latitude, longitude: r.longitude });
      if (km > center.km) continue;
      items.push({ ...r, distanceKm: km });
      if (items.length > s.limit) break;
    }
    if (items.length > s.limit) break;
    before = rows.at(-1)?.id;
    if (!more) break;
  }
  const page = items.slice(0, s.limit);
  if (items.length > s.limit) return { ok: true, items: page, next: page.at(-1)?.id ?? null };
  // Out of rounds with rows left unread: the next page goes on from the last row read.
  return { ok: true, items: page, next: more ? (before ?? null) : null };
}

/** The categories in use (open proposals and accepted catalogue entries), for filters. */
export async function categoriesInUse(ctx: { db: Kysely<Schema> }): Promise<string[]> {
  const [fromProposals, fromSpecs] = await Promise.all([
    ctx.db
      .selectFrom("econ_proposals")
      .select("category")
      .distinct()
      .where("status", "=", "open")
      .orderBy("category")
      .limit(200)
      .execute(),
    ctx.db
      .selectFrom("econ_specs")
      .select("category")
      .distinct()
      .where("status", "=", "accepted")
      .orderBy("category")
      .limit(200)
      .execute(),
  ]);
  return [...new Set([...fromProposals, ...fromSpecs].map((r) => r.category))].sort().slice(0, 200);
}
