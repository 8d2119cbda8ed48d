import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import type { Db } from "../db/database.ts";
import { createAccount } from "./accounts.ts";
import {
  type AccountDataContributor,
  accountsContributor,
  deleteAccount,
  exportAccount,
} from "./data.ts";

let handle: Db;
before(async () => {
  handle = await testDatabase();
});
after(() => handle.close());
const dataDir = mkdtempSync(join(tmpdir(), "synco-data-"));

async function newMember(username: string) {
  const result = await createAccount(
    handle.db,
    { username, email: `${username}@example.test`, password: "long enough" },
    { passwordCost: 8 },
  );
  assert.ok(result.ok);
  return result.value.id;
}

test("a later area's contributor adds its section to the export and erases its data", async () => {
  const id = await newMember("mia");
  const erased: string[] = [];
  const notes: AccountDataContributor = {
    name: "notes",
    export: async (_db, accountId) => [{ accountId, text: "a note" }],
    erase: async (trx, accountId) => {
      // Runs inside the deletion's transaction: the account is not yet a tombstone.
      const row = await trx
        .selectFrom("accounts")
        .select("status")
        .where("id", "=", accountId)
        .executeTakeFirstOrThrow();
      erased.push(`${accountId}:${row.status}`);
    },
  };
  const archive = await exportAccount(handle.db, id, [accountsContributor, notes]);
  assert.deepEqual(archive.notes, [{ accountId: id, text: "a note" }]);
  assert.equal((archive.accounts as { profile: { username: string } }).profile.username, "mia");
  const result = await deleteAccount(handle.db, id, {
    contributors: [accountsContributor, notes],
    dataDir,
  });
  assert.deepEqual(result, { ok: true });
  assert.deepEqual(erased, [`${id}:active`]);
});

test("if any contributor fails, deletion changes nothing (one transaction)", async () => {
  const id = await newMember("noa");
  const broken: AccountDataContributor = {
    name: "broken",
    export: async () => null,
    erase: async () => {
      throw new Error("disk on fire");
    },
  };
  const eventsBefore = await handle.db.selectFrom("outbox_events").select("id").execute();
  await assert.rejects(
    deleteAccount(handle.db, id, { contributors: [accountsContributor, broken], dataDir }),
    /disk on fire/,
  );
  const row = await handle.db
    .selectFrom("accounts")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(row.status, "active");
  assert.equal(row.email, "noa@example.test");
  assert.deepEqual(
    await handle.db.selectFrom("outbox_events").select("id").execute(),
    eventsBefore,
  );
});

test("deleting twice or an unknown account says not-found", async () => {
  const id = await newMember("ole");
  assert.deepEqual(
    await deleteAccount(handle.db, id, { contributors: [accountsContributor], dataDir }),
    { ok: true },
  );
  assert.deepEqual(
    await deleteAccount(handle.db, id, { contributors: [accountsContributor], dataDir }),
    {
      ok: false,
      reason: "not-found",
    },
  );
});
