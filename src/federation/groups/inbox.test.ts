/**
 * The groups' inbox and relay handlers without an HTTP node: activities are
 * handed to the handlers with @fedify/testing's contexts, and what the Group
 * would send is read from MockFederation's sentActivities. Actors are cached
 * in remote_actors beforehand, and the document loader refuses every URL, so
 * nothing is fetched. On SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Context, Federation, InboxContext } from "@fedify/fedify";
import { createFederation, createInboxContext } from "@fedify/testing";
import { Accept, type Activity, Follow, Reject, Undo } from "@fedify/vocab";
import { type GroupsFixture, groupsFixture, ORIGIN } from "../../../test/support/groups.ts";
import { CoopSettingsStore } from "../../accounts/coop.ts";
import type { LocalMember, RemoteActorRef } from "../../groups/context.ts";
import type { Group } from "../../groups/groups.ts";
import { membershipOf } from "../../groups/memberships.ts";
import { removeMember } from "../../groups/moderation.ts";
import type { FederationDeps } from "../deps.ts";
import { combineExtensions } from "../extensions.ts";
import { ActorKeys } from "../keys.ts";
import { groupsExtension } from "./index.ts";

let f: GroupsFixture;
let deps: FederationDeps;
let ada: LocalMember;
let garden: Group;
let rosa: RemoteActorRef;
let spam: RemoteActorRef;
before(async () => {
  f = await groupsFixture();
  const config = {
    origin: ORIGIN,
    domain: new URL(ORIGIN).host,
    allowPrivateAddress: false,
    registration: "approval" as const,
  };
  deps = {
    config,
    db: f.handle,
    coop: new CoopSettingsStore(f.handle.db, { registration: config.registration }),
    keys: new ActorKeys(f.handle.db, f.clock),
    clock: f.clock,
    invalidate: () => {},
  };
  ada = await f.member("ada", "admin");
  garden = await f.group(ada, { name: "garden" });
  rosa = await f.remote("https://remote.example/users/rosa");
  spam = await f.remote("https://spam.example/users/spam");
});
after(() => f.handle.close());

/** No network in these tests: any fetch is a failure. */
const refuse = async (url: string): Promise<never> => {
  throw new Error(`unexpected fetch of ${url}`);
};

function inbox() {
  const federation = createFederation<void>();
  const ctx = createInboxContext<void>({
    url: new URL(ORIGIN),
    data: undefined,
    federation: federation as unknown as Federation<void>,
    documentLoader: refuse,
    // signedLoader (src/federation/lookup.ts) asks for the instance actor's loader.
    getDocumentLoader: (() =>
      Promise.resolve(refuse)) as unknown as InboxContext<void>["getDocumentLoader"],
  });
  return { federation, ctx };
}

/** As the inbox's dispatcher does: handled when the groups claim it (true), else left (false). */
async function receive(activity: Activity): Promise<boolean> {
  const extension = groupsExtension.inbox[0];
  assert.ok(extension?.claims);
  const { ctx } = inbox();
  if (!(await extension.claims(ctx, activity, deps))) return false;
  await extension.handle(ctx, activity, deps);
  return true;
}

/** Runs the groups' relay handler for the latest event of a type; returns what was sent. */
async function relayLatest(type: string) {
  const event = await f.handle.db
    .selectFrom("outbox_events")
    .selectAll()
    .where("type", "=", type)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  // As the relay does: the area's handler, given the payload parsed by its schema.
  const route = combineExtensions([groupsExtension]).routes.get(type);
  assert.ok(route, `a handler for ${type}`);
  const federation = createFederation<void>();
  const ctx = federation.createContext(new URL(ORIGIN), undefined);
  await route.handle(
    ctx as unknown as Context<void>,
    deps,
    event,
    route.schema.parse(JSON.parse(event.payload)),
  );
  return { event, sent: federation.sentActivities.map((s) => s.activity) };
}

const follow = (actor: RemoteActorRef, n: number, group = garden) =>
  new Follow({
    id: new URL(`${actor.uri}/follows/${n}`),
    actor: new URL(actor.uri),
    object: new URL(`${ORIGIN}/groups/${group.name}`),
  });

test("a Follow of a group here joins it, and the relay sends the Group's Accept(Follow)", async () => {
  assert.equal(await receive(follow(rosa, 1)), true);
  const row = await membershipOf(f.handle.db, garden.id, rosa.uri);
  assert.equal(row?.status, "active");
  assert.equal(row?.follow_activity_uri, `${rosa.uri}/follows/1`);
  const { event, sent } = await relayLatest("groups.member.accepted");
  assert.deepEqual(JSON.parse(event.payload), { groupId: garden.id, memberId: row?.id });
  // The Accept (then the recent threads: none yet).
  assert.equal(sent.length, 1);
  const accept = sent[0];
  assert.ok(accept instanceof Accept);
  assert.equal(accept.id?.href, `${ORIGIN}/activities/${event.id}`);
  assert.equal(accept.actorId?.href, `${ORIGIN}/groups/garden`);
  const object = await accept.getObject();
  assert.ok(object instanceof Follow);
  assert.equal(object.id?.href, `${rosa.uri}/follows/1`);
  assert.equal(object.actorId?.href, rosa.uri);
});

test("a banned actor's Follow is refused: no row, and the relay sends Reject(Follow)", async () => {
  assert.equal(await receive(follow(spam, 1)), true);
  const row = await membershipOf(f.handle.db, garden.id, spam.uri);
  assert.ok(row);
  assert.ok(
    (await removeMember(f.ctx, ada, { group: garden, memberId: row.id, ban: { reason: "spam" } }))
      .ok,
  );
  const members = await f.count("group_members");
  assert.equal(await receive(follow(spam, 2)), true);
  assert.equal(await membershipOf(f.handle.db, garden.id, spam.uri), undefined);
  assert.equal(await f.count("group_members"), members);
  const { sent } = await relayLatest("groups.member.removed");
  assert.equal(sent.length, 1);
  const reject = sent[0];
  assert.ok(reject instanceof Reject);
  assert.equal(reject.actorId?.href, `${ORIGIN}/groups/garden`);
  assert.equal((await reject.getObject())?.id?.href, `${spam.uri}/follows/2`);
});

test("Undo(Follow) by its own actor leaves; by another actor it is skipped", async () => {
  const undo = (actor: RemoteActorRef, inner: Follow) =>
    new Undo({ id: new URL(`${actor.uri}/undo/1`), actor: new URL(actor.uri), object: inner });
  const rosaFollow = follow(rosa, 1);
  assert.equal(await receive(undo(spam, rosaFollow)), true, "taken (and skipped with a log)");
  assert.equal((await membershipOf(f.handle.db, garden.id, rosa.uri))?.status, "active");
  assert.equal(await receive(undo(rosa, rosaFollow)), true);
  assert.equal(await membershipOf(f.handle.db, garden.id, rosa.uri), undefined);
});

test("a Follow of something not a group here is not claimed (the dispatcher gives it elsewhere)", async () => {
  const other = new Follow({
    id: new URL(`${rosa.uri}/follows/x`),
    actor: new URL(rosa.uri),
    object: new URL(`${ORIGIN}/users/ada`),
  });
  const events = await f.count("outbox_events");
  assert.equal(await receive(other), false);
  assert.equal(await f.count("outbox_events"), events);
});
