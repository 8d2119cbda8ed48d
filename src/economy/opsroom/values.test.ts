import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture } from "../../../test/support/groups.ts";
import { openDatabase } from "../../db/database.ts";
import { joinWithOurCoop } from "../../groups/federations.ts";
import { assembly, type Group } from "../../groups/groups.ts";
import { labelledSeries, seededRandom } from "../indicators/scenarios.ts";
import { actOnAlarm, actOnEscalation, alarmsOf, falseAlarmRate } from "./alarms.ts";
import type { OpsroomContext } from "./context.ts";
import { escalateDue } from "./escalation.ts";
import { defineIndicator, findIndicator } from "./indicators.ts";
import { setAlarmMail, wantsAlarmMail } from "./mail.ts";
import { reportValues, valuesOf } from "./values.ts";

let f: GroupsFixture;
let ctx: OpsroomContext;
let admin: { id: string; username: string };
let member: { id: string; username: string };
let outsider: { id: string; username: string };
let coop: Group;
let federation: Group;

before(async () => {
  f = await groupsFixture();
  ctx = { db: f.ctx.db, origin: f.ctx.origin, clock: f.clock };
  admin = await f.member("ana", "admin");
  member = await f.member("bo");
  outsider = await f.member("cy");
  await f.handle.db
    .updateTable("accounts")
    .set({ status: "suspended" })
    .where("id", "=", outsider.id)
    .execute();
  coop = await assembly(f.handle.db);
  federation = await f.group(admin, {
    name: "fed",
    kind: "federation",
    displayName: "Fed",
    visibility: "members",
    moderated: false,
  });
  assert.ok((await joinWithOurCoop(f.ctx, admin, { group: federation })).ok);
});
after(async () => {
  await f?.handle.close();
});

const day = (i: number) =>
  new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const series = (seed: number) => labelledSeries("step", 1, seededRandom(seed)).values;

async function newIndicator(name: string, extra: Record<string, unknown> = {}) {
  const made = await defineIndicator(ctx, admin, coop, {
    name,
    unit: "kg",
    frequency: "daily",
    direction: "up",
    ...extra,
  });
  assert.ok(made.ok, JSON.stringify(made));
  return made.value.id;
}

test("only managers define indicators; bad definitions are refused and write nothing", async () => {
  assert.deepEqual(
    await defineIndicator(ctx, member, coop, { name: "x", frequency: "daily", direction: "up" }),
    { ok: false, reason: "forbidden" },
  );
  assert.deepEqual(
    await defineIndicator(ctx, admin, coop, { name: "", frequency: "daily", direction: "up" }),
    { ok: false, reason: "invalid" },
  );
  assert.deepEqual(
    await defineIndicator(ctx, admin, coop, {
      name: "x",
      frequency: "hourly" as never,
      direction: "up",
    }),
    { ok: false, reason: "invalid" },
  );
  assert.deepEqual(
    await defineIndicator(ctx, admin, coop, {
      name: "x",
      frequency: "daily",
      direction: "up",
      threshold: 2,
    }),
    { ok: false, reason: "invalid" },
  );
  await newIndicator("Bread");
  assert.deepEqual(
    await defineIndicator(ctx, admin, coop, { name: "Bread", frequency: "daily", direction: "up" }),
    { ok: false, reason: "name-taken" },
  );
  assert.equal((await f.handle.db.selectFrom("indicators").select("id").execute()).length, 1);
});

