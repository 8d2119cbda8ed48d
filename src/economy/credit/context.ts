/**
 * What the mutual-credit ledger needs from the node: the database, its public
 * origin and domain, and the clock (as the social capability). A member acting
 * here is `{ id, username }`; a co-op acting from elsewhere is its actor URI,
 * which federation/credit checks against the activity's signature first.
 */
import { coopUri } from "../../kernel/uris.ts";
import type { SocialContext } from "../../social/context.ts";

export type CreditContext = SocialContext;
export type { Member } from "../../social/context.ts";

/** Amounts are hundredths of the ledger's unit; this is far above any real one and exact in a double. */
export const MAX_AMOUNT = 1_000_000_000_000;
export const MAX_MEMO = 500;
export const MAX_UNIT = 24;

/** A co-op's account belongs to the node's Organization actor: the co-op of any agent on that node. */
export const coopOfAgent = (agentUri: string): string | null =>
  URL.canParse(agentUri) ? coopUri(new URL(agentUri).origin) : null;
