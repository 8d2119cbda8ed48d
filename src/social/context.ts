/** What the social capability needs from the node: the database, its public origin and its clock. */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { Clock } from "../kernel/clock.ts";

export interface SocialContext {
  db: Kysely<Schema>;
  /** e.g. https://coop.example */
  origin: string;
  /** e.g. coop.example (host[:port]) */
  domain: string;
  /** "Now" for every timestamp the capability writes, so tests can fix it (kernel/clock.ts). */
  clock: Clock;
}

/** A member acting: their account id and username. */
export interface Member {
  id: string;
  username: string;
}

// The URIs live in kernel/uris.ts. Re-exported for social/posts.ts, which the
// posts-table merge is rewriting; import from kernel/uris.ts in new code.
export { followersUri, memberUri, memberUrl, postUri, postUrl, tagUrl } from "../kernel/uris.ts";
