/** What the social capability needs from the node: the database and its public origin. */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";

export interface SocialContext {
  db: Kysely<Schema>;
  /** e.g. https://coop.example */
  origin: string;
  /** e.g. coop.example (host[:port]) */
  domain: string;
}

/** A member acting: their account id and username. */
export interface Member {
  id: string;
  username: string;
}

// The URIs live in kernel/uris.ts. Re-exported for social/posts.ts, which the
// posts-table merge is rewriting; import from kernel/uris.ts in new code.
export { followersUri, memberUri, memberUrl, postUri, postUrl, tagUrl } from "../kernel/uris.ts";
