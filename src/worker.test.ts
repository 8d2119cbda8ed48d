import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createMember } from "../test/support/login.ts";
import { startTestNode, type TestNode } from "../test/support/node.ts";
import { recordEvent } from "./db/outbox.ts";
import { waitFor } from "./federation/testing.ts";

// Polls of a minute: only the outbox write itself can wake the relay within the test's wait.
const MINUTE_LONG_POLLS = { idle: 60_000, relay: 60_000 };
const PROMPTLY_MS = 15_000;

let node: TestNode;
let stopWorker: () => Promise<void>;
let ann: { id: string };
before(async () => {
  node = await startTestNode({ host: "127.0.0.1" });
  ann = await createMember(node, { username: "ann", password: "correct horse battery" });
  stopWorker = await node.node.startWorker({ pollMs: MINUTE_LONG_POLLS });
});
after(async () => {
  await stopWorker();
  await node.close();
});

async function relayed(id: string): Promise<boolean> {
  const row = await node.node.db.db
    .selectFrom("outbox_events")
    .select("relayed_at")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return row.relayed_at !== null;
}

const commitEvent = () =>
  node.node.db.db
    .transaction()
    .execute((trx) =>
      recordEvent(trx, { type: "accounts.account.updated", payload: { accountId: ann.id } }),
    );

test("a committed event wakes the idle worker, which loads federation and relays it", async () => {
  const id = await commitEvent();
  await waitFor("the first event is relayed", () => relayed(id), PROMPTLY_MS);
  assert.equal(node.node.federation.loaded, true);
});

test("a committed event wakes the relay waiting between passes", async () => {
  const id = await commitEvent();
  await waitFor("the next event is relayed", () => relayed(id), PROMPTLY_MS);
});
