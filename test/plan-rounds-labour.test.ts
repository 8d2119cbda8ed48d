/**
 * Plan rounds plan labour and minimum lots (both databases). A federation
 * hosted here with this node's co-op (H) and two member co-ops elsewhere (B, C,
 * as rows). H offers 10 kg of bread near C at 1 hour a kilo; B offers 10 kg
 * farther away with a minimum order of 4 kg; C needs 8 kg.
 * - A round in which H states 5 hours: H can send only 5, and B's 3 would be
 *   below its minimum order, so the plan is 4 from H and 4 from B.
 * - A round in which H states nothing: H sends all 8 (labour does not limit it).
 * - The stored input carries the hours and the lot, and re-runs to the same plan.
 * - Bad statements are refused and write nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { PlanRoundsContext } from "../src/economy/plan-rounds/context.ts";
import { planRoundsContributor } from "../src/economy/plan-rounds/data.ts";
import { statedHours, stateHours } from "../src/economy/plan-rounds/hours.ts";
import { commitmentsOfRound, openRound } from "../src/economy/plan-rounds/rounds.ts";
import { sweepPlanRounds } from "../src/economy/plan-rounds/sweep.ts";
import { planAllocation } from "../src/economy/planning/planner.ts";
import type { LocalMember } from "../src/groups/context.ts";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import type { Group } from "../src/groups/groups.ts";
import { newId } from "../src/kernel/ids.ts";
import { coopUri, groupUri } from "../src/kernel/uris.ts";
import { publishProposal } from "./support/economy.ts";
import { type GroupsFixture, groupsFixture, ORIGIN } from "./support/groups.ts";

let f: GroupsFixture;
let ctx: PlanRoundsContext;
let ana: LocalMember;
let bo: LocalMember;
let fed: Group;
const H = coopUri(ORIGIN);
const B = "https://b.example/users/coop";
const C = "https://c.example/users/coop";
const BREAD = "https://fed.example/economy/specs/bread";
const inDays = (d: number) => new Date(f.clock.now().getTime() + d * 86_400_000).toISOString();

async function proposal(
  agent: string,
  purpose: "offer" | "request",
  kg: number,
  at: [number, number],
  extra: { minimum?: number; hoursPerUnit?: number } = {},
) {
  const local = agent === H ? 1 : 0;
  const id = newId();
  const row = await publishProposal(f.handle.db, ORIGIN, {
    id,
    uri: local
      ? `${ORIGIN}/economy/proposals/${id}`
      : `${new URL(agent).origin}/economy/proposals/${id}`,
    local,
    purpose,
    agent_uri: agent,
    group_uri: groupUri(ORIGIN, "fed"),
    spec_uri: BREAD,
    name: "Bread",
    unit: "kilogram",
    quantity: kg * 1000,
    available: kg * 1000,
    minimum: (extra.minimum ?? 0) * 1000,
    latitude: at[0],
    longitude: at[1],
    reciprocity: "gift",
    unit_price: 0,
    currency: "",
  });
  if (extra.hoursPerUnit !== undefined)
    await f.handle.db
      .updateTable("econ_proposals")
      .set({ hours_per_unit: extra.hoursPerUnit })
      .where("id", "=", row.id)
      .execute();
}

before(async () => {
  f = await groupsFixture();
  ctx = { db: f.ctx.db, origin: f.ctx.origin, clock: f.clock };
  ana = await f.member("ana", "admin");
  bo = await f.member("bo");
  fed = await f.group(ana, {
    name: "fed",
    kind: "federation",
    displayName: "Fed",
    visibility: "public",
  });
  assert.ok((await joinWithOurCoop(f.ctx, ana, { group: fed })).ok);
  for (const uri of [B, C])
    await f.handle.db
      .insertInto("group_members")
      .values({
        id: newId(),
        group_id: fed.id,
        actor_uri: uri,
        account_id: null,
        remote_id: null,
        actor_kind: "coop",
        role: "member",
        status: "active",
        follow_activity_uri: null,
        created_at: f.clock.now().toISOString(),
        updated_at: f.clock.now().toISOString(),
      })
      .execute();
  await proposal(H, "offer", 10, [40.0, -3.0], { hoursPerUnit: 1 });
  await proposal(B, "offer", 10, [40.5, -3.0], { minimum: 4 });
  await proposal(C, "request", 8, [40.1, -3.0]);
});
after(async () => {
  await f?.handle.close();
});

const flows = async (roundId: string) =>
  (await commitmentsOfRound(f.handle.db, { id: roundId, revision: 1 }))
    .map(
      (c) =>
        `${new URL(c.provider_uri).host}→${new URL(c.receiver_uri).host} ${Number(c.quantity) / 1000}`,
    )
    .sort();

async function open(title: string) {
  const opened = await openRound(ctx, ana, {
    groupId: fed.id,
    round: { title, deadline: inDays(3) },
  });
  assert.ok(opened.ok);
  return opened.value.id;
}

test("bad statements of hours are refused and write nothing", async () => {
  const id = await open("Refusals");
  for (const hours of [-1, Number.NaN, 2_000_000, "5", null])
    assert.deepEqual(await stateHours(ctx, ana, { roundId: id, hours }), {
      ok: false,
      reason: "invalid",
    });
  assert.deepEqual(await stateHours(ctx, bo, { roundId: id, hours: 5 }), {
    ok: false,
    reason: "forbidden",
  });
  assert.deepEqual(await stateHours(ctx, ana, { roundId: "nope", hours: 5 }), {
    ok: false,
    reason: "not-found",
  });
  assert.equal(await statedHours(ctx, id), null);
  const rows = await f.handle.db.selectFrom("plan_round_hours").selectAll().execute();
  assert.equal(rows.length, 0);
  await f.handle.db.deleteFrom("plan_rounds").where("id", "=", id).execute();
});

test("a co-op's stated hours and an offer's minimum order shape the plan; re-running gives it again", async () => {
  const limited = await open("With our hours");
  assert.deepEqual(await stateHours(ctx, ana, { roundId: limited, hours: 5 }), {
    ok: true,
    value: { hours: 5 },
  });
  assert.equal(await statedHours(ctx, limited), 5);
  const free = await open("Without hours");
  assert.equal((await sweepPlanRounds(ctx)).solved, 2);

  // 5 hours: H could send 5 and B the other 3, but B takes orders of 4 or more.
  assert.deepEqual(await flows(limited), ["b.example→c.example 4", "coop.example→c.example 4"]);
  // No hours stated for this round: labour does not limit H.
  assert.deepEqual(await flows(free), ["coop.example→c.example 8"]);

  const stored = await f.handle.db
    .selectFrom("plan_revisions")
    .selectAll()
    .where("round_id", "=", limited)
    .executeTakeFirstOrThrow();
  const input = JSON.parse(stored.input);
  assert.deepEqual(
    input.coops.find((c: { id: string }) => c.id === H),
    { id: H, hours: 5 },
  );
  assert.equal(input.supplies.find((s: { coop: string }) => s.coop === B).minimumLot, 4);
  assert.equal(input.supplies.find((s: { coop: string }) => s.coop === H).hoursPerUnit, 1);
  const output = JSON.parse(stored.output ?? "null");
  assert.equal(output.solver.lots.proven, true);
  const again = await planAllocation(input);
  assert.deepEqual(again.flows, output.flows);
  assert.equal(again.objective, output.objective);

  // The statement is the member's data: exported, and forgotten on deletion.
  const contributor = planRoundsContributor(ORIGIN);
  const exported = (await contributor.export(f.handle.db, ana.id)) as { hours: unknown[] };
  assert.equal(exported.hours.length, 1);
  await f.handle.db
    .transaction()
    .execute((trx) => contributor.erase(trx, ana.id, f.clock.now().toISOString()));
  const kept = await f.handle.db.selectFrom("plan_round_hours").selectAll().execute();
  assert.equal(kept.length, 1);
  assert.equal(kept[0]?.account_id, null);
  assert.equal(Number(kept[0]?.hours), 5);
});
