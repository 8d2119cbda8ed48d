import assert from "node:assert/strict";
import { after, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import { ifNotHeldElsewhere } from "./advisory-lock.ts";

const handle = await testDatabase();
after(() => handle.close());

test("work runs when nobody else holds the name, and gives back what it returns", async () => {
  assert.equal(await ifNotHeldElsewhere(handle, "synco:test", async () => 7), 7);
});

test("on PostgreSQL, work is skipped while another holder has the name, and runs after", async (t) => {
  if (handle.dialect !== "postgres") return t.skip("SQLite is one process: nothing to share");
  let release = () => {};
  const holding = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered = () => {};
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const first = ifNotHeldElsewhere(handle, "synco:test", async () => {
    entered();
    await holding;
    return "first";
  });
  await inside;
  assert.equal(await ifNotHeldElsewhere(handle, "synco:test", async () => "second"), undefined);
  assert.equal(await ifNotHeldElsewhere(handle, "synco:other", async () => "other"), "other");
  release();
  assert.equal(await first, "first");
  assert.equal(await ifNotHeldElsewhere(handle, "synco:test", async () => "again"), "again");
});
