import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import { trackWrites, WriteClock } from "../api/cache.ts";
import type { Db } from "../db/database.ts";
import { fixedClock } from "../kernel/clock.ts";
import { createAccount } from "./accounts.ts";
import { sweepAccounts } from "./housekeeping.ts";
import {
  createSession,
  endAllSessions,
  endSession,
  findSession,
  SESSION_LIFETIME_MS,
} from "./sessions.ts";
import { hashToken, issueAccountToken } from "./tokens.ts";

let handle: Db;
let accountId: string;
before(async () => {
  handle = await testDatabase();
  const result = await createAccount(
    handle.db,
    { username: "uma", email: "uma@example.test", password: "long enough" },
    { passwordCost: 8 },
  );
  assert.ok(result.ok);
  accountId = result.value.id;
});
after(() => handle.close());

test("the table holds only the token's hash", async () => {
  const { id, token } = await createSession(handle.db, accountId, "test");
  const row = await handle.db
    .selectFrom("sessions")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(row.token_hash, hashToken(token));
  assert.notEqual(row.token_hash, token);
  assert.equal((await findSession(handle.db, token))?.accountId, accountId);
  assert.equal(await findSession(handle.db, `${token}x`), undefined);
});

test("a session expires after its lifetime without use, and slides while used", async () => {
  const clock = fixedClock(new Date("2030-01-01T00:00:00Z"));
  const { token } = await createSession(handle.db, accountId, "test", clock);
  clock.advance(SESSION_LIFETIME_MS - 1000);
  assert.ok(await findSession(handle.db, token, clock), "used just before it expires: extended");
  clock.advance(SESSION_LIFETIME_MS - 1000);
  assert.ok(await findSession(handle.db, token, clock), "still valid thanks to the last use");
  clock.advance(SESSION_LIFETIME_MS + 1);
  assert.equal(await findSession(handle.db, token, clock), undefined);
});

test("a suspended member's sessions stop working; log out everywhere deletes them", async () => {
  const { token } = await createSession(handle.db, accountId, "test");
  await handle.db
    .updateTable("accounts")
    .set({ status: "suspended" })
    .where("id", "=", accountId)
    .execute();
  assert.equal(await findSession(handle.db, token), undefined);
  await handle.db
    .updateTable("accounts")
    .set({ status: "active" })
    .where("id", "=", accountId)
    .execute();
  assert.ok(await findSession(handle.db, token));
  assert.ok((await endAllSessions(handle.db, accountId)) >= 1);
  assert.equal(await findSession(handle.db, token), undefined);
});

test("housekeeping removes expired sessions and tokens, and keeps live ones", async () => {
  const clock = fixedClock(new Date("2031-01-01T00:00:00Z"));
  const old = await createSession(handle.db, accountId, "old", clock);
  await issueAccountToken(handle.db, accountId, "reset", { clock });
  clock.advance(SESSION_LIFETIME_MS + 1);
  const live = await createSession(handle.db, accountId, "live", clock);
  await sweepAccounts(handle.db, clock);
  const ids = (
    await handle.db
      .selectFrom("sessions")
      .select("id")
      .where("account_id", "=", accountId)
      .execute()
  ).map((s) => s.id);
  assert.ok(ids.includes(live.id));
  assert.ok(!ids.includes(old.id));
  assert.deepEqual(
    await handle.db
      .selectFrom("account_tokens")
      .select("token_hash")
      .where("account_id", "=", accountId)
      .execute(),
    [],
  );
});

test("a kept session row is dropped at once by a logout, a suspension, or the end of every session", async () => {
  // As app.ts does: this handle's committed writes feed the caches' clock.
  const tracked = await testDatabase();
  const clock = new WriteClock();
  const stop = tracked.onWriteCommitted(clock.heard);
  trackWrites(tracked.db, clock);
  try {
    const made = await createAccount(
      tracked.db,
      { username: "ida", email: "ida@example.test", password: "long enough" },
      { passwordCost: 8 },
    );
    assert.ok(made.ok);
    const member = made.value.id;
    const first = await createSession(tracked.db, member, "test");
    const second = await createSession(tracked.db, member, "test");
    for (let i = 0; i < 3; i++)
      assert.equal((await findSession(tracked.db, first.token))?.accountId, member, "kept");
    assert.ok(await findSession(tracked.db, second.token));

    assert.ok(await endSession(tracked.db, member, first.id));
    assert.equal(await findSession(tracked.db, first.token), undefined, "logged out");
    assert.ok(await findSession(tracked.db, second.token), "the other session goes on");

    await tracked.db
      .updateTable("accounts")
      .set({ status: "suspended" })
      .where("id", "=", member)
      .execute();
    assert.equal(await findSession(tracked.db, second.token), undefined, "suspended");
    await tracked.db
      .updateTable("accounts")
      .set({ status: "active" })
      .where("id", "=", member)
      .execute();
    assert.ok(await findSession(tracked.db, second.token), "active again");

    await endAllSessions(tracked.db, member);
    assert.equal(await findSession(tracked.db, second.token), undefined, "every session ended");
  } finally {
    stop();
    await tracked.close();
  }
});
