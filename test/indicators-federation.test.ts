/**
 * The opsroom across three real nodes (127.0.212.x): node A hosts the
 * federation "fednet" (and "confed" above it, which A's co-op belongs to);
 * co-ops B and C are members. Their indicators' states reach the federation's
 * board (raw values only from C, which shares them); B's alarm, left
 * unacknowledged past its window, escalates to fednet on A — where a manager
 * is told and acknowledges it — and on to confed when fednet leaves it
 * waiting; B's resolution reaches A. A stranger's alarm changes nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { actOnAlarm, actOnEscalation, alarmsOf } from "../src/economy/opsroom/alarms.ts";
import { federationBoard } from "../src/economy/opsroom/board.ts";
import { escalateDue } from "../src/economy/opsroom/escalation.ts";
import { defineIndicator } from "../src/economy/opsroom/indicators.ts";
import { changeSettings } from "../src/economy/opsroom/settings.ts";
import { reportValues } from "../src/economy/opsroom/values.ts";
import { DOCUMENT_CONTEXT } from "../src/federation/indicators/vocab.ts";
import { waitFor as waitForDefault } from "../src/federation/testing.ts";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { assembly, createGroup, type Group } from "../src/groups/groups.ts";
import { fixedClock } from "../src/kernel/clock.ts";
import { drained } from "./support/decision-nodes.ts";
import { joinFederationOn } from "./support/federations.ts";
import { createMember } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

/** The machine running the suite may be loaded: a generous deadline (a hang still fails). */
const waitFor = <T>(what: string, check: () => Promise<T> | T) =>
  waitForDefault(what, check, 120_000);

let a: TestNode;
let b: TestNode;
let c: TestNode;
let mallory: RemoteActor;
let fednet: Group;
let confed: Group;
const stops: (() => Promise<void>)[] = [];
type Member = { id: string; username: string };
let ana: Member;
let ben: Member;
let cat: Member;
let bread: string;
let milk: string;

const ops = (n: TestNode, clock = n.node.federation.deps.clock) => ({
  db: n.node.db.db,
  origin: n.url,
  clock,
});
const day = (i: number) =>
  new Date(Date.UTC(2026, 8, 1) + i * 86_400_000).toISOString().slice(0, 10);
const later = (hours: number) => fixedClock(new Date(Date.now() + hours * 3600 * 1000));
const escalationsAt = (n: TestNode, group: Group) =>
  n.node.db.db
    .selectFrom("indicator_escalations")
    .selectAll()
    .where("group_id", "=", group.id)
    .orderBy("id")
    .execute();

before(async () => {
  const env = { SYNCO_LOG_LEVEL: process.env.INDICATORS_LOG ?? "error" };
  [a, b, c] = await Promise.all([
    startTestNode({ host: "127.0.212.1", env }),
    startTestNode({ host: "127.0.212.2", env }),
    startTestNode({ host: "127.0.212.3", env }),
  ]);
  for (const n of [a, b, c]) stops.push(await n.node.startWorker());
  mallory = await startRemoteActor("127.0.212.9", "mallory", { type: "Organization" });
  ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  cat = await createMember(c, { username: "cat", password: "password123", role: "admin" });
  const federation = async (name: string) => {
    const made = await createGroup(socialOf(a), ana, {
      name,
      kind: "federation",
      displayName: name,
      visibility: "public",
      moderated: false,
    });
    assert.ok(made.ok, JSON.stringify(made));
    return made.value;
  };
  fednet = await federation("fednet");
  confed = await federation("confed");
  assert.ok((await joinWithOurCoop(socialOf(a), ana, { group: confed })).ok);
  assert.ok(
    (
      await changeSettings(ops(a), ana, fednet, {
        ackHours: 24,
        resolveHours: 72,
        parentUri: `${a.url}/groups/confed`,
      })
    ).ok,
  );
  for (const [n, admin] of [
    [b, ben],
    [c, cat],
  ] as const) {
    await joinFederationOn(a, n, admin, "fednet");
  }
  const define = async (n: TestNode, who: Member, name: string, shareValues: boolean) => {
    const made = await defineIndicator(ops(n), who, await assembly(n.node.db.db), {
      name,
      unit: "kg",
      frequency: "daily",
      direction: "up",
      shareValues,
    });
    assert.ok(made.ok);
    return made.value.id;
  };
  bread = await define(b, ben, "Bread", false);
  milk = await define(c, cat, "Milk", true);
});
after(async () => {
  for (const stop of stops) await stop();
  mallory?.close();
  await Promise.all([a, b, c].map((n) => n?.close()));
});

