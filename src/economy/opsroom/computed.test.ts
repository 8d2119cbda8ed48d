import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { activeCoop } from "../../../test/support/economy.ts";
import { type GroupsFixture, groupsFixture, START } from "../../../test/support/groups.ts";
import { joinWithOurCoop } from "../../groups/federations.ts";
import { assembly, type Group } from "../../groups/groups.ts";
import { insertMember } from "../../groups/memberships.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri } from "../../kernel/uris.ts";
import { accountOf } from "../credit/accounts.ts";
import { createLedger, findLedger, type Ledger } from "../credit/ledgers.ts";
import { postTransfer } from "../credit/transfers.ts";
import { alarmsOf } from "./alarms.ts";
import { computeDue, lastEndedPeriod } from "./computed.ts";
import type { OpsroomContext } from "./context.ts";
import { defineIndicator } from "./indicators.ts";
import { reportValues, valuesOf } from "./values.ts";

let f: GroupsFixture;
let ctx: OpsroomContext;
let admin: { id: string; username: string };
let coop: Group;
let ledger: Ledger;
const SPEC = "https://www.wikidata.org/wiki/Q11004";
const OTHER = "https://huerta.example/users/coop";
const DAY = 86_400_000;

before(async () => {
  f = await groupsFixture();
  ctx = { db: f.ctx.db, origin: f.ctx.origin, clock: f.clock };
  admin = await f.member("ana", "admin");
  coop = await assembly(f.handle.db);
  const federation = await f.group(admin, {
    name: "fed",
    kind: "federation",
    displayName: "Fed",
    visibility: "members",
    moderated: false,
  });
  assert.ok((await joinWithOurCoop(f.ctx, admin, { group: federation })).ok);
  await insertMember(f.handle.db, START.toISOString(), activeCoop(federation.id, OTHER));
  const opened = await createLedger(f.ctx, admin, {
    groupId: federation.id,
    settings: { unit: "hours", defaultDebitLimit: 10_000, defaultCreditLimit: 10_000 },
  });
  assert.ok(opened.ok, JSON.stringify(opened));
  ledger = (await findLedger(f.handle.db, opened.value.id)) as Ledger;
});
after(async () => {
  await f?.handle.close();
});

const us = () => coopUri(ctx.origin);
async function delivered(quantity: number, at: Date) {
  await f.handle.db
    .insertInto("econ_events")
    .values({
      id: newId(),
      uri: `${ctx.origin}/economy/events/${newId()}`,
      agreement_id: null,
      commitment_id: null,
      action: "transfer",
      provider_uri: us(),
      receiver_uri: OTHER,
      spec_uri: SPEC,
      unit: "kilogram",
      quantity,
      note: "",
      recorded_by_uri: us(),
      occurred_at: at.toISOString(),
      created_at: at.toISOString(),
    })
    .execute();
}
const define = (name: string, computed: unknown, extra: Record<string, unknown> = {}) =>
  defineIndicator(ctx, admin, coop, {
    name,
    unit: "kg",
    frequency: "daily",
    direction: "up",
    computed: computed as never,
    ...extra,
  });

test("the last ended period of each frequency", () => {
  const now = new Date("2026-03-04T09:30:00.000Z"); // a Wednesday
  const iso = (p: { start: Date; end: Date }) => [p.start, p.end].map((d) => d.toISOString());
  assert.deepEqual(iso(lastEndedPeriod("daily", now)), [
    "2026-03-03T00:00:00.000Z",
    "2026-03-04T00:00:00.000Z",
  ]);
  assert.deepEqual(iso(lastEndedPeriod("weekly", now)), [
    "2026-02-23T00:00:00.000Z",
    "2026-03-02T00:00:00.000Z",
  ]);
  assert.deepEqual(iso(lastEndedPeriod("monthly", now)), [
    "2026-02-01T00:00:00.000Z",
    "2026-03-01T00:00:00.000Z",
  ]);
});

