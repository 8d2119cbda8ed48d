/**
 * Issue 21 on a real node (127.0.217.41) with a local SMTP sink: an alarm
 * reaches the people who answer for it by mail as well, in their language,
 * once; a moderator who turned alarm mail off on the opsroom page gets the
 * notification only, and a plain member neither. And the form that defines an
 * indicator computed from the marketplace: bad input is a 422 that writes
 * nothing; a good one is kept as computed.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { defineIndicator } from "../src/economy/opsroom/indicators.ts";
import { sweepAlarmMail } from "../src/economy/opsroom/mail.ts";
import { reportValues } from "../src/economy/opsroom/values.ts";
import { waitFor } from "../src/federation/testing.ts";
import { assembly, type Group } from "../src/groups/groups.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type SmtpSink, startSmtpSink } from "./support/smtp-sink.ts";

let node: TestNode;
let sink: SmtpSink;
let stopWorker: () => Promise<void>;
let ana: { id: string; username: string };
let mo: SignedIn;
let coop: Group;
const PASSWORD = "password123";

before(async () => {
  sink = await startSmtpSink("127.0.217.41");
  node = await startTestNode({ host: "127.0.217.41", env: { SYNCO_SMTP_URL: sink.url } });
  ana = await createMember(node, {
    username: "ana",
    password: PASSWORD,
    role: "admin",
    email: "ana@coop.test",
  });
  await createMember(node, {
    username: "mo",
    password: PASSWORD,
    role: "moderator",
    email: "mo@coop.test",
  });
  await createMember(node, { username: "bo", password: PASSWORD, email: "bo@coop.test" });
  await node.node.db.db
    .updateTable("accounts")
    .set({ language: "es" })
    .where("username", "=", "ana")
    .execute();
  coop = await assembly(node.node.db.db);
  mo = await signIn(node, "mo", PASSWORD);
  stopWorker = await node.node.startWorker();
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  await sink?.close();
});

const ctx = () => ({
  db: node.node.db.db,
  origin: node.url,
  clock: node.node.federation.deps.clock,
});

test("an alarm is mailed to who answers for it, once, unless they turned it off", async () => {
  // The economy's landing page leads a member to the opsroom (visitors do not see it).
  assert.match(await (await mo.get("/economy")).text(), /href="\/opsroom"/);
  assert.doesNotMatch(await (await fetch(`${node.url}/economy`)).text(), /href="\/opsroom"/);
  // mo turns alarm mail off on the opsroom page; a bad value is refused.
  const page = await (await mo.get("/opsroom")).text();
  assert.match(page, /name="mail" value="on" checked/);
  assert.equal((await mo.post("/opsroom/mail", { mail: "yes please" })).status, 422);
  assert.equal((await mo.post("/opsroom/mail", {})).status, 303);
  assert.doesNotMatch(await (await mo.get("/opsroom")).text(), /name="mail" value="on" checked/);

  const made = await defineIndicator(ctx(), ana, coop, {
    name: "Loaves",
    unit: "loaves",
    frequency: "daily",
    direction: "up",
  });
  assert.ok(made.ok);
  const day = (i: number) =>
    new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  const values = [...Array.from({ length: 40 }, (_, i) => 100 + (i % 3) - 1), 130, 131, 129];
  const reported = await reportValues(
    ctx(),
    ana,
    values.map((value, i) => ({ indicatorId: made.value.id, period: day(i), value })),
    "form",
  );
  assert.ok(reported.ok && reported.value.alarms.length >= 1, JSON.stringify(reported));
  const alarms = reported.value.alarms.length;

  // The worker's sweep mails ana (in Spanish); mo and bo get none.
  const toAna = await waitFor(
    "the alarm mail reaches ana",
    () => {
      const mine = sink.messages.filter((m) => m.to === "ana@coop.test");
      return mine.length >= alarms ? mine : null;
    },
    60_000,
  );
  assert.match(toAna[0]?.header("subject") ?? "", /Alarma/);
  assert.match(toAna[0]?.text ?? "", /opsroom\/alarms\//);
  assert.deepEqual(
    sink.messages.filter((m) => m.to !== "ana@coop.test").map((m) => m.to),
    [],
  );
  // Once: everything due is claimed, so another sweep sends nothing.
  const again: string[] = [];
  assert.equal(
    await sweepAlarmMail(ctx(), async (m) => {
      again.push(m.email);
    }),
    0,
  );
  assert.deepEqual(again, []);
  assert.equal(sink.messages.filter((m) => m.to === "ana@coop.test").length, alarms);
  // mo still has the notification.
  const notes = await node.node.db.db
    .selectFrom("notifications as n")
    .innerJoin("accounts as a", "a.id", "n.account_id")
    .select("a.username")
    .where("n.type", "=", "indicator_alarm")
    .execute();
  assert.ok(notes.some((n) => n.username === "mo"));
});

test("the form defines an indicator computed from the marketplace; bad input writes nothing", async () => {
  const ana = await signIn(node, "ana", PASSWORD);
  const board = `/groups/${coop.name}/opsroom`;
  const count = async () =>
    Number(
      (
        await node.node.db.db
          .selectFrom("indicators")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const before = await count();
  const good = {
    name: "Stock of flour",
    unit: "kg",
    frequency: "weekly",
    direction: "up",
    computed: "stock",
    computedRef: "https://www.wikidata.org/wiki/Q36465",
  };
  for (const bad of [
    { computedRef: "" },
    { computedRef: "javascript:alert(1)" },
    { computed: "rumours" },
    { computed: "balance", computedRef: "https://elsewhere.example/groups/x/ledger" },
  ]) {
    const res = await ana.post(`${board}/indicators`, { ...good, ...bad });
    assert.equal(res.status, 422, JSON.stringify(bad));
  }
  assert.equal(await count(), before);
  const made = await ana.post(`${board}/indicators`, good);
  assert.equal(made.status, 303, await made.text());
  const row = await node.node.db.db
    .selectFrom("indicators")
    .select(["computed_from", "computed_ref"])
    .where("name", "=", "Stock of flour")
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, { computed_from: "stock", computed_ref: good.computedRef });
});
