/**
 * A remote person's page here (web/people) shows what their own server says of
 * them: the totalItems of their outbox, followers and following collections, and,
 * when we hold none of their posts, the first page of their outbox (backfill.ts,
 * the same bounded read a new follow makes). Each document fetch is bounded in
 * size and time (bounded-fetch.ts) and goes through the signed loader, which
 * refuses private addresses unless SYNCO_ALLOW_PRIVATE_ADDRESS=1; only http(s)
 * addresses are read.
 */
import type { Context } from "@fedify/fedify";
import { type Collection, isActor } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { httpUrlOrNull } from "../../kernel/safe-url.ts";
import { isSuspendedActor } from "../../social/moderation.ts";
import type { FederationDeps } from "../deps.ts";
import type { EventHandler } from "../extensions.ts";
import { ensureActor, signedLoader } from "../lookup.ts";
import { backfillOutbox } from "./backfill.ts";
import { allowsFederation } from "./domain-policy.ts";

const logger = getLogger(["synco", "federation", "social"]);

/** A count a server gives: a whole number within reason, else unknown. */
const countOf = (c: Collection | null): number | null => {
  const n = c?.totalItems;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : null;
};

/** Reads `uri`'s counts (and posts, with `backfill`) from their server and keeps them. */
export async function refreshPerson(
  ctx: Context<void>,
  deps: FederationDeps,
  uri: string,
  options: { backfill: boolean },
): Promise<void> {
  const db = deps.db.db;
  const address = httpUrlOrNull(uri);
  if (!address) return;
  if (!(await allowsFederation(db, new URL(address).host.toLowerCase()))) return;
  if (await isSuspendedActor(db, address)) return;
  const loader = await signedLoader(ctx);
  const fetched = await ctx.lookupObject(address, { documentLoader: loader }).catch(() => null);
  if (!fetched || !isActor(fetched) || fetched.id?.href !== address) return;
  const stored = await ensureActor(ctx, deps, new URL(address), fetched);
  if (!stored || stored.gone) return;
  const opts = { documentLoader: loader, suppressError: true } as const;
  const [outbox, followers, following] = await Promise.all([
    fetched.getOutbox(opts).catch(() => null),
    fetched.getFollowers(opts).catch(() => null),
    fetched.getFollowing(opts).catch(() => null),
  ]);
  await db
    .updateTable("remote_actors")
    .set({
      posts_count: countOf(outbox),
      followers_count: countOf(followers),
      following_count: countOf(following),
      counts_fetched_at: deps.clock.now().toISOString(),
    })
    .where("id", "=", stored.id)
    .execute();
  if (options.backfill)
    await backfillOutbox(ctx, deps, address).catch((error: unknown) => {
      logger.info("Reading the outbox of {uri} failed: {error}", { uri: address, error });
    });
}

/** An app asked for a remote account with stale counts (social/person-counts.ts): read them. */
export const countsRequested: EventHandler<{ uri: string }> = (ctx, deps, _event, { uri }) =>
  refreshPerson(ctx, deps, uri, { backfill: false });
