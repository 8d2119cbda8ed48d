/**
 * A new follow shows the followed actor's recent posts, not only what reaches us
 * from now on: when our Follow is accepted, the first page of the actor's outbox
 * is read (as Mastodon does on follow) and its public and unlisted posts are kept
 * like any that arrived, so they reach the follower's home. Bounded: one page,
 * at most OUTBOX_BACKFILL_ITEMS items, and only what the page embeds is read
 * (no fetch per item, see remote-limits.ts).
 */
import type { Context } from "@fedify/fedify";
import {
  type Object as APObject,
  Article,
  type Collection,
  Create,
  isActor,
  Note,
  Question,
} from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { isSuspendedActor } from "../../social/moderation.ts";
import { storeRemotePost } from "../../social/remote-posts.ts";
import { type FederationDeps, socialContext } from "../deps.ts";
import { ensureActor, signedLoader } from "../lookup.ts";
import { embeddedOnly, takeAtMost } from "../remote-limits.ts";
import { allowsFederation } from "./domain-policy.ts";
import { parseRemotePost } from "./parse.ts";

/** Items of the outbox's first page looked at (Mastodon backfills 20 too). */
export const OUTBOX_BACKFILL_ITEMS = 20;

const logger = getLogger(["synco", "federation", "social"]);

const isPost = (o: unknown): o is Note | Article | Question =>
  o instanceof Note || o instanceof Article || o instanceof Question;

/** Reads the first page of `actorUri`'s outbox and keeps its recent posts; returns how many. */
export async function backfillOutbox(
  ctx: Context<void>,
  deps: FederationDeps,
  actorUri: string,
): Promise<number> {
  const db = deps.db.db;
  if (!(await allowsFederation(db, new URL(actorUri).host.toLowerCase()))) return 0;
  if (await isSuspendedActor(db, actorUri)) return 0;
  const loader = await signedLoader(ctx);
  const fetched = await ctx.lookupObject(actorUri, { documentLoader: loader }).catch(() => null);
  if (!fetched || !isActor(fetched) || fetched.id?.href !== actorUri) return 0;
  const author = await ensureActor(ctx, deps, new URL(actorUri), fetched);
  if (!author || author.gone) return 0;
  const opts = { documentLoader: loader, suppressError: true } as const;
  const outbox = await fetched.getOutbox(opts).catch(() => null);
  if (!outbox) return 0;
  const first = await outbox.getFirst(opts).catch(() => null);
  const page: Collection = first ?? outbox;
  const items = await takeAtMost(
    page.getItems({ documentLoader: embeddedOnly, suppressError: true }),
    OUTBOX_BACKFILL_ITEMS,
  ).catch(() => [] as APObject[]);
  let kept = 0;
  for (const item of items) {
    const object =
      item instanceof Create
        ? await item
            .getObject({ documentLoader: embeddedOnly, suppressError: true })
            .catch(() => null)
        : null;
    if (!isPost(object) || object.attributionId?.href !== actorUri) continue;
    const input = await parseRemotePost(ctx, object, author, deps.clock);
    if (!input || new URL(input.uri).origin !== new URL(actorUri).origin) continue;
    // What the follower would have been sent: public and unlisted posts only.
    if (input.visibility !== "public" && input.visibility !== "unlisted") continue;
    const stored = await storeRemotePost(socialContext(deps), input);
    if (stored.created) kept++;
  }
  logger.info("Backfilled {kept} posts of {actor}", { kept, actor: actorUri });
  return kept;
}
