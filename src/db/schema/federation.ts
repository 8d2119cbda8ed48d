/** Tables of the federation core (keys, remote actors, follows, outbox events, …). */
// biome-ignore lint/complexity/noBannedTypes: filled in as the federation area adds tables
export type FederationSchema = {};
