/**
 * The tables as Kysely sees them. Timestamps are ISO-8601 UTC text; booleans are
 * 0/1 integers; JSON is text (see database.ts for why).
 */
import type { Generated } from "kysely";
import type { AccountsSchema } from "./schema/accounts.ts";
import type { ApiSchema } from "./schema/api.ts";
import type { BudgetingSchema } from "./schema/budgeting.ts";
import type { BudgetingFederationSchema } from "./schema/budgeting-federation.ts";
import type { CommonsSchema } from "./schema/commons.ts";
import type { CreditSchema } from "./schema/credit.ts";
import type { DecisionFederationSchema } from "./schema/decision-federation.ts";
import type { DecisionsSchema } from "./schema/decisions.ts";
import type { EconomySchema } from "./schema/economy.ts";
import type { FederationSchema } from "./schema/federation.ts";
import type { GroupsSchema } from "./schema/groups.ts";
import type { IndicatorsSchema } from "./schema/indicators.ts";
import type { MediaSchema } from "./schema/media.ts";
import type { MovingSchema } from "./schema/moving.ts";
import type { NewslettersSchema } from "./schema/newsletters.ts";
import type { PlanRoundsSchema } from "./schema/plan-rounds.ts";
import type { SearchSchema } from "./schema/search.ts";
import type { SocialSchema } from "./schema/social.ts";
import type { StorageSchema } from "./schema/storage.ts";

/**
 * An actor's counts, kept by triggers on posts and follows (migration 0037): what
 * every Account entity shows, read by key instead of counted per request.
 */
export interface ActorStatsTable {
  actor_uri: string;
  statuses_count: number;
  last_status_at: string | null;
  followers_count: number;
  following_count: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AccountsTable {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  role: "admin" | "moderator" | "member";
  /** "deleted" rows are tombstones: the name stays reserved and the actor answers 410 Gone. */
  status: Generated<"active" | "pending" | "suspended" | "deleted">;
  display_name: Generated<string>;
  bio: Generated<string>;
  language: Generated<string>;
  avatar_id: string | null;
  header_id: string | null;
  fields: Generated<string>;
  created_at: string;
  updated_at: string;
}

export interface InvitesTable {
  code: string;
  created_by: string | null;
  max_uses: number | null;
  uses: Generated<number>;
  expires_at: string | null;
  created_at: string;
}

export interface UploadsTable {
  id: string;
  owner_id: string | null;
  purpose: string;
  content_type: string;
  width: number;
  height: number;
  size: number;
  path: string;
  description: Generated<string>;
  /** "x,y" in [-1, 1] (Mastodon's focal point), or null. */
  focus: string | null;
  created_at: string;
}

export interface KvTable {
  key: string;
  value: string;
  expires_at: string | null;
}

export interface QueueMessagesTable {
  id: string;
  queue: string;
  payload: string;
  ordering_key: string | null;
  available_at: string;
  locked_until: string | null;
  attempts: Generated<number>;
  created_at: string;
}

export interface OutboxEventsTable {
  id: string;
  type: string;
  payload: string;
  created_at: string;
  relayed_at: string | null;
}

/** Every table. Each area keeps its own tables in schema/<area>.ts. */
export interface Schema
  extends AccountsSchema,
    FederationSchema,
    SocialSchema,
    MovingSchema,
    GroupsSchema,
    DecisionsSchema,
    BudgetingSchema,
    BudgetingFederationSchema,
    CommonsSchema,
    EconomySchema,
    IndicatorsSchema,
    PlanRoundsSchema,
    CreditSchema,
    DecisionFederationSchema,
    MediaSchema,
    SearchSchema,
    ApiSchema,
    NewslettersSchema,
    StorageSchema {
  settings: SettingsTable;
  accounts: AccountsTable;
  invites: InvitesTable;
  uploads: UploadsTable;
  kv: KvTable;
  queue_messages: QueueMessagesTable;
  outbox_events: OutboxEventsTable;
  actor_stats: ActorStatsTable;
}
