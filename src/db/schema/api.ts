/**
 * Tables only the Mastodon client API needs: OAuth 2 applications, authorization
 * codes and access tokens (RFC 6749; secrets and tokens stored as sha256), the
 * read markers, lists of accounts, and Idempotency-Key answers for posting.
 */
export interface OauthAppsTable {
  id: string;
  client_id: string;
  client_secret_hash: string;
  name: string;
  website: string | null;
  /** JSON array of allowed redirect URIs. */
  redirect_uris: string;
  /** Space-separated scopes the app may ask for. */
  scopes: string;
  created_at: string;
}

export interface OauthCodesTable {
  code_hash: string;
  app_id: string;
  account_id: string;
  redirect_uri: string;
  scopes: string;
  /** PKCE (RFC 7636): the challenge and its method ("S256" or "plain"), if the app sent one. */
  code_challenge: string | null;
  code_challenge_method: string | null;
  expires_at: string;
  created_at: string;
}

export interface OauthTokensTable {
  id: string;
  token_hash: string;
  refresh_hash: string | null;
  app_id: string;
  /** Null for a client_credentials token (the app itself, no member). */
  account_id: string | null;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface MarkersTable {
  account_id: string;
  timeline: "home" | "notifications";
  last_read_id: string;
  version: number;
  updated_at: string;
}

export interface ListsTable {
  id: string;
  account_id: string;
  title: string;
  replies_policy: "followed" | "list" | "none";
  exclusive: number;
  created_at: string;
}

export interface ListAccountsTable {
  list_id: string;
  /** The actor in the list (a member's or a remote actor's URI). */
  actor_uri: string;
  created_at: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  status_id: string;
  created_at: string;
}

export type ApiSchema = {
  oauth_apps: OauthAppsTable;
  oauth_codes: OauthCodesTable;
  oauth_tokens: OauthTokensTable;
  markers: MarkersTable;
  lists: ListsTable;
  list_accounts: ListAccountsTable;
  idempotency_keys: IdempotencyKeysTable;
};
