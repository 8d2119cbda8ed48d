/**
 * Fetching one post by its URL or id, for the client API's search with
 * `resolve=true` (docs.joinmastodon.org/methods/search): the object is fetched
 * with the instance actor's signature, must be a Note, Article or Question on
 * its author's server, from a domain and author allowed to federate here, and
 * is stored as any post that arrived. Additive: the inbox does not use it.
 */
import type { Context } from "@fedify/fedify";
import { Article, Note, Question } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { isSuspendedActor } from "../../social/moderation.ts";
import { storeRemotePost } from "../../social/remote-posts.ts";
import { type FederationDeps, socialContext } from "../deps.ts";
import type { FederationGateway } from "../index.ts";
import { ensureActor, signedLoader } from "../lookup.ts";
import { allowsFederation } from "./domain-policy.ts";
import { parseRemotePost } from "./parse.ts";

const logger = getLogger(["synco", "federation", "social"]);

/** The id of the post at `url` here, fetched and stored if needed; null when there is none. */
export async function resolveRemotePost(
  gateway: FederationGateway,
  url: string,
): Promise<string | null> {
  const { deps } = gateway;
  const runtime = await gateway.load();
  return resolvePostIn(runtime.federation.createContext(new URL(deps.config.origin)), deps, url);
}

/** The same, given a federation context (the worker's: an import of bookmarks). */
export async function resolvePostIn(
  ctx: Context<void>,
  deps: FederationDeps,
  url: string,
): Promise<string | null> {
  const db = deps.db.db;
  const known = await db
    .selectFrom("posts")
    .select("id")
    .where((eb) => eb.or([eb("uri", "=", url), eb("url", "=", url)]))
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (known) return known.id;
  let host: string;
  try {
    host = new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
  if (!(await allowsFederation(db, host))) return null;
  const loader = await signedLoader(ctx);
  let object: unknown = null;
  try {
    object = await ctx.lookupObject(url, { documentLoader: loader });
  } catch (error) {
    logger.info("Fetching post {url} failed: {error}", { url, error });
  }
  if (!(object instanceof Note || object instanceof Article || object instanceof Question))
    return null;
  const authorId = object.attributionId;
  if (!authorId || (await isSuspendedActor(db, authorId.href))) return null;
  const author = await ensureActor(ctx, deps, authorId);
  if (!author || author.gone) return null;
  const input = await parseRemotePost(ctx, object, author, deps.clock);
  if (!input || new URL(input.uri).origin !== new URL(author.uri).origin) return null;
  const stored = await storeRemotePost(socialContext(deps), input);
  return stored.id;
}
