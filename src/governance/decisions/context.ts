/**
 * What the decisions capability needs from the node: the database, its public
 * origin and domain, and the clock (social/context.ts is the model). A decision
 * lives in a group's thread, so the same context also writes group posts.
 */
import type { SocialContext } from "../../social/context.ts";

export type DecisionsContext = SocialContext;

/** Who acts: a member of this node (account id and username), or an actor elsewhere (federation). */
export interface Voter {
  /** The actor's URI. */
  uri: string;
  /** Set for a member of this node. */
  accountId: string | null;
}