test("a computed indicator needs what it reads; a balance needs our account in a ledger here", async () => {
  assert.deepEqual(await define("stock of nothing", { from: "stock" }), {
    ok: false,
    reason: "invalid",
  });
  assert.deepEqual(await define("bad ref", { from: "stock", ref: "javascript:x" }), {
    ok: false,
    reason: "invalid",
  });
  assert.deepEqual(
    await define("elsewhere", { from: "balance", ref: "https://other.example/groups/x/ledger" }),
    { ok: false, reason: "invalid" },
  );
  assert.equal(
    await f.handle.db
      .selectFrom("indicators")
      .select("id")
      .where("computed_from", "is not", null)
      .executeTakeFirst(),
    undefined,
  );
});

test("stock, deliveries and balance are computed once per ended period, through the detector", async () => {
  const stock = await define("vegetables in store", { from: "stock", ref: SPEC });
  const deliveries = await define("deliveries", { from: "deliveries" });
  const balance = await define("credit balance", { from: "balance", ref: ledger.uri });
  assert.ok(stock.ok && deliveries.ok && balance.ok);
  await f.handle.db
    .insertInto("econ_resources")
    .values({
      id: newId(),
      uri: `${ctx.origin}/economy/resources/x`,
      owner_uri: us(),
      spec_uri: SPEC,
      name: "Vegetables",
      unit: "kilogram",
      on_hand: 12_500,
      updated_at: START.toISOString(),
    })
    .execute();
  await delivered(3_000, new Date(START.getTime() + 3_600_000)); // today, 13:00
  await delivered(99_000, new Date(START.getTime() - DAY)); // yesterday: not today's
  const them = await accountOf(f.handle.db, ledger.id, OTHER);
  const mine = await accountOf(f.handle.db, ledger.id, us());
  assert.ok(them && mine);
  const paid = await postTransfer(f.ctx, {
    ledgerId: ledger.id,
    payerUri: OTHER,
    payeeUri: us(),
    amount: 750,
    memo: "leeks",
  });
  assert.ok(paid.ok);

  // Today has not ended: nothing yet (the indicators were made today).
  assert.equal(await computeDue(ctx), null);
  f.clock.advance(DAY);
  const done = await computeDue(ctx);
  assert.ok(done?.ok, JSON.stringify(done));
  assert.equal(done.value.values, 3);
  const seriesOf = async (id: string) => {
    const rows = await valuesOf(f.handle.db, id);
    return rows.map((r) => [r.period, r.value, r.source, r.reported_by]);
  };
  const today = START.toISOString().slice(0, 10);
  assert.deepEqual(await seriesOf(stock.value.id), [[today, 12.5, "computed", null]]);
  assert.deepEqual(await seriesOf(deliveries.value.id), [[today, 3, "computed", null]]);
  assert.deepEqual(await seriesOf(balance.value.id), [[today, 7.5, "computed", null]]);
  // Once per period: the next sweep the same day adds nothing.
  assert.equal(await computeDue(ctx), null);
  // Nobody reports into a computed series by hand.
  const next = new Date(START.getTime() + DAY).toISOString().slice(0, 10);
  assert.deepEqual(
    await reportValues(
      ctx,
      admin,
      [{ indicatorId: stock.value.id, period: next, value: 1 }],
      "form",
    ),
    { ok: false, reason: "forbidden", index: 0 },
  );
});

test("a jump in deliveries raises an alarm through the same path as a report", async () => {
  const made = await define("daily deliveries", { from: "deliveries", ref: SPEC }, { warmup: 5 });
  assert.ok(made.ok);
  let raised = 0;
  for (let i = 0; i < 30; i++) {
    // Steady around 10 kg a day, then 60 from day 20.
    const kg = i < 20 ? 10 + (i % 3) : 60;
    await delivered(kg * 1000, new Date(f.clock.now().getTime() + 1000));
    f.clock.advance(DAY);
    const r = await computeDue(ctx);
    assert.ok(r?.ok, JSON.stringify(r));
    raised += r.value.alarms.filter((a) => a.indicatorId === made.value.id).length;
  }
  assert.ok(raised >= 1, "the jump raised an alarm");
  const alarms = await alarmsOf(f.handle.db, made.value.id);
  assert.ok(alarms.some((a) => a.period >= "2026-03-22" && a.value >= 60));
});
