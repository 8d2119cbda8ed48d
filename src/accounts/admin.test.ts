import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import type { Db } from "../db/database.ts";
import { createAccount, type Role } from "./accounts.ts";
import { setRole } from "./admin.ts";
import { accountsContributor, deleteAccount } from "./data.ts";

let handle: Db;
before(async () => {
  handle = await testDatabase();
});
after(() => handle.close());

async function newAccount(username: string, role: Role) {
  const result = await createAccount(
    handle.db,
    { username, email: `${username}@example.test`, password: "long enough", role },
    { passwordCost: 8 },
  );
  assert.ok(result.ok);
  return result.value.id;
}

const activeAdmins = async () =>
  (
    await handle.db
      .selectFrom("accounts")
      .select("id")
      .where("role", "=", "admin")
      .where("status", "=", "active")
      .execute()
  ).length;

// On PostgreSQL these run on separate pool connections at the same time.
test("two admins demoting each other at once leave exactly one admin", async () => {
  const a = await newAccount("alba", "admin");
  const b = await newAccount("bruno", "admin");
  const results = await Promise.all([
    setRole(handle.db, b, a, "member"),
    setRole(handle.db, a, b, "member"),
  ]);
  assert.deepEqual(results.map((r) => r.ok).sort(), [false, true]);
  assert.ok(results.some((r) => !r.ok && r.reason === "last-admin"));
  assert.equal(await activeAdmins(), 1);
});

test("an admin deleting their account while the other is demoted leaves exactly one admin", async () => {
  await handle.db.updateTable("accounts").set({ role: "member" }).execute();
  const c = await newAccount("carla", "admin");
  const d = await newAccount("dario", "admin");
  const dataDir = mkdtempSync(join(tmpdir(), "synco-admin-"));
  const [deleted, demoted] = await Promise.all([
    deleteAccount(handle.db, c, { contributors: [accountsContributor], dataDir }),
    setRole(handle.db, c, d, "moderator"),
  ]);
  assert.equal(
    [deleted.ok, demoted.ok].filter(Boolean).length,
    1,
    JSON.stringify([deleted, demoted]),
  );
  assert.equal(await activeAdmins(), 1);
});