test("a bad report is refused with the entry to blame and writes nothing", async () => {
  const id = await newIndicator("Flour");
  const before = await f.count("outbox_events");
  const cases: [Parameters<typeof reportValues>[2], string, number | undefined][] = [
    [[], "empty", undefined],
    [[{ indicatorId: id, period: "2026-02-30", value: 1 }], "bad-period", 0],
    [
      [
        { indicatorId: id, period: "2026-01-01", value: 1 },
        { indicatorId: id, period: "2026-01-02", value: Number.NaN },
      ],
      "bad-value",
      1,
    ],
    [
      [
        { indicatorId: id, period: "2026-01-02", value: 1 },
        { indicatorId: id, period: "2026-01-01", value: 1 },
      ],
      "not-after-last",
      1,
    ],
    [[{ indicatorId: "nope", period: "2026-01-01", value: 1 }], "not-found", 0],
  ];
  for (const [reports, reason, index] of cases) {
    const r = await reportValues(ctx, member, reports, "form");
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, reason);
    if (index !== undefined) assert.equal(!r.ok && r.index, index);
  }
  const r = await reportValues(
    ctx,
    outsider,
    [{ indicatorId: id, period: "2026-01-01", value: 1 }],
    "form",
  );
  assert.equal(!r.ok && r.reason, "forbidden");
  assert.equal((await valuesOf(f.handle.db, id)).length, 0);
  assert.equal(await f.count("outbox_events"), before);
});

test("a step change raises an alarm for the group's managers, with its forecast band", async () => {
  const id = await newIndicator("Loaves");
  const values = [...Array.from({ length: 40 }, (_, i) => 100 + (i % 3) - 1), 130, 131, 129];
  const r = await reportValues(
    ctx,
    member,
    values.map((value, i) => ({ indicatorId: id, period: day(i), value })),
    "csv",
  );
  assert.ok(r.ok);
  assert.equal(r.value.alarms.length, 1);
  assert.equal(r.value.alarms[0]?.period, day(40));
  const alarm = (await alarmsOf(f.handle.db, id))[0];
  assert.ok(alarm && alarm.state === "open" && alarm.lower < 105 && alarm.upper < 110);
  assert.equal((await findIndicator(f.handle.db, id))?.status, "alert");
  const stored = await valuesOf(f.handle.db, id);
  assert.equal(stored.length, 43);
  assert.ok(
    stored.every((v) => v.forecast !== null),
    "held warm-up values get their band too",
  );
  const notices = await f.handle.db
    .selectFrom("notifications")
    .select(["account_id", "type"])
    .where("type", "=", "indicator_alarm")
    .execute();
  assert.deepEqual(
    notices.map((n) => n.account_id),
    [admin.id],
  );
});

test("a restart in the middle of a series changes no alarm", async () => {
  const values = series(11);
  const whole = await newIndicator("Whole");
  for (const [i, value] of values.entries())
    assert.ok(
      (await reportValues(ctx, member, [{ indicatorId: whole, period: day(i), value }], "api")).ok,
    );
  // The same series, cut twice, each part on a freshly opened database handle (a restarted node).
  const cut = await newIndicator("Cut");
  const parts = [values.slice(0, 17), values.slice(17, 90), values.slice(90)];
  let offset = 0;
  for (const part of parts) {
    const handle = await openDatabase(f.handle.url, { poolSize: 2 });
    const restarted = { ...ctx, db: handle.db };
    for (const [i, value] of part.entries())
      assert.ok(
        (
          await reportValues(
            restarted,
            member,
            [{ indicatorId: cut, period: day(offset + i), value }],
            "api",
          )
        ).ok,
      );
    offset += part.length;
    await handle.close();
  }
  const shape = async (id: string) =>
    (await alarmsOf(f.handle.db, id)).map((a) => [
      a.period,
      a.kind,
      a.probability,
      a.forecast,
      a.lower,
      a.upper,
    ]);
  const a = await shape(whole);
  assert.ok(a.length >= 2, `the series has changes: ${a.length}`);
  assert.deepEqual(await shape(cut), a);
  const bands = async (id: string) =>
    (await valuesOf(f.handle.db, id, 500)).map((v) => [v.period, v.forecast, v.lower, v.upper]);
  assert.deepEqual(await bands(cut), await bands(whole));
});

