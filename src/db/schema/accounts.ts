/** Tables of members and their co-op beyond the foundation's accounts table. */
import type { Generated } from "kysely";

export interface SessionsTable {
  id: string;
  token_hash: string;
  account_id: string;
  user_agent: Generated<string>;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** An application to join, while the account waits for approval. */
export interface ApplicationsTable {
  account_id: string;
  reason: string;
  invite_code: string | null;
  created_at: string;
}

export type AccountTokenPurpose = "reset" | "verify" | "email";

/** One-time tokens sent by email or handed out by an admin; stored hashed. */
export interface AccountTokensTable {
  token_hash: string;
  account_id: string;
  purpose: AccountTokenPurpose;
  created_by: string | null;
  /** For an "email" token: the new address it confirms. */
  email: string | null;
  expires_at: string;
  created_at: string;
}

export interface EmailVerificationsTable {
  account_id: string;
  created_at: string;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  window_ends: string;
}

export interface AdminActionsTable {
  id: string;
  actor_id: string | null;
  action: string;
  target: string | null;
  /** JSON object. */
  details: Generated<string>;
  created_at: string;
}

export type AccountsSchema = {
  sessions: SessionsTable;
  applications: ApplicationsTable;
  account_tokens: AccountTokensTable;
  email_verifications: EmailVerificationsTable;
  rate_limits: RateLimitsTable;
  admin_actions: AdminActionsTable;
};