test("member co-ops' indicator states reach the federation's board; raw values only where shared", async () => {
  const steady = (id: string, n: number, base: number) =>
    Array.from({ length: n }, (_, i) => ({
      indicatorId: id,
      period: day(i),
      value: base + (i % 3),
    }));
  assert.ok(
    (
      await reportValues(
        ops(b),
        ben,
        [
          ...steady(bread, 30, 200),
          { indicatorId: bread, period: day(30), value: 260 },
          { indicatorId: bread, period: day(31), value: 262 },
        ],
        "api",
      )
    ).ok,
  );
  assert.ok((await reportValues(ops(c), cat, steady(milk, 25, 40), "api")).ok);
  const states = () =>
    a.node.db.db
      .selectFrom("indicator_member_states")
      .selectAll()
      .where("group_id", "=", fednet.id)
      .orderBy("name")
      .execute();
  await waitFor("both co-ops' states on A", async () => {
    const s = await states();
    return s.length === 2 && s[0]?.status === "alert" && s[1]?.last_period === day(24);
  });
  const [b1, c1] = await states();
  assert.equal(b1?.coop_uri, `${b.url}/users/coop`);
  assert.equal(b1?.last_value, null, "B does not share Bread's values");
  assert.equal(c1?.last_value, 40 + (24 % 3), "C shares Milk's");
  const board = await federationBoard(a.node.db.db, fednet.id);
  assert.deepEqual(
    board.map((r) => [r.coopUri, r.status]),
    [
      [`${b.url}/users/coop`, "alert"],
      [`${c.url}/users/coop`, "normal"],
    ],
  );
});

test("an alarm left unacknowledged escalates to the federation on another node, on to the one above, and is acknowledged there", async () => {
  const [alarm] = await alarmsOf(b.node.db.db, bread);
  assert.ok(alarm?.state === "open");
  assert.deepEqual(await escalateDue(ops(b)), { alarms: 0, forwarded: 0 }, "not yet");
  assert.deepEqual(await escalateDue(ops(b, later(25))), { alarms: 1, forwarded: 0 });
  await waitFor(
    "the escalation reaches A",
    async () => (await escalationsAt(a, fednet)).length === 1,
  );
  const [held] = await escalationsAt(a, fednet);
  assert.ok(held);
  assert.equal(held.alarm_uri, `${b.url}/opsroom/alarms/${alarm.id}`);
  assert.equal(held.coop_uri, `${b.url}/users/coop`);
  assert.equal(held.value, null, "values not shared, not sent");
  assert.equal(held.kind, alarm.kind);
  assert.equal(held.level, 1);
  const told = await a.node.db.db
    .selectFrom("notifications")
    .select("account_id")
    .where("type", "=", "indicator_escalated")
    .execute();
  assert.deepEqual(
    told.map((n) => n.account_id),
    [ana.id],
  );
  await waitFor(
    "B is in crisis on A's board",
    async () => (await federationBoard(a.node.db.db, fednet.id))[0]?.status === "crisis",
  );
  // fednet leaves it waiting too: it goes on to confed (the federation above, on A itself).
  assert.deepEqual(await escalateDue(ops(a, later(50))), { alarms: 0, forwarded: 1 });
  const [up] = await escalationsAt(a, confed);
  assert.equal(up?.level, 2);
  assert.equal(up?.coop_uri, `${b.url}/users/coop`);
  assert.equal(up?.alarm_uri, `${a.url}/opsroom/escalations/${held.id}`);
  assert.deepEqual(
    await actOnEscalation(ops(a), ana, held.id, { action: "acknowledge", body: "We call them." }),
    { ok: true, value: { state: "acknowledged" } },
  );
  // B resolves it: A hears of it.
  assert.ok(
    (await actOnAlarm(ops(b), ben, alarm.id, { action: "resolve", body: "New supplier." })).ok,
  );
  await waitFor(
    "A hears B resolved it",
    async () => (await escalationsAt(a, fednet))[0]?.origin_state === "resolved",
  );
  await waitFor(
    "B is back to normal on A's board",
    async () => (await federationBoard(a.node.db.db, fednet.id))[0]?.status === "normal",
  );
});

test("an alarm from a stranger, or naming another node's alarm, changes nothing", async () => {
  const before = (await escalationsAt(a, fednet)).length;
  const doc = (id: string) => ({
    "@context": DOCUMENT_CONTEXT,
    id,
    type: "IndicatorAlarm",
    attributedTo: mallory.id,
    indicator: `${mallory.url}/i/1`,
    name: "Fake",
    unit: "",
    period: "2026-09-01",
    alarmKind: "step",
    probability: 0.99,
    published: new Date().toISOString(),
    level: 1,
    alarmState: "open",
  });
  mallory.documents.set("/alarms/1", doc(`${mallory.url}/alarms/1`));
  for (const [n, object] of [
    `${mallory.url}/alarms/1`,
    `${b.url}/opsroom/alarms/00000000-0000-7000-8000-000000000000`,
  ].entries()) {
    const res = await fetch(
      await mallory.signed(`${a.url}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${mallory.url}/activities/${n}`,
        type: "Create",
        actor: mallory.id,
        object,
        to: `${a.url}/groups/fednet`,
      }),
    );
    assert.equal(res.status, 202);
  }
  await waitFor("A fetched mallory's document", () => mallory.fetched.includes("/alarms/1"));
  await drained(a);
  assert.equal((await escalationsAt(a, fednet)).length, before);
});
