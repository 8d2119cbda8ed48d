/**
 * The rules of moving between accounts (Mastodon's semantics), with no database:
 * a Move from one account to another counts only when the new account names the
 * old one in its `alsoKnownAs`, and a move is not repeated within its cooldown.
 */

/** An account may list at most this many others it moves from (GoToSocial keeps 20 of a remote's). */
export const MAX_ALIASES = 10;

/** A member waits this long between two moves (as Mastodon, 30 days). */
export const MOVE_COOLDOWN_MS = 30 * 24 * 3600_000;

/** A remote actor's second Move to another target within this is ignored (Mastodon: 7 days). */
export const REMOTE_MOVE_COOLDOWN_MS = 7 * 24 * 3600_000;

/** Does the target account (its alsoKnownAs) name the origin? URIs are compared exactly. */
export function listsOrigin(targetAliases: readonly string[], originUri: string): boolean {
  return targetAliases.includes(originUri);
}

/** Was the last move recent enough that another must wait? */
export function inCooldown(lastMovedAt: string | null, now: Date, cooldownMs: number): boolean {
  return lastMovedAt !== null && now.getTime() - Date.parse(lastMovedAt) < cooldownMs;
}
