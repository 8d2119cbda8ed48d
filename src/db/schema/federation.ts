/** Tables of the federation core: actor keys, remote actors, follows, follow policy. */
import type { Generated } from "kysely";

/** An actor's key pair, exported as JWK. Owner is an account id, "coop" or "instance". */
export interface FederationKeysTable {
  owner: string;
  algorithm: "RSASSA-PKCS1-v1_5" | "Ed25519";
  public_jwk: string;
  private_jwk: string;
  created_at: string;
}

/** What we know of an actor on another server (refreshed when stale). */
export interface RemoteActorsTable {
  id: string;
  uri: string;
  /** user@host, lower-cased, for look-ups by handle. */
  handle: string;
  type: string;
  username: string;
  host: string;
  name: Generated<string>;
  summary: Generated<string>;
  url: string | null;
  avatar_url: string | null;
  /** The profile's header image (the actor's `image`), http(s) only. */
  header_url: string | null;
  inbox_url: string;
  shared_inbox_url: string | null;
  followers_url: string | null;
  following_url: string | null;
  manually_approves: Generated<number>;
  /** Their collections' totalItems as their server gives them; null while unknown (migration 0048). */
  posts_count: number | null;
  followers_count: number | null;
  following_count: number | null;
  /** When those counts were last read. */
  counts_fetched_at: string | null;
  /** Set when the actor sent Delete(Person) or answered 410 Gone. */
  gone: Generated<number>;
  fetched_at: string;
  created_at: string;
}

/**
 * A follow between two actors, local or remote. Exactly one of each pair of
 * *_account_id / *_remote_id is set. The URIs make (follower, followee) unique.
 */
export interface FollowsTable {
  id: string;
  follower_uri: string;
  followee_uri: string;
  follower_account_id: string | null;
  follower_remote_id: string | null;
  followee_account_id: string | null;
  followee_remote_id: string | null;
  status: "pending" | "accepted";
  /** The Follow activity's id: ours when we sent it, theirs when we received it. */
  activity_uri: string;
  created_at: string;
  accepted_at: string | null;
}

/** Members who approve followers by hand (a "locked" account). */
export interface FollowPoliciesTable {
  account_id: string;
  manually_approves: number;
}

/** How deliveries to one remote host went (federation/delivery-stats.ts). */
export interface InstanceDeliveryStatsTable {
  host: string;
  delivered: Generated<number>;
  failed: Generated<number>;
  /** Failed deliveries since the last one that got through. */
  failures_in_a_row: Generated<number>;
  last_status: number | null;
  /** The last failure: the HTTP status or the network error, at most 200 characters. */
  last_error: Generated<string>;
  last_success_at: string | null;
  last_failure_at: string | null;
}

export type FederationSchema = {
  federation_keys: FederationKeysTable;
  remote_actors: RemoteActorsTable;
  follows: FollowsTable;
  follow_policies: FollowPoliciesTable;
  instance_delivery_stats: InstanceDeliveryStatsTable;
};
