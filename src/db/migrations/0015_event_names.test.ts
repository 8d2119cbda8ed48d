import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../../test/support/db.ts";
import { combineExtensions } from "../../federation/extensions.ts";
import { coreExtension } from "../../federation/relay-handlers.ts";
import { areaExtensions } from "../../federation-gateway.ts";
import { newId } from "../../kernel/ids.ts";
import type { Db } from "../database.ts";
import { eventRenames, up as renameEvents } from "./0015_event_names.ts";

let handle: Db;
before(async () => {
  handle = await testDatabase();
});
after(() => handle.close());

async function insert(type: string, payload: object, relayed: boolean): Promise<string> {
  const id = newId();
  await handle.db
    .insertInto("outbox_events")
    .values({
      id,
      type,
      payload: JSON.stringify(payload),
      created_at: new Date().toISOString(),
      relayed_at: relayed ? new Date().toISOString() : null,
    })
    .execute();
  return id;
}

const typeOf = async (id: string) =>
  (
    await handle.db
      .selectFrom("outbox_events")
      .select("type")
      .where("id", "=", id)
      .executeTakeFirstOrThrow()
  ).type;

test("rows written under the old names get the new ones; others are left alone", async () => {
  const pending = await insert("post.created", { postId: "p1" }, false);
  const follow = await insert("follow.requested", { followId: "f1" }, false);
  const coop = await insert("groups.coop.follow", { affiliationId: "a1" }, false);
  const relayedBlock = await insert("actor.blocked", { accountId: "a", targetRemoteId: "r" }, true);
  const kept = await insert("groups.post.created", { postId: "p2" }, false);
  const unknown = await insert("somebody.else.happened", {}, false);

  await renameEvents(handle.db);

  assert.equal(await typeOf(pending), "social.post.created");
  assert.equal(await typeOf(follow), "federation.follow.requested");
  assert.equal(await typeOf(coop), "groups.coop.followed");
  // Relayed ones too: an unblock looks its Block's event up by type.
  assert.equal(await typeOf(relayedBlock), "social.actor.blocked");
  assert.equal(await typeOf(kept), "groups.post.created");
  assert.equal(await typeOf(unknown), "somebody.else.happened");
  const pendingRow = await handle.db
    .selectFrom("outbox_events")
    .select(["relayed_at", "payload"])
    .where("id", "=", pending)
    .executeTakeFirstOrThrow();
  assert.equal(pendingRow.relayed_at, null, "still pending");
  assert.equal(pendingRow.payload, JSON.stringify({ postId: "p1" }), "payload untouched");

  // Running it again changes nothing.
  await renameEvents(handle.db);
  assert.equal(await typeOf(pending), "social.post.created");
});

test("every renamed type has a relay handler, so pending events are still relayed", async () => {
  const { routes } = combineExtensions([coreExtension, ...(await areaExtensions())]);
  for (const [from, to] of eventRenames) {
    assert.ok(routes.has(to), `${from} → ${to} has a handler`);
    assert.ok(!routes.has(from), `${from} has none any more`);
  }
  // A renamed pending row's payload is what the new name's schema reads.
  const row = await handle.db
    .selectFrom("outbox_events")
    .selectAll()
    .where("type", "=", "social.post.created")
    .executeTakeFirstOrThrow();
  assert.deepEqual(routes.get(row.type)?.schema.parse(JSON.parse(row.payload)), { postId: "p1" });
});
