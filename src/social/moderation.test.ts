import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import { createAccount } from "../accounts/accounts.ts";
import type { Db } from "../db/database.ts";
import { fixedClock } from "../kernel/clock.ts";
import { filterActor, limitActor } from "./moderation.ts";

let handle: Db;
before(async () => {
  handle = await testDatabase();
});
after(() => handle.close());

test("moderation and filters stamp their rows with the social context's clock", async () => {
  const clock = fixedClock(new Date("2026-02-03T04:05:06Z"));
  const made = await createAccount(
    handle.db,
    { username: "mod", email: "mod@example.org", password: "a long passphrase", role: "admin" },
    { passwordCost: 8 },
  );
  assert.ok(made.ok);
  const s = { db: handle.db, origin: "https://coop.example", domain: "coop.example", clock };
  const target = { uri: "https://far.example/users/spam", accountId: null, remoteId: null };

  assert.ok((await limitActor(s, made.value.id, target, "silence", "spam")).ok);
  const limit = await handle.db
    .selectFrom("actor_limits")
    .select("created_at")
    .where("actor_uri", "=", target.uri)
    .executeTakeFirstOrThrow();
  assert.equal(limit.created_at, "2026-02-03T04:05:06.000Z");
  const logged = await handle.db
    .selectFrom("moderation_log")
    .select(["action", "created_at"])
    .where("target", "=", target.uri)
    .executeTakeFirstOrThrow();
  assert.deepEqual(logged, { action: "account.silence", created_at: "2026-02-03T04:05:06.000Z" });

  clock.advance(1000);
  assert.ok((await filterActor(s, made.value, target, "mute")).ok);
  const filter = await handle.db
    .selectFrom("actor_filters")
    .select("created_at")
    .where("account_id", "=", made.value.id)
    .executeTakeFirstOrThrow();
  assert.equal(filter.created_at, "2026-02-03T04:05:07.000Z");
});
