/**
 * The commons capability on a fresh database (SQLite, or PostgreSQL with
 * TEST_DATABASE_URL) with a fixed clock and a throwaway Ed25519 signing key:
 * the groups fixture plus a dataset declared in the co-op's assembly.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import type { CommonsContext } from "../../src/commons/context.ts";
import { declareDataset, type NewDataset } from "../../src/commons/datasets.ts";
import { signerFromKeys } from "../../src/commons/signing.ts";
import { assembly } from "../../src/groups/groups.ts";
import { coopUri } from "../../src/kernel/uris.ts";
import { type GroupsFixture, groupsFixture, ORIGIN } from "./groups.ts";

export { ORIGIN };

export const PURPOSE = "To know how many hours our members volunteer, by sector, to plan the year.";

export function testSigner() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return signerFromKeys(`${coopUri(ORIGIN)}#multikey-2`, privateKey, publicKey);
}

export interface CommonsFixture extends GroupsFixture {
  cx: CommonsContext;
  /** A dataset in the assembly, declared by `admin` (fields: hours 0..40 with one decimal, sector). */
  dataset(admin: { id: string; username: string }, over?: Partial<NewDataset>): Promise<string>;
  rows(
    table:
      | "commons_datasets"
      | "commons_rows"
      | "commons_consents"
      | "commons_releases"
      | "commons_ledger",
  ): Promise<number>;
}

export async function commonsFixture(): Promise<CommonsFixture> {
  const f = await groupsFixture();
  const cx: CommonsContext = {
    db: f.handle.db,
    origin: ORIGIN,
    clock: f.clock,
    signer: testSigner(),
  };
  return {
    ...f,
    cx,
    async dataset(admin, over = {}) {
      const group = await assembly(f.handle.db);
      const made = await declareDataset(cx, admin, {
        groupId: group.id,
        title: "Volunteer hours",
        purpose: PURPOSE,
        unit: "member",
        period: "month",
        budgetRho: 1,
        defaultRho: 0.25,
        maxRowsPerUnit: 2,
        maxRowsPerMember: 10,
        fields: [
          { type: "number", name: "hours", unit: "hours", decimals: 1, lower: "0", upper: "40" },
          { type: "category", name: "sector", values: ["care", "food", "repair"] },
        ],
        ...over,
      });
      assert.ok(made.ok, JSON.stringify(made));
      return made.value.id;
    },
    async rows(table) {
      const row = await f.handle.db
        .selectFrom(table)
        .select(f.handle.db.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
