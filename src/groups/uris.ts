/**
 * The URIs a group's data is keyed by now live in kernel/uris.ts. These
 * re-exports stay for the files the posts-table merge is rewriting
 * (groups/threads.ts, federation/groups/{relay-handlers,serve}.ts,
 * groups/{groups,memberships,federations}.ts being reshaped,
 * web/groups/pages.ts); import from kernel/uris.ts in new code.
 */
export { coopUri, groupPostUri, groupUri, memberUri as personUri } from "../kernel/uris.ts";
