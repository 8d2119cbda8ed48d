/**
 * OAuth scopes as Mastodon defines them (docs.joinmastodon.org/api/oauth-scopes):
 * the top-level read / write / follow / push, and granular ones such as
 * read:statuses or write:media. A top-level scope grants all its granular
 * ones; the deprecated `follow` grants reading and writing blocks, follows and mutes.
 */
const granular = {
  read: [
    "accounts",
    "blocks",
    "bookmarks",
    "favourites",
    "filters",
    "follows",
    // The opsroom (api/routes/indicators.ts): a Synco scope, not Mastodon's.
    "indicators",
    "lists",
    "mutes",
    "notifications",
    "search",
    "statuses",
  ],
  write: [
    "accounts",
    "blocks",
    "bookmarks",
    "conversations",
    "favourites",
    "filters",
    "follows",
    "indicators",
    "lists",
    "media",
    "mutes",
    "notifications",
    "reports",
    "statuses",
  ],
} as const;

const followGrants = new Set([
  "read:blocks",
  "read:follows",
  "read:mutes",
  "write:blocks",
  "write:follows",
  "write:mutes",
]);

export const knownScopes: ReadonlySet<string> = new Set([
  "read",
  "write",
  "follow",
  "push",
  "profile",
  ...granular.read.map((s) => `read:${s}`),
  ...granular.write.map((s) => `write:${s}`),
]);

/** Space-separated scopes (as sent), or null when one is unknown. Empty means "read". */
export function parseScopes(text: string | undefined | null): string[] | null {
  const list = (text ?? "")
    .split(/[\s+]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) return ["read"];
  if (list.some((s) => !knownScopes.has(s))) return null;
  return [...new Set(list)];
}

/** Whether a token's scopes grant `required` (e.g. "read:statuses"). */
export function grants(scopes: ReadonlySet<string>, required: string): boolean {
  if (scopes.has(required)) return true;
  const [top] = required.split(":");
  if (top && top !== required && scopes.has(top)) return true;
  if (required === "profile") return scopes.has("read") || scopes.has("read:accounts");
  return scopes.has("follow") && followGrants.has(required);
}

/** Every asked scope must be one the app registered (a granular one is covered by its parent). */
export function within(asked: string[], allowed: string[]): boolean {
  const set = new Set(allowed);
  return asked.every((s) => grants(set, s));
}
