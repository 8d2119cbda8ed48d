import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import type { Db } from "./database.ts";
import { recordEvent } from "./outbox.ts";

let handle: Db;
let heard = 0;
let unsubscribe: () => void;
before(async () => {
  handle = await testDatabase();
  unsubscribe = handle.onOutboxWritten(() => heard++);
});
after(() => handle.close());

const event = { type: "social.post.created", payload: { postId: "p1" } } as const;

test("a committed recordEvent wakes the listener, at COMMIT and not before", async () => {
  const start = heard;
  await handle.db.transaction().execute(async (trx) => {
    await recordEvent(trx, event);
    await recordEvent(trx, event);
    assert.equal(heard, start, "nothing is said before the commit");
  });
  assert.equal(heard, start + 1, "one signal per committed transaction");
});

test("a rolled-back recordEvent wakes nobody", async () => {
  const start = heard;
  await assert.rejects(
    handle.db.transaction().execute(async (trx) => {
      await recordEvent(trx, event);
      throw new Error("changed my mind");
    }),
    /changed my mind/,
  );
  assert.equal(heard, start);
  // The connection is reused afterwards; its next transaction starts clean.
  await handle.db.transaction().execute(async (trx) => {
    await trx.insertInto("settings").values({ key: "after-rollback", value: "x" }).execute();
  });
  assert.equal(heard, start);
});

test("an outbox insert outside a transaction wakes the listener at once", async () => {
  const start = heard;
  await recordEvent(handle.db, event);
  assert.equal(heard, start + 1);
});

test("other writes, and transactions without an outbox insert, wake nobody", async () => {
  const start = heard;
  await handle.db.insertInto("settings").values({ key: "plain", value: "v" }).execute();
  await handle.db.transaction().execute(async (trx) => {
    await trx.updateTable("settings").set({ value: "w" }).where("key", "=", "plain").execute();
    await trx.selectFrom("outbox_events").selectAll().execute();
  });
  assert.equal(heard, start);
});

test("an outbox insert undone by a rollback to its savepoint wakes nobody", async () => {
  const start = heard;
  const trx = await handle.db.startTransaction().execute();
  const inner = await trx.savepoint("maybe").execute();
  await recordEvent(inner, event);
  await inner.rollbackToSavepoint("maybe").execute();
  await trx.commit().execute();
  assert.equal(heard, start);

  const again = await handle.db.startTransaction().execute();
  await recordEvent(again, event);
  const kept = await again.savepoint("kept").execute();
  await kept.rollbackToSavepoint("kept").execute();
  await again.commit().execute();
  assert.equal(heard, start + 1, "the write before the savepoint still commits");
});

test("an unsubscribed listener hears nothing more", async () => {
  const start = heard;
  unsubscribe();
  await recordEvent(handle.db, event);
  assert.equal(heard, start);
});

test("any committed write is heard by onWriteCommitted; reads and rollbacks are not", async () => {
  let writes = 0;
  const stop = handle.onWriteCommitted(() => writes++);
  try {
    await handle.db.selectFrom("settings").selectAll().execute();
    assert.equal(writes, 0, "a read is not a write");
    await handle.db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "w1", value: "a" }).execute();
      await trx.updateTable("settings").set({ value: "b" }).where("key", "=", "w1").execute();
      assert.equal(writes, 0, "nothing before the commit");
    });
    assert.equal(writes, 1, "one signal per committed transaction");
    await assert.rejects(
      handle.db.transaction().execute(async (trx) => {
        await trx.deleteFrom("settings").where("key", "=", "w1").execute();
        throw new Error("no");
      }),
    );
    assert.equal(writes, 1, "a rollback is silent");
    await handle.db.deleteFrom("settings").where("key", "=", "w1").execute();
    assert.equal(writes, 2, "a write outside a transaction is heard at once");
  } finally {
    stop();
  }
});
