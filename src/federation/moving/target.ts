/**
 * The account a Move points to, read fresh: its `alsoKnownAs` must name the
 * origin, and a cached copy could be older than the alias the member just added.
 * A member of this node is read from the database; anyone else is fetched with
 * the instance actor's signature (never from the document cache) and stored.
 */
import type { Context } from "@fedify/fedify";
import { isActor } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { aliasesOf } from "../../moving/aliases.ts";
import { type MoveTargetView, movedTo } from "../../moving/moves.ts";
import { type FederationDeps, findMember, isVisible } from "../deps.ts";
import type { FollowTarget } from "../follows.ts";
import { resolveActor, signedLoader, storeActor } from "../lookup.ts";

const logger = getLogger(["synco", "federation", "moving"]);

export interface MoveTarget {
  view: MoveTargetView;
  follow: FollowTarget;
}

/** The target by its id (a Move's `target`), or null when it is not an actor. */
export async function moveTargetById(
  ctx: Context<void>,
  deps: FederationDeps,
  uri: URL,
): Promise<MoveTarget | null> {
  const parsed = ctx.parseUri(uri);
  if (uri.origin === new URL(deps.config.origin).origin) {
    if (parsed?.type !== "actor") return null;
    // By name, whatever its case; the id is then the member's own spelling.
    const member = await findMember(deps.db.db, parsed.identifier);
    if (!member || !isVisible(member)) return null;
    const canonical = ctx.getActorUri(member.username).href;
    return {
      view: {
        uri: canonical,
        aliases: await aliasesOf(deps.db.db, member.id),
        movedTo: await movedTo(deps.db.db, canonical),
      },
      follow: { kind: "local", account: { id: member.id, username: member.username } },
    };
  }
  let object: unknown = null;
  try {
    object = await ctx.lookupObject(uri, { documentLoader: await signedLoader(ctx) });
  } catch (error) {
    logger.info("Fetching the move target {uri} failed: {error}", { uri: uri.href, error });
  }
  if (!object || !isActor(object) || object.id?.href !== uri.href) return null;
  const stored = await storeActor(deps, object);
  if (!stored || stored.gone) return null;
  return {
    view: {
      uri: stored.uri,
      aliases: object.aliasIds.map((a) => a.href),
      movedTo: object.successorId?.href ?? null,
    },
    follow: { kind: "remote", actor: stored },
  };
}

/** The target a member typed (a handle or a URL), looked up then read fresh. */
export async function moveTargetByQuery(
  ctx: Context<void>,
  deps: FederationDeps,
  query: string,
): Promise<MoveTarget | null> {
  const q = query.trim().replace(/^@/, "");
  const local = new RegExp(
    `^([A-Za-z0-9_]+)@${deps.config.domain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
    "i",
  ).exec(q);
  if (local?.[1]) return moveTargetById(ctx, deps, ctx.getActorUri(local[1]));
  if (/^https?:\/\//i.test(q)) {
    try {
      return await moveTargetById(ctx, deps, new URL(q));
    } catch {
      return null;
    }
  }
  const found = await resolveActor(ctx, deps, q);
  return found ? moveTargetById(ctx, deps, new URL(found.uri)) : null;
}
