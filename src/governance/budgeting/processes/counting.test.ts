/**
 * Counting processes in the worker's sweep on SQLite or PostgreSQL
 * (TEST_DATABASE_URL): only processes past voting and not yet counted are
 * counted, every district on its own, named and secret ballots alike; the
 * stored results explain every project and agree with the engine run on the
 * exported .pb file; results pages read them (results.ts).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type BudgetingVoteFixture,
  budgetingVoteFixture,
} from "../../../../test/support/budgeting-vote.ts";
import type { LocalMember } from "../../../groups/context.ts";
import type { Group } from "../../../groups/groups.ts";
import { count } from "../count.ts";
import { readPb } from "../pabulib.ts";
import { castBallot } from "./ballots.ts";
import { countWaitingProcesses } from "./counting.ts";
import { exportPb } from "./pb-files.ts";
import { resultsOf } from "./results.ts";

let f: BudgetingVoteFixture;
let voters: LocalMember[];
let group: Group;
before(async () => {
  f = await budgetingVoteFixture();
  const admin = await f.member("ana", "admin");
  voters = [];
  for (let i = 0; i < 12; i++) voters.push(await f.member(`v${i}`));
  group = await f.groupWith("budget", admin, voters);
});
after(() => f.handle.close());

/**
 * District 1 (budget 1000): a (600) and b (500) are liked by 8 voters, c (400) by
 * the other 4. MES buys b (cheaper per supporter than a) for the 8; the 4 hold a
 * third of the money, 333, short of c until Add1 raises their share to 100 each.
 * District 2: one project its three voters like.
 */
async function election(secrecy: "named" | "secret") {
  const p = await f.process({
    group,
    over: { secrecy },
    categories: ["Parks", "Streets"],
    districts: [
      { budget: 100_000, costs: [60_000, 50_000, 40_000] },
      { budget: 5_000, costs: [5_000] },
    ],
  });
  const [d1, d2] = p.districts as [
    { id: string; projects: string[] },
    { id: string; projects: string[] },
  ];
  const [a, b, c] = d1.projects as [string, string, string];
  for (const [i, m] of voters.entries()) {
    const choices = i < 8 ? { [a]: 1, [b]: 1 } : { [c]: 1 };
    assert.ok(
      (await castBallot(f.ctx, f.voter(m), { processId: p.id, districtId: d1.id, choices })).ok,
    );
    if (i < 3)
      assert.ok(
        (
          await castBallot(f.ctx, f.voter(m), {
            processId: p.id,
            districtId: d2.id,
            choices: { [d2.projects[0] as string]: 1 },
          })
        ).ok,
      );
  }
  return { p, d1, d2, a, b, c };
}

for (const secrecy of ["named", "secret"] as const)
  test(`${secrecy} ballots: counted once voting is over, every district, with explanations`, async () => {
    const { p, d1, b, c } = await election(secrecy);
    assert.deepEqual(
      await countWaitingProcesses(f.ctx),
      { counted: 0 },
      "voting: nothing to count",
    );
    assert.deepEqual((await resultsOf(f.ctx, p.id))?.districts, []);
    await f.setPhase(p.id, "results");
    assert.deepEqual(await countWaitingProcesses(f.ctx), { counted: 1 });
    assert.deepEqual(await countWaitingProcesses(f.ctx), { counted: 0 }, "counted once");
    const events = await f.events("budgeting.results.counted");
    assert.ok(events.some((e) => e.processId === p.id));

    const results = await resultsOf(f.ctx, p.id);
    const [r1, r2] = results?.districts ?? [];
    assert.ok(r1 && r2);
    assert.equal(r1.ballots, 12);
    assert.equal(r2.ballots, 3);
    assert.deepEqual(
      r2.winners.map((w) => w.title),
      ["Project 2.1"],
    );
    assert.deepEqual(new Set(r1.winners.map((w) => w.id)), new Set([b, c]));
    assert.equal(r1.spent, 90_000);
    const [loser] = r1.losers;
    assert.equal(loser?.title, "Project 1.1");
    assert.equal(loser?.why.kind, "lost");
    for (const w of r1.winners) {
      assert.equal(w.why.kind, "paid");
      if (w.why.kind === "paid")
        assert.equal(
          w.why.payments.reduce((s, g) => s + g.amount * g.voters, 0),
          w.cost,
          "the payments add up to the cost",
        );
    }
    assert.deepEqual(
      r1.categories.map((x) => [x.name, x.spent]),
      [
        ["Parks", 40_000],
        ["Streets", 50_000],
      ],
    );

    // The exported file counted by the engine gives the same winners.
    const file = await exportPb(f.ctx, p.id, d1.id);
    assert.ok(file.ok);
    const recount = count(readPb(file.value), { rule: "mes-add1", seed: 7 });
    assert.deepEqual(new Set(recount.selected), new Set(r1.winners.map((w) => w.id)));
    assert.ok(!file.value.includes("/users/"), "no member's address in the export");
    const ids = readPb(file.value).ballots.map((x) => x.voterId);
    assert.deepEqual(
      ids,
      ids.map((_, i) => String(i + 1)),
    );
  });

test("greedy comparison and a greedy process", async () => {
  const { p } = await election("named");
  await f.handle.db
    .updateTable("pb_processes")
    .set({ rule: "greedy" })
    .where("id", "=", p.id)
    .execute();
  await f.setPhase(p.id, "implementation");
  assert.deepEqual(await countWaitingProcesses(f.ctx), { counted: 1 });
  const [r1] = (await resultsOf(f.ctx, p.id))?.districts ?? [];
  assert.ok(r1);
  // Greedy by votes: a and b have 8 each (b is cheaper, so first), then a no longer fits, c does.
  assert.deepEqual(
    r1.winners.map((w) => w.title),
    ["Project 1.2", "Project 1.3"],
  );
  assert.ok(r1.greedy.same);
  assert.deepEqual(
    r1.winners.map((w) => w.why.kind),
    ["turn", "turn"],
  );
  const lost = r1.losers[0];
  assert.equal(lost?.why.kind, "lost");
  if (lost?.why.kind === "lost")
    assert.equal(lost.why.neededCost, 50_000, "what was left at its turn");
});

test("export: refused while voting is open, not found for another process's district", async () => {
  const { p, d1 } = await election("named");
  assert.deepEqual(await exportPb(f.ctx, p.id, d1.id), { ok: false, reason: "not-counted-yet" });
  const other = await f.process({ group, districts: [{ budget: 10, costs: [5] }] });
  assert.deepEqual(await exportPb(f.ctx, other.id, d1.id), { ok: false, reason: "not-found" });
});
