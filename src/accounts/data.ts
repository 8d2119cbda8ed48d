/**
 * A member's data, area by area: the export archive and account deletion.
 *
 * Each area that stores something about a member (accounts here; social,
 * groups, … later) provides an AccountDataContributor. The composition root
 * (src/app.ts) builds the list, so accounts never imports a later area.
 * Deletion runs every contributor's `erase` in one transaction, later areas
 * first, then turns the account row into a tombstone: the username stays
 * reserved (never reused; the federated actor answers 410 Gone) and an
 * `accounts.account.deleted` event goes to the outbox in the same transaction.
 */
import type { Kysely, Transaction } from "kysely";
import type { S3Settings } from "../config.ts";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { mediaUrl } from "../storage/images.ts";
import { removeUnreferencedFiles } from "../storage/uploads.ts";
import { locksRows } from "./locking.ts";
import { revokeCredentials } from "./sessions.ts";

export { removeUnreferencedFiles };

export interface AccountDataContributor {
  /** The key of this area's section in the export archive. */
  name: string;
  /** Everything this area holds about the member, as plain JSON-serialisable data. */
  export(db: Kysely<Schema>, accountId: string): Promise<unknown>;
  /**
   * Removes the member's data inside the deletion transaction (database work only);
   * `at` is the deletion's time (ISO), from the node's clock, for anything stamped.
   */
  erase(trx: Transaction<Schema>, accountId: string, at: string): Promise<void>;
}

export const DELETED = "deleted";

export function isDeleted(account: { status: string }): boolean {
  return account.status === DELETED;
}

/** The accounts area's own contribution: profile, sessions, invites, application, uploads. */
export const accountsContributor: AccountDataContributor = {
  name: "accounts",
  async export(db, accountId) {
    const account = await db
      .selectFrom("accounts")
      .select([
        "id",
        "username",
        "email",
        "role",
        "status",
        "display_name",
        "bio",
        "language",
        "avatar_id",
        "header_id",
        "fields",
        "created_at",
        "updated_at",
      ])
      .where("id", "=", accountId)
      .executeTakeFirstOrThrow();
    const sessions = await db
      .selectFrom("sessions")
      .select(["user_agent", "created_at", "last_seen_at", "expires_at"])
      .where("account_id", "=", accountId)
      .orderBy("created_at")
      .execute();
    const invites = await db
      .selectFrom("invites")
      .select(["code", "max_uses", "uses", "expires_at", "created_at"])
      .where("created_by", "=", accountId)
      .orderBy("created_at")
      .execute();
    const application = await db
      .selectFrom("applications")
      .select(["reason", "invite_code", "created_at"])
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    const uploads = await db
      .selectFrom("uploads")
      .select([
        "id",
        "purpose",
        "content_type",
        "width",
        "height",
        "size",
        "path",
        "description",
        "created_at",
      ])
      .where("owner_id", "=", accountId)
      .orderBy("created_at")
      .execute();
    return {
      profile: {
        ...account,
        fields: JSON.parse(account.fields) as unknown,
      },
      sessions,
      invitesCreated: invites,
      application: application ?? null,
      uploads: uploads.map(({ path, ...u }) => ({ ...u, url: mediaUrl(path) })),
    };
  },
  async erase(trx, accountId, at) {
    await revokeCredentials(trx, accountId, { now: new Date(at) });
    await trx.deleteFrom("account_tokens").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("email_verifications").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("applications").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("invites").where("created_by", "=", accountId).execute();
    await trx.deleteFrom("uploads").where("owner_id", "=", accountId).execute();
  },
};

/** The export archive: one JSON object with a section per contributor. */
export async function exportAccount(
  db: Kysely<Schema>,
  accountId: string,
  contributors: readonly AccountDataContributor[],
  clock: Clock = systemClock,
): Promise<Record<string, unknown>> {
  const archive: Record<string, unknown> = {
    format: "synco-account-export",
    version: 1,
    exportedAt: clock.now().toISOString(),
  };
  for (const contributor of contributors) {
    archive[contributor.name] = await contributor.export(db, accountId);
  }
  return archive;
}

export type DeleteFailure = "not-found" | "last-admin";

/** Deletes a member's data and leaves a tombstone; the last active admin cannot be deleted. */
export async function deleteAccount(
  db: Kysely<Schema>,
  accountId: string,
  options: {
    contributors: readonly AccountDataContributor[];
    dataDir: string;
    /** Where the media are when not in dataDir (Config.s3). */
    s3?: S3Settings | null;
    clock?: Clock;
  },
): Promise<{ ok: true } | { ok: false; reason: DeleteFailure }> {
  const now = (options.clock ?? systemClock).now().toISOString();
  const files = await db
    .selectFrom("uploads")
    .select("path")
    .where("owner_id", "=", accountId)
    .execute();
  const outcome = await db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx);
    const account = await trx
      .selectFrom("accounts")
      .select(["id", "role", "status"])
      .where("id", "=", accountId)
      .$if(locksRows(trx), (q) => q.forUpdate())
      .executeTakeFirst();
    if (!account || isDeleted(account)) return "not-found" as const;
    if (account.role === "admin" && otherActiveAdmins(admins, accountId) === 0)
      return "last-admin" as const;
    for (const contributor of [...options.contributors].reverse()) {
      await contributor.erase(trx, accountId, now);
    }
    await trx
      .updateTable("accounts")
      .set({
        // The address is freed (and kept unique) for someone else to use.
        email: `deleted+${accountId}@invalid`,
        password_hash: "",
        role: "member",
        status: DELETED,
        display_name: "",
        bio: "",
        avatar_id: null,
        header_id: null,
        fields: "[]",
        updated_at: now,
      })
      .where("id", "=", accountId)
      .execute();
    await recordEvent(trx, { type: "accounts.account.deleted", payload: { accountId } });
    return "deleted" as const;
  });
  if (outcome !== "deleted") return { ok: false, reason: outcome };
  await removeUnreferencedFiles(
    db,
    options,
    files.map((f) => f.path),
  );
  return { ok: true };
}

/**
 * The admins' rows, locked on PostgreSQL until the transaction ends. Every change
 * that could remove an admin (demotion, deletion) takes this lock first, always in
 * the same order, so two of them at once cannot remove the last admin, nor deadlock.
 */
export async function lockAdmins(trx: Kysely<Schema>): Promise<{ id: string; status: string }[]> {
  return trx
    .selectFrom("accounts")
    .select(["id", "status"])
    .where("role", "=", "admin")
    .orderBy("id")
    .$if(locksRows(trx), (q) => q.forUpdate())
    .execute();
}

export function otherActiveAdmins(
  admins: { id: string; status: string }[],
  accountId: string,
): number {
  return admins.filter((a) => a.id !== accountId && a.status === "active").length;
}
