/**
 * A mutual-credit ledger on a fresh database (SQLite, or PostgreSQL with
 * TEST_DATABASE_URL): a node admin who runs a federation group, member co-ops
 * (this node's and others' Organization actors, as group_members rows) and a
 * ledger opened by the admin, for the tests beside src/economy/credit/.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Schema } from "../../src/db/schema.ts";
import { createLedger, findLedger, type Ledger } from "../../src/economy/credit/ledgers.ts";
import type { Group } from "../../src/groups/groups.ts";
import { insertMember } from "../../src/groups/memberships.ts";
import { coopUri } from "../../src/kernel/uris.ts";
import { type GroupsFixture, groupsFixture, ORIGIN } from "./groups.ts";

export { ORIGIN };
export const OUR_COOP = coopUri(ORIGIN);
/** Another node's co-op actor. */
export const coopAt = (n: number) => `https://coop${n}.example/users/coop`;

export interface CreditFixture extends GroupsFixture {
  admin: { id: string; username: string };
  federation: Group;
  ledger: Ledger;
  /** Adds an active member co-op to the federation. */
  join(coop: string, db?: Kysely<Schema>): Promise<void>;
}

export async function creditFixture(
  options: { coops?: number; debit?: number; credit?: number; ourCoop?: boolean } = {},
): Promise<CreditFixture> {
  const f = await groupsFixture();
  const admin = await f.member("ada", "admin");
  const federation = await f.group(admin, { name: "fed", kind: "federation" });
  const join = async (coop: string, db: Kysely<Schema> = f.handle.db) => {
    await insertMember(db, f.clock.now().toISOString(), {
      group_id: federation.id,
      actor_uri: coop,
      account_id: null,
      remote_id: null,
      actor_kind: "coop",
      role: "member",
      status: "active",
      follow_activity_uri: null,
    });
  };
  if (options.ourCoop ?? true) await join(OUR_COOP);
  for (let n = 1; n <= (options.coops ?? 3); n++) await join(coopAt(n));
  const made = await createLedger(f.ctx, admin, {
    groupId: federation.id,
    settings: {
      unit: "hours",
      defaultDebitLimit: options.debit ?? 10_000,
      defaultCreditLimit: options.credit ?? 20_000,
    },
  });
  assert.ok(made.ok, JSON.stringify(made));
  const ledger = await findLedger(f.handle.db, made.value.id);
  assert.ok(ledger);
  return { ...f, admin, federation, ledger, join };
}

/** Every balance of a ledger, and their sum. */
export async function balancesOf(db: Kysely<Schema>, ledgerId: string) {
  const rows = await db
    .selectFrom("credit_accounts")
    .select(["coop_uri", "balance", "debit_limit", "credit_limit"])
    .where("ledger_id", "=", ledgerId)
    .execute();
  return {
    rows,
    sum: rows.reduce((s, r) => s + r.balance, 0),
    of: (coop: string) => rows.find((r) => r.coop_uri === coop)?.balance,
  };
}
