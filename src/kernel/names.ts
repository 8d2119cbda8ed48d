/**
 * Names a node keeps for itself. Members and groups share one namespace (both
 * answer WebFinger on the same host), so both check this one list; a name added
 * here is refused for both.
 */

/** The co-op and instance actors (kernel/uris.ts) and the node's own top-level routes. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "admin",
  "coop",
  "instance",
  "root",
  "synco",
  "api",
  "oauth",
  "settings",
  "www",
  "postmaster",
]);

/** Also kept from groups: the words under /groups/ that are routes, not group names. */
export const RESERVED_GROUP_NAMES: ReadonlySet<string> = new Set([
  ...RESERVED_NAMES,
  "assembly",
  "groups",
  "new",
  "federations",
  "elsewhere",
]);

/** Is this name kept from members (case does not matter). */
export const isReservedName = (name: string) => RESERVED_NAMES.has(name.toLowerCase());
/** Is this name kept from groups (case does not matter). */
export const isReservedGroupName = (name: string) => RESERVED_GROUP_NAMES.has(name.toLowerCase());
