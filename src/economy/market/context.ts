/**
 * What the marketplace needs from the node (the database, its origin and domain,
 * its clock: social/context.ts) and who acts: a member of this node, by actor
 * URI and account. Whether they act for themself or for the co-op is part of
 * each write's input (publishing.ts decides who may speak for the co-op).
 */
import type { SocialContext } from "../../social/context.ts";

export type MarketContext = SocialContext;

export interface MarketActor {
  /** The member's actor URI (kernel/uris.ts memberUri). */
  uri: string;
  accountId: string;
}
