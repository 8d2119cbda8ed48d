/**
 * Finding actors on other servers by handle (WebFinger, RFC 7033) or URL, and
 * keeping the copies in remote_actors fresh. Fetches are signed by the instance
 * actor (GoToSocial and Mastodon in secure mode refuse unsigned GETs) and go
 * through Fedify's loader, which refuses private and loopback addresses unless
 * SYNCO_ALLOW_PRIVATE_ADDRESS=1.
 */
import type { Context } from "@fedify/fedify";
import { type Actor, type Object as APObject, getActorTypeName, isActor } from "@fedify/vocab";
import { validatePublicUrl } from "@fedify/vocab-runtime";
import { getLogger } from "@logtape/logtape";
import { isLoopbackHost, originFor } from "../config.ts";
import { userAgent } from "../kernel/version.ts";
import { type FederationDeps, INSTANCE } from "./deps.ts";
import {
  findRemoteActor,
  isStale,
  type RemoteActor,
  type RemoteActorInput,
  upsertRemoteActor,
} from "./remote-actors.ts";
import { readFeatured } from "./social/featured-remote.ts";

const logger = getLogger(["synco", "federation", "lookup"]);

/** The fields we keep of an actor document; null when it lacks what we need (an inbox). */
export function actorInput(actor: Actor): RemoteActorInput | null {
  const id = actor.id;
  const inbox = actor.inboxId;
  if (!id || !inbox) return null;
  const username = actor.preferredUsername?.toString() ?? id.pathname.split("/").pop() ?? "";
  return {
    uri: id.href,
    type: getActorTypeName(actor),
    username,
    host: id.host,
    name: actor.name?.toString() ?? "",
    summary: actor.summary?.toString() ?? "",
    url: actor.url instanceof URL ? actor.url.href : (actor.url?.href?.href ?? null),
    avatarUrl: null,
    inbox: inbox.href,
    sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
    followers: actor.followersId?.href ?? null,
    following: actor.followingId?.href ?? null,
    manuallyApprovesFollowers: actor.manuallyApprovesFollowers ?? false,
  };
}

/**
 * Fedify checks addresses on every fetch it makes, but delivers to whatever inbox
 * an actor document names; so an actor whose inboxes are private or loopback
 * addresses is refused before it is stored, unless SYNCO_ALLOW_PRIVATE_ADDRESS=1.
 */
async function inboxesArePublic(urls: (string | null)[]): Promise<boolean> {
  try {
    for (const url of urls) if (url) await validatePublicUrl(url);
    return true;
  } catch {
    return false;
  }
}

type Deps = Pick<FederationDeps, "db" | "config" | "clock">;

/** Stores an actor document (with its icon's URL, which needs one more await). */
export async function storeActor(deps: Deps, actor: Actor): Promise<RemoteActor | null> {
  const input = actorInput(actor);
  if (!input) return null;
  if (
    !deps.config.allowPrivateAddress &&
    !(await inboxesArePublic([input.inbox, input.sharedInbox]))
  ) {
    logger.warning("Refusing actor {uri}: its inbox is a private address", { uri: input.uri });
    return null;
  }
  try {
    const icon = await actor.getIcon();
    const url = icon?.url;
    input.avatarUrl = url instanceof URL ? url.href : (url?.href?.href ?? null);
  } catch {
    // An icon that cannot be read leaves the avatar empty; the actor is still usable.
  }
  try {
    const image = await actor.getImage();
    const url = image?.url;
    input.headerUrl = url instanceof URL ? url.href : (url?.href?.href ?? null);
  } catch {
    input.headerUrl = null;
  }
  return upsertRemoteActor(deps.db.db, input, deps.clock);
}

export async function signedLoader(ctx: Context<void>) {
  return ctx.getDocumentLoader({ identifier: INSTANCE });
}

/**
 * WebFinger always asks https://host/ for acct: handles (RFC 7033 §4), but nodes
 * on loopback addresses (local runs, tests) speak http; when private addresses
 * are allowed, ask those over http and return the actor's id. A loopback server
 * that speaks only https (a GoToSocial in a test) fails here and is asked by
 * Fedify over https instead.
 */
async function loopbackWebFinger(deps: Deps, handle: string): Promise<string | null> {
  const host = handle.slice(handle.lastIndexOf("@") + 1);
  const hostname = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
  if (!deps.config.allowPrivateAddress || !isLoopbackHost(hostname ?? "")) return null;
  const url = new URL("/.well-known/webfinger", originFor(host));
  url.searchParams.set("resource", `acct:${handle}`);
  const res = await fetch(url, {
    headers: { accept: "application/jrd+json", "user-agent": userAgent(deps.config.origin) },
    redirect: "error",
  }).catch(() => null);
  if (!res?.ok) return null;
  const jrd = (await res.json().catch(() => ({}))) as {
    links?: { rel?: string; type?: string; href?: string }[];
  };
  const self = jrd.links?.find(
    (l) => l.rel === "self" && /activity\+json|ld\+json/.test(l.type ?? "") && l.href,
  );
  return self?.href ?? null;
}

/**
 * The remote actor a member typed: "@user@host", "user@host" or a URL. Served
 * from the cache when fresh; null when nothing (or no actor) is found there.
 */
export async function resolveActor(
  ctx: Context<void>,
  deps: Deps,
  query: string,
): Promise<RemoteActor | null> {
  const db = deps.db.db;
  const q = query.trim();
  const isUrl = /^https?:\/\//i.test(q);
  const handle = q.replace(/^@/, "").replace(/^acct:/i, "");
  if (!isUrl && !/^[^@\s]+@[^@\s]+$/.test(handle)) return null;
  const cached = await findRemoteActor(db, isUrl ? { uri: q } : { handle });
  if (cached && !isStale(cached)) return cached;
  let found: APObject | null = null;
  try {
    const target = isUrl ? q : ((await loopbackWebFinger(deps, handle)) ?? `acct:${handle}`);
    found = await ctx.lookupObject(target, { documentLoader: await signedLoader(ctx) });
  } catch (error) {
    logger.info("Looking up {query} failed: {error}", { query: q, error });
  }
  if (!found || !isActor(found)) return cached ?? null;
  return storeFetchedActor(ctx, deps, found);
}

/** The actor with this id, from the cache or fetched (then cached). */
export async function ensureActor(
  ctx: Context<void>,
  deps: Deps,
  uri: URL,
  fetched?: Actor | null,
): Promise<RemoteActor | null> {
  const db = deps.db.db;
  const cached = await findRemoteActor(db, { uri: uri.href });
  if (cached && !isStale(cached)) return cached;
  let actor = fetched ?? null;
  if (!actor || actor.id?.href !== uri.href) {
    try {
      const object = await ctx.lookupObject(uri, { documentLoader: await signedLoader(ctx) });
      actor = object && isActor(object) ? object : null;
    } catch (error) {
      logger.info("Fetching actor {uri} failed: {error}", { uri: uri.href, error });
    }
  }
  if (!actor) return cached ?? null;
  return storeFetchedActor(ctx, deps, actor);
}

/** Stores an actor just fetched, and reads its pinned posts (social/featured-remote.ts). */
async function storeFetchedActor(
  ctx: Context<void>,
  deps: Deps,
  actor: Actor,
): Promise<RemoteActor | null> {
  const stored = await storeActor(deps, actor);
  if (stored && !stored.gone)
    await readFeatured(ctx, deps, actor, stored).catch((error: unknown) => {
      logger.info("Reading the pins of {uri} failed: {error}", { uri: stored.uri, error });
    });
  return stored;
}