test("unacknowledged past the window, an alarm escalates to the co-op's federation, where it is acknowledged", async () => {
  const id = await newIndicator("Milk", { shareValues: true });
  const values = [...Array.from({ length: 30 }, (_, i) => 50 + (i % 2)), 80, 81];
  assert.ok(
    (
      await reportValues(
        ctx,
        member,
        values.map((value, i) => ({ indicatorId: id, period: day(i), value })),
        "form",
      )
    ).ok,
  );
  const [alarm] = await alarmsOf(f.handle.db, id);
  assert.ok(alarm);
  assert.deepEqual(await escalateDue(ctx), { alarms: 0, forwarded: 0 }, "not before the window");
  f.clock.advance(25 * 3600 * 1000);
  const swept = await escalateDue(ctx);
  assert.ok(swept.alarms >= 1);
  assert.deepEqual(await escalateDue(ctx), { alarms: 0, forwarded: 0 }, "once");
  const [up] = await alarmsOf(f.handle.db, id);
  assert.equal(up?.level, 1);
  assert.equal((await findIndicator(f.handle.db, id))?.status, "crisis");
  const held = await f.handle.db
    .selectFrom("indicator_escalations")
    .selectAll()
    .where("alarm_uri", "like", `%${alarm.id}`)
    .executeTakeFirstOrThrow();
  assert.equal(held.group_id, federation.id);
  assert.equal(held.value, alarm.value, "shared values travel");
  assert.deepEqual(await actOnEscalation(ctx, member, held.id, { action: "acknowledge" }), {
    ok: false,
    reason: "forbidden",
  });
  assert.deepEqual(await actOnEscalation(ctx, admin, held.id, { action: "acknowledge" }), {
    ok: true,
    value: { state: "acknowledged" },
  });
  assert.deepEqual(await actOnEscalation(ctx, admin, held.id, { action: "acknowledge" }), {
    ok: false,
    reason: "closed",
  });
  // The co-op marks it a false alarm: kept, counted in the rate, the federation follows.
  assert.deepEqual(
    await actOnAlarm(ctx, admin, alarm.id, {
      action: "false_alarm",
      body: "a delivery counted twice",
    }),
    { ok: true, value: { state: "false_alarm" } },
  );
  assert.equal(falseAlarmRate(await alarmsOf(f.handle.db, id)), 1);
  assert.equal((await findIndicator(f.handle.db, id))?.status, "normal");
  const after = await f.handle.db
    .selectFrom("indicator_escalations")
    .select("origin_state")
    .where("id", "=", held.id)
    .executeTakeFirstOrThrow();
  assert.equal(after.origin_state, "false_alarm");
  assert.deepEqual(await actOnAlarm(ctx, admin, alarm.id, { action: "comment", body: "  " }), {
    ok: false,
    reason: "invalid",
  });
});

test("a member's export holds their reports and notes; deletion forgets who they were", async () => {
  const { opsroomContributor } = await import("./data.ts");
  const contributor = opsroomContributor(ctx.origin);
  const exported = (await contributor.export(f.handle.db, member.id)) as {
    values: unknown[];
    notes: unknown[];
  };
  assert.ok(exported.values.length > 100);
  const adminNotes = (await contributor.export(f.handle.db, admin.id)) as {
    notes: { body: string }[];
  };
  assert.ok(adminNotes.notes.some((n) => n.body === "a delivery counted twice"));
  // The alarm-mail setting is theirs: exported, and gone with them.
  await setAlarmMail(ctx, admin.id, false);
  assert.equal(
    ((await contributor.export(f.handle.db, admin.id)) as { alarmMail: boolean }).alarmMail,
    false,
  );
  await f.handle.db
    .transaction()
    .execute((trx) => contributor.erase(trx, admin.id, new Date().toISOString()));
  const after = (await contributor.export(f.handle.db, admin.id)) as { notes: unknown[] };
  assert.equal(after.notes.length, 0);
  assert.ok(await wantsAlarmMail(f.handle.db, admin.id), "the opt-out row is gone");
  const kept = await f.handle.db
    .selectFrom("indicator_alarm_notes")
    .select(["body", "author_uri"])
    .where("kind", "=", "false_alarm")
    .execute();
  assert.deepEqual(
    kept,
    [{ body: "", author_uri: "" }],
    "the act stays in the alarm's story, anonymous",
  );
  const ack = await f.handle.db
    .selectFrom("indicator_escalations")
    .select("acknowledged_by")
    .execute();
  assert.ok(ack.every((r) => r.acknowledged_by !== `${ctx.origin}/users/ana`));
});
