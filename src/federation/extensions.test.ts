import assert from "node:assert/strict";
import { test } from "node:test";
import { Create, Like } from "@fedify/vocab";
import { z } from "zod";
import { defineEvents } from "../db/outbox.ts";
import { areaExtensions } from "../federation-gateway.ts";
import { areaExtension, combineExtensions, type InboxExtension } from "./extensions.ts";
import { coreExtension } from "./relay-handlers.ts";

const inbox = (): InboxExtension => ({ types: [Create], handle: async () => {} });
const pinged = defineEvents("test", { "test.ping.sent": z.object({ n: z.number() }) });

test("two areas handling one outbox event type are refused, naming both", () => {
  const first = areaExtension({
    area: "first",
    events: pinged,
    eventHandlers: { "test.ping.sent": async () => {} },
  });
  const second = areaExtension({
    area: "second",
    events: pinged,
    eventHandlers: { "test.ping.sent": async () => {} },
  });
  assert.throws(
    () => combineExtensions([first, second]),
    /Two handlers for the outbox event type test\.ping\.sent: areas first and second/,
  );
});

test("a handler for a type its area does not declare is refused", () => {
  const stray = areaExtension({ area: "stray", events: pinged, eventHandlers: {} });
  const forged = { ...stray, eventHandlers: { "test.pong.sent": async () => {} } };
  assert.throws(() => combineExtensions([forged]), /declares no such event/);
});

test("areas combine in the order given: routes by type, inbox handlers in order", () => {
  const a = inbox();
  const b = inbox();
  const combined = combineExtensions([
    areaExtension({
      area: "a",
      events: pinged,
      eventHandlers: { "test.ping.sent": async () => {} },
      inbox: [a],
    }),
    areaExtension({ area: "b", events: {}, inbox: [b, { types: [Like], handle: b.handle }] }),
  ]);
  assert.deepEqual([...combined.routes.keys()], ["test.ping.sent"]);
  assert.equal(combined.routes.get("test.ping.sent")?.area, "a");
  assert.equal(combined.inbox[0], a);
  assert.equal(combined.inbox[1], b);
  assert.equal(combined.inbox.length, 3);
});

test("the node's own list (core, groups, social) combines without a duplicate", async () => {
  const combined = combineExtensions([coreExtension, ...(await areaExtensions())]);
  assert.equal(combined.routes.get("accounts.account.updated")?.area, "core");
  assert.equal(combined.routes.get("groups.post.created")?.area, "groups");
  assert.equal(combined.routes.get("social.post.created")?.area, "social");
});
