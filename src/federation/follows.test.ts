import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import { createAccount } from "../accounts/accounts.ts";
import type { Db } from "../db/database.ts";
import { fixedClock } from "../kernel/clock.ts";
import { acceptFollowRequest, follow, setManuallyApproves } from "./follows.ts";

const origin = "https://coop.example";
let handle: Db;
before(async () => {
  handle = await testDatabase();
});
after(() => handle.close());

async function member(username: string) {
  const made = await createAccount(
    handle.db,
    { username, email: `${username}@example.org`, password: "a long passphrase" },
    { passwordCost: 8 },
  );
  assert.ok(made.ok);
  return made.value;
}

test("a follow request and its acceptance are stamped by the injected clock", async () => {
  const clock = fixedClock(new Date("2026-01-01T09:00:00Z"));
  const ann = await member("ann");
  const bea = await member("bea");
  await setManuallyApproves(handle.db, bea.id, true);

  const asked = await follow(handle.db, origin, ann, { kind: "local", account: bea }, clock);
  assert.ok(asked.ok);
  assert.equal(asked.value.status, "pending");
  const pending = await handle.db
    .selectFrom("follows")
    .select(["created_at", "accepted_at"])
    .where("id", "=", asked.value.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(pending, { created_at: "2026-01-01T09:00:00.000Z", accepted_at: null });
  const request = await handle.db
    .selectFrom("notifications")
    .select(["type", "created_at"])
    .where("account_id", "=", bea.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(request, { type: "follow_request", created_at: "2026-01-01T09:00:00.000Z" });

  clock.advance(90_000);
  assert.equal(await acceptFollowRequest(handle.db, bea.id, asked.value.id, clock), true);
  const accepted = await handle.db
    .selectFrom("follows")
    .select("accepted_at")
    .where("id", "=", asked.value.id)
    .executeTakeFirstOrThrow();
  assert.equal(accepted.accepted_at, "2026-01-01T09:01:30.000Z");
});
