/** Tables of members and their co-op beyond the foundation's accounts table (sessions, applications, …). */
// biome-ignore lint/complexity/noBannedTypes: filled in as the accounts area adds tables
export type AccountsSchema = {};
