/** Invite codes: single or multi-use, optionally expiring. */
import type { Kysely, Transaction } from "kysely";
import type { Schema } from "../db/schema.ts";
import { newToken } from "../kernel/ids.ts";

export interface InviteOptions {
  /** When the invite is made (the node's clock). */
  now: Date;
  createdBy: string | null;
  /** null for unlimited uses. */
  maxUses: number | null;
  expiresAt: Date | null;
}

export async function createInvite(db: Kysely<Schema>, options: InviteOptions): Promise<string> {
  const code = newToken(12);
  await db
    .insertInto("invites")
    .values({
      code,
      created_by: options.createdBy,
      max_uses: options.maxUses,
      expires_at: options.expiresAt?.toISOString() ?? null,
      created_at: options.now.toISOString(),
    })
    .execute();
  return code;
}

export type InviteProblem = "unknown-invite" | "invite-expired" | "invite-used-up";

/** Checks an invite without using it. */
export async function checkInvite(
  db: Kysely<Schema>,
  code: string,
  now: Date,
): Promise<InviteProblem | null> {
  const invite = await db
    .selectFrom("invites")
    .selectAll()
    .where("code", "=", code)
    .executeTakeFirst();
  if (!invite) return "unknown-invite";
  if (invite.expires_at && invite.expires_at <= now.toISOString()) return "invite-expired";
  if (invite.max_uses !== null && invite.uses >= invite.max_uses) return "invite-used-up";
  return null;
}

/** Uses an invite inside the caller's transaction; the guarded update makes it race-free. */
export async function consumeInvite(
  trx: Transaction<Schema>,
  code: string,
  now: Date,
): Promise<boolean> {
  const result = await trx
    .updateTable("invites")
    .set((eb) => ({ uses: eb("uses", "+", 1) }))
    .where("code", "=", code)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now.toISOString())]))
    .where((eb) => eb.or([eb("max_uses", "is", null), eb("uses", "<", eb.ref("max_uses"))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
