/**
 * Watching a category (or one catalogue entry, or only offers or only needs):
 * when a matching proposal arrives — published here or received from another
 * node — each watcher gets a notification ("economy_match", from_uri the
 * proposal), in the transaction that stored the proposal. A member keeps at
 * most MAX_WATCHES; one new proposal tells at most MAX_TOLD members.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Schema } from "../../db/schema.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { notify } from "../../social/notifications.ts";
import type { MarketActor, MarketContext } from "./context.ts";
import { isActiveMember } from "./publishing.ts";
import type { Proposal } from "./reads.ts";
import { categorySchema, PURPOSES } from "./rules.ts";

export const MAX_WATCHES = 50;
export const MAX_TOLD = 1000;

export const watchSchema = z.strictObject({
  category: categorySchema.optional(),
  /** A catalogue entry (its category is the watch's). */
  specId: z.string().min(1).max(64).optional(),
  purpose: z.enum(PURPOSES).nullable().default(null),
});

export type Watch = {
  id: string;
  category: string;
  spec_uri: string | null;
  spec_name: string | null;
  purpose: Proposal["purpose"] | null;
  created_at: string;
};

export type WatchProblem = "invalid" | "forbidden" | "unknown-spec" | "too-many";

/** A member starts watching (the same watch twice is the one watch). */
export async function addWatch(
  ctx: MarketContext,
  actor: MarketActor,
  input: unknown,
): Promise<Result<{ id: string }, WatchProblem>> {
  const parsed = watchSchema.safeParse(input);
  if (!parsed.success || (!parsed.data.category && !parsed.data.specId)) return fail("invalid");
  const w = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await isActiveMember({ db: trx, origin: ctx.origin }, actor)))
      return fail("forbidden" as const);
    let category = w.category ?? "";
    let specUri: string | null = null;
    if (w.specId) {
      const spec = await trx
        .selectFrom("econ_specs")
        .select(["uri", "category", "status"])
        .where("id", "=", w.specId)
        .executeTakeFirst();
      if (spec?.status !== "accepted") return fail("unknown-spec" as const);
      category = spec.category;
      specUri = spec.uri;
    }
    const mine = await trx
      .selectFrom("econ_watches")
      .select(["id", "category", "spec_uri", "purpose"])
      .where("account_id", "=", actor.accountId)
      .execute();
    const same = mine.find(
      (m) => m.category === category && m.spec_uri === specUri && m.purpose === w.purpose,
    );
    if (same) return ok({ id: same.id });
    if (mine.length >= MAX_WATCHES) return fail("too-many" as const);
    const id = newId();
    await trx
      .insertInto("econ_watches")
      .values({
        id,
        account_id: actor.accountId,
        category,
        spec_uri: specUri,
        purpose: w.purpose,
        created_at: ctx.clock.now().toISOString(),
      })
      .execute();
    return ok({ id });
  });
}

export async function removeWatch(
  ctx: MarketContext,
  actor: MarketActor,
  watchId: string,
): Promise<Result<{ id: string }, "not-found">> {
  const done = await ctx.db
    .deleteFrom("econ_watches")
    .where("id", "=", watchId)
    .where("account_id", "=", actor.accountId)
    .executeTakeFirst();
  return done.numDeletedRows === 0n ? fail("not-found") : ok({ id: watchId });
}

/** A member's watches, oldest first, with the catalogue entry's name when one is watched. */
export async function watchesOf(ctx: { db: Kysely<Schema> }, accountId: string): Promise<Watch[]> {
  return ctx.db
    .selectFrom("econ_watches as w")
    .leftJoin("econ_specs as s", "s.uri", "w.spec_uri")
    .select([
      "w.id",
      "w.category",
      "w.spec_uri",
      "s.name as spec_name",
      "w.purpose",
      "w.created_at",
    ])
    .where("w.account_id", "=", accountId)
    .orderBy("w.id")
    .limit(MAX_WATCHES)
    .execute();
}

/**
 * Tells the members watching a new proposal's category (and spec, and purpose).
 * Call in the transaction that stored it; the publisher is not told of their own.
 */
export async function notifyWatchers(
  trx: Kysely<Schema>,
  ctx: Pick<MarketContext, "clock">,
  p: Pick<Proposal, "uri" | "category" | "spec_uri" | "purpose" | "account_id" | "status">,
): Promise<number> {
  if (p.status !== "open") return 0;
  const rows = await trx
    .selectFrom("econ_watches as w")
    .innerJoin("accounts as a", "a.id", "w.account_id")
    .select("w.account_id")
    .distinct()
    .where("a.status", "=", "active")
    .where("w.category", "=", p.category)
    .where((eb) => eb.or([eb("w.spec_uri", "is", null), eb("w.spec_uri", "=", p.spec_uri)]))
    .where((eb) => eb.or([eb("w.purpose", "is", null), eb("w.purpose", "=", p.purpose)]))
    .orderBy("w.account_id")
    .limit(MAX_TOLD)
    .execute();
  let told = 0;
  for (const r of rows) {
    if (r.account_id === p.account_id) continue;
    await notify(
      trx,
      { accountId: r.account_id, type: "economy_match", fromUri: p.uri },
      ctx.clock,
    );
    told++;
  }
  return told;
}
