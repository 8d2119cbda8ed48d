/**
 * Creating processes and moving them through their phases (by hand and by the
 * sweep, once each), who takes part and who runs them. SQLite, or PostgreSQL
 * with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type BudgetingFixture, budgetingFixture } from "../../../../test/support/budgeting.ts";
import type { LocalMember } from "../../../groups/context.ts";
import { joinWithOurCoop } from "../../../groups/federations.ts";
import type { Group } from "../../../groups/groups.ts";
import { memberUri } from "../../../kernel/uris.ts";
import { canTakePart } from "./eligibility.ts";
import { advancePhase, sweepPhases } from "./phases.ts";
import { createProcess } from "./processes.ts";
import { categoriesOf, districtsOf, processById } from "./reads.ts";

let f: BudgetingFixture;
let ada: LocalMember;
let bea: LocalMember;
let group: Group;
before(async () => {
  f = await budgetingFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  // cyd is a member of the node, not of the group.
  await f.member("cyd");
  group = await f.groupWith("garden", ada, [bea]);
});
after(() => f.handle.close());

const HOUR = 3600_000;
const at = (hours: number) => new Date(f.clock.now().getTime() + hours * HOUR).toISOString();

test("a moderator opens a process with its districts and categories; it starts in proposing", async () => {
  const id = await f.process(ada, group);
  const p = await processById(f.ctx, id);
  assert.equal(p?.phase, "proposing");
  assert.equal(p?.eligibility, "members");
  assert.equal(p?.uri, `${f.ctx.origin}/budgets/${id}`);
  assert.deepEqual(
    (await districtsOf(f.ctx, id)).map((d) => [d.name, Number(d.budget)]),
    [
      ["North", 100_000],
      ["South", 50_000],
    ],
  );
  assert.deepEqual(
    (await categoriesOf(f.ctx, id)).map((c) => c.name),
    ["Green spaces", "Culture"],
  );
  assert.deepEqual(await f.events("budgeting.process.created"), [{ processId: id }]);
});

test("a member who is not a moderator cannot open one; bad input writes nothing", async () => {
  const before = await f.pbRows("pb_processes");
  const denied = await createProcess(f.ctx, f.as(bea), {
    groupId: group.id,
    process: f.processInput(),
  });
  assert.deepEqual(denied, { ok: false, reason: "forbidden" });
  for (const bad of [
    { districts: [] },
    { districts: [{ name: "A", budget: -5 }] },
    {
      districts: [
        { name: "A", budget: 1 },
        { name: "A", budget: 2 },
      ],
    },
    { ballotKind: "cumulative" as const },
    { minProjects: 5, maxProjects: 2 },
    { proposingEndsAt: at(5), reviewEndsAt: at(2) },
    { votingEndsAt: at(-1) },
    { title: "" },
  ]) {
    const made = await createProcess(f.ctx, f.as(ada), {
      groupId: group.id,
      process: f.processInput(bad),
    });
    assert.deepEqual(made, { ok: false, reason: "invalid" }, JSON.stringify(bad));
  }
  assert.equal(await f.pbRows("pb_processes"), before);
});

test("members take part; outsiders do not", async () => {
  const id = await f.process(ada, group);
  const p = await processById(f.ctx, id);
  assert.ok(p);
  assert.equal(await canTakePart(f.ctx, p, memberUri(f.ctx.origin, "bea")), true);
  assert.equal(await canTakePart(f.ctx, p, memberUri(f.ctx.origin, "cyd")), false);
  assert.equal(await canTakePart(f.ctx, p, "https://elsewhere.example/users/x"), false);
});

test("a federation's budget is open to every member of its member co-ops, each for themself", async () => {
  const fed = await f.group(ada, { name: "valley", kind: "federation" });
  assert.ok((await joinWithOurCoop(f.ctx, ada, { group: fed })).ok);
  const id = await f.process(ada, fed);
  const p = await processById(f.ctx, id);
  assert.ok(p);
  assert.equal(p.eligibility, "federation");
  // cyd is in no group, but a member of this co-op, which is in the federation.
  assert.equal(await canTakePart(f.ctx, p, memberUri(f.ctx.origin, "cyd")), true);
  assert.equal(await canTakePart(f.ctx, p, "https://elsewhere.example/users/x"), false);
});

test("phases move forward one at a time, by a moderator, and everyone is notified each time", async () => {
  const id = await f.process(ada, group);
  const notices = () =>
    f.ctx.db
      .selectFrom("notifications")
      .select("account_id")
      .where("type", "=", "budget_phase")
      .where("from_uri", "=", `${f.ctx.origin}/budgets/${id}`)
      .execute();
  assert.deepEqual(await advancePhase(f.ctx, f.as(bea), id, "review"), {
    ok: false,
    reason: "forbidden",
  });
  assert.deepEqual(await advancePhase(f.ctx, f.as(ada), id, "voting"), {
    ok: false,
    reason: "wrong-phase",
  });
  assert.equal((await notices()).length, 0);
  assert.ok((await advancePhase(f.ctx, f.as(ada), id, "review")).ok);
  assert.equal((await processById(f.ctx, id))?.phase, "review");
  // ada and bea are the group's members; cyd is not.
  assert.deepEqual((await notices()).map((n) => n.account_id).sort(), [ada.id, bea.id].sort());
  assert.ok((await advancePhase(f.ctx, f.as(ada), id, "voting")).ok);
  assert.ok((await advancePhase(f.ctx, f.as(ada), id, "results")).ok);
  // Implementation waits for the count.
  assert.deepEqual(await advancePhase(f.ctx, f.as(ada), id, "implementation"), {
    ok: false,
    reason: "not-counted",
  });
  assert.equal((await processById(f.ctx, id))?.phase, "results");
  assert.equal((await notices()).length, 6);
  const phases = (await f.events("budgeting.process.phase-changed"))
    .filter((e) => e.processId === id)
    .map((e) => e.phase);
  assert.deepEqual(phases, ["review", "voting", "results"]);
});

test("the sweep moves processes whose phase ended by date, once each", async () => {
  const id = await f.process(ada, group, {
    proposingEndsAt: at(1),
    reviewEndsAt: at(2),
    votingEndsAt: at(3),
  });
  assert.equal((await sweepPhases(f.ctx)).advanced, 0);
  f.clock.advance(HOUR + 1000);
  assert.equal((await sweepPhases(f.ctx)).advanced, 1);
  assert.equal((await sweepPhases(f.ctx)).advanced, 0);
  assert.equal((await processById(f.ctx, id))?.phase, "review");
  f.clock.advance(5 * HOUR);
  // One step per sweep: each phase gets its own notice.
  assert.equal((await sweepPhases(f.ctx)).advanced, 1);
  assert.equal((await sweepPhases(f.ctx)).advanced, 1);
  assert.equal((await processById(f.ctx, id))?.phase, "results");
  assert.equal((await sweepPhases(f.ctx)).advanced, 0);
});
