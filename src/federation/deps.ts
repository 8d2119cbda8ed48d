/** What the federation modules need from the node; no Fedify types here. */
import type { CoopSettingsStore } from "../accounts/coop.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/database.ts";
import type { Clock } from "../kernel/clock.ts";
import type { SocialContext } from "../social/context.ts";
import type { ActorKeys } from "./keys.ts";

export interface FederationDeps {
  config: Pick<Config, "origin" | "domain" | "allowPrivateAddress" | "registration">;
  db: Db;
  coop: CoopSettingsStore;
  keys: ActorKeys;
  /** "Now" for the timestamps federation writes (kernel/clock.ts). */
  clock: Clock;
  /** Called when a local actor's document changed, so cached copies are dropped. */
  invalidate(): void;
}

/** The social capability's context for what federation stores (remote posts, votes, reports). */
export const socialContext = (
  deps: Pick<FederationDeps, "db" | "config" | "clock">,
): SocialContext => ({
  db: deps.db.db,
  origin: deps.config.origin,
  domain: deps.config.domain,
  clock: deps.clock,
});

/** Identifiers of the two non-member actors (both names are reserved for members). */
export { COOP_ACTOR as COOP, INSTANCE_ACTOR as INSTANCE } from "../kernel/uris.ts";

/** A member as the actor documents need it. */
export async function findMember(db: Db["db"], username: string) {
  return db
    .selectFrom("accounts")
    .leftJoin("uploads as avatar", "avatar.id", "accounts.avatar_id")
    .leftJoin("uploads as header", "header.id", "accounts.header_id")
    .leftJoin("follow_policies", "follow_policies.account_id", "accounts.id")
    .select([
      "accounts.id",
      "accounts.username",
      "accounts.status",
      "accounts.display_name",
      "accounts.bio",
      "accounts.fields",
      "accounts.created_at",
      "accounts.updated_at",
      "avatar.path as avatar_path",
      "header.path as header_path",
      "follow_policies.manually_approves",
    ])
    .where((eb) => eb(eb.fn("lower", ["accounts.username"]), "=", username.toLowerCase()))
    .executeTakeFirst();
}

export type Member = NonNullable<Awaited<ReturnType<typeof findMember>>>;

/** "deleted" is the tombstone status the accounts area sets; its actor answers 410. */
export const isDeleted = (m: Pick<Member, "status">) => (m.status as string) === "deleted";
export const isVisible = (m: Pick<Member, "status">) => m.status === "active";
