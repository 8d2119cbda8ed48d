/**
 * Copies of offers and needs published on other nodes (local = 0), for the
 * federation's inbox (federation/economy parses the Proposal; this stores it):
 * first arrival tells the members watching its category, as a local one does;
 * an update rewrites the copy (the available quantity is the publisher's word);
 * a Delete withdraws it. The sender must be the proposal's agent or on its
 * agent's server (the inbox checks the signature; this checks the origin).
 */
import { z } from "zod";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import type { MarketContext } from "./context.ts";
import { forUpdate } from "./locking.ts";
import { PURPOSES, RECIPROCITIES } from "./rules.ts";
import { MAX_QUANTITY } from "./units.ts";
import { notifyWatchers } from "./watches.ts";

const httpUrl = z
  .string()
  .max(2048)
  .refine((s) => /^https?:\/\//.test(s) && URL.canParse(s));

export const remoteProposalSchema = z.strictObject({
  uri: httpUrl,
  purpose: z.enum(PURPOSES),
  agentUri: httpUrl,
  agentKind: z.enum(["person", "coop"]),
  groupUri: httpUrl.nullable(),
  specUri: httpUrl,
  name: z.string().trim().min(1).max(200),
  note: z.string().max(5000),
  category: z.string().trim().toLowerCase().min(1).max(60),
  unit: z.string().min(1).max(40),
  quantity: z.number().int().min(0).max(MAX_QUANTITY),
  available: z.number().int().min(0).max(MAX_QUANTITY),
  minimum: z.number().int().min(0).max(MAX_QUANTITY),
  placeName: z.string().max(200),
  latitude: z.number().min(-90).max(90).nullable(),
  longitude: z.number().min(-180).max(180).nullable(),
  availableFrom: z.string().max(40).nullable(),
  availableUntil: z.string().max(40).nullable(),
  reciprocity: z.enum(RECIPROCITIES),
  unitPrice: z.number().int().min(0).max(1_000_000_000_000),
  currency: z.string().max(16),
  action: z.enum(["transfer", "deliverService", "produce", "consume", "work"]),
  images: z.array(z.strictObject({ url: httpUrl, alt: z.string().max(1500) })).max(8),
  open: z.boolean(),
  publishedAt: z.string().max(40),
});

export type RemoteProposal = z.input<typeof remoteProposalSchema>;

const originOf = (uri: string) => new URL(uri).origin;

/** Stores or updates our copy of a proposal from `senderUri`'s server. */
export async function storeRemoteProposal(
  ctx: MarketContext,
  senderUri: string,
  input: unknown,
): Promise<Result<{ id: string; created: boolean }, "invalid" | "forbidden">> {
  const parsed = remoteProposalSchema.safeParse(input);
  if (!parsed.success) return fail("invalid");
  const p = parsed.data;
  if (!URL.canParse(senderUri)) return fail("forbidden");
  const sender = originOf(senderUri);
  if (originOf(p.uri) !== sender || originOf(p.agentUri) !== sender) return fail("forbidden");
  if (sender === new URL(ctx.origin).origin) return fail("forbidden");
  const at = ctx.clock.now().toISOString();
  const published = Number.isNaN(Date.parse(p.publishedAt))
    ? at
    : new Date(p.publishedAt).toISOString();
  const columns = {
    purpose: p.purpose,
    agent_uri: p.agentUri,
    agent_kind: p.agentKind,
    group_uri: p.groupUri,
    spec_uri: p.specUri,
    name: p.name,
    note: p.note,
    category: p.category,
    unit: p.unit,
    quantity: p.quantity,
    available: Math.min(p.available, p.quantity),
    minimum: p.minimum,
    place_name: p.placeName,
    latitude: p.latitude === null || p.longitude === null ? null : p.latitude,
    longitude: p.latitude === null || p.longitude === null ? null : p.longitude,
    available_from: p.availableFrom,
    available_until: p.availableUntil,
    reciprocity: p.reciprocity,
    unit_price: p.unitPrice,
    currency: p.currency,
    action: p.action,
    images: JSON.stringify(p.images),
    updated_at: at,
  };
  return ctx.db.transaction().execute(async (trx) => {
    const known = await trx
      .selectFrom("econ_proposals")
      .select(["id", "local", "status", "spec_id"])
      .where("uri", "=", p.uri)
      .$call(forUpdate(trx))
      .executeTakeFirst();
    if (known) {
      if (known.local) return fail("forbidden" as const);
      // A copy our moderators hid stays hidden; otherwise the publisher says open or closed.
      const status = known.status === "hidden" ? "hidden" : p.open ? "open" : "closed";
      await trx
        .updateTable("econ_proposals")
        .set({ ...columns, status })
        .where("id", "=", known.id)
        .execute();
      return ok({ id: known.id, created: false });
    }
    const spec = await trx
      .selectFrom("econ_specs")
      .select("id")
      .where("uri", "=", p.specUri)
      .executeTakeFirst();
    const id = newId();
    const row = {
      id,
      uri: p.uri,
      local: 0,
      account_id: null,
      spec_id: spec?.id ?? null,
      status: p.open ? ("open" as const) : ("closed" as const),
      published_at: published,
      created_at: at,
      ...columns,
    };
    await trx.insertInto("econ_proposals").values(row).execute();
    await notifyWatchers(trx, ctx, row);
    return ok({ id, created: true });
  });
}

/** The publisher withdrew a proposal: our copy goes off the marketplace. */
export async function withdrawRemoteProposal(
  ctx: MarketContext,
  senderUri: string,
  uri: string,
): Promise<Result<{ id: string }, "not-found" | "forbidden">> {
  if (!URL.canParse(senderUri) || !URL.canParse(uri)) return fail("forbidden");
  if (originOf(senderUri) !== originOf(uri)) return fail("forbidden");
  const row = await ctx.db
    .selectFrom("econ_proposals")
    .select(["id", "local"])
    .where("uri", "=", uri)
    .executeTakeFirst();
  if (!row || row.local) return fail("not-found");
  await ctx.db
    .updateTable("econ_proposals")
    .set({ status: "withdrawn", updated_at: ctx.clock.now().toISOString() })
    .where("id", "=", row.id)
    .execute();
  return ok({ id: row.id });
}
