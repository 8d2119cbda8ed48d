import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cmp, rat } from "../../kernel/rational.ts";
import { count } from "./count.ts";
import { explainMes, totalPaid } from "./explain.ts";
import { methodOfEqualShares } from "./mes.ts";
import { mesExact } from "./mes-exact.ts";
import { type Election, readPb } from "./pabulib.ts";
import { candidates, toProfile } from "./profile.ts";
import { syntheticElection } from "./synthetic.ts";

const assen = readPb(
  readFileSync(join(import.meta.dirname, "fixtures", "Netherlands_Assen_2024.pb"), "utf8"),
);

function withCost(e: Election, id: string, cost: bigint): Election {
  return { ...e, projects: e.projects.map((p) => (p.id === id ? { ...p, cost: rat(cost) } : p)) };
}

function stories(e: Election, completion: "none" | "add1") {
  const p = toProfile(e);
  const outcome = methodOfEqualShares(p, { completion });
  const run = mesExact(p, candidates(p), outcome.endowment, true);
  assert.deepEqual(run.winners, outcome.winners);
  return { p, outcome, stories: explainMes(p, run.rounds, candidates(p)) };
}

describe("MES explanations", () => {
  it("accounts for every winner's cost in its payments, exactly", () => {
    for (const completion of ["none", "add1"] as const) {
      const { p, outcome, stories: s } = stories(assen, completion);
      for (const c of outcome.winners) {
        const payments = s[c]?.payments ?? [];
        assert.equal(
          cmp(totalPaid(payments), rat(p.cost[c] as bigint)),
          0,
          `project ${p.projectIds[c]}`,
        );
        const voters = payments.flatMap((g) => g.voterIds).sort();
        const supporters = [...(p.supporters[c] as Int32Array)].map((v) => p.voterIds[v]).sort();
        assert.ok(
          voters.every((v) => supporters.includes(v)),
          "only supporters pay",
        );
      }
    }
  });

  it("gives the cost below which a losing project would have won, sharply", () => {
    const elections: Election[] = [
      assen,
      syntheticElection({
        voters: 60,
        projects: 10,
        seed: 7,
        minCost: 100,
        maxCost: 2000,
        minApproved: 1,
        maxApproved: 4,
      }),
    ];
    let checked = 0;
    for (const e of elections) {
      const { p, outcome, stories: s } = stories(e, "none");
      for (const c of candidates(p)) {
        if (outcome.winners.includes(c)) continue;
        const needed = s[c]?.neededCost;
        assert.ok(needed, `project ${p.projectIds[c]} has a needed cost`);
        assert.ok(cmp(needed, rat(p.cost[c] as bigint)) < 0);
        const id = p.projectIds[c] as string;
        const below = (needed.n + needed.d - 1n) / needed.d - 1n; // largest integer < needed
        const above = needed.n / needed.d + 1n; // smallest integer > needed
        const selectedAt = (cost: bigint) =>
          count(withCost(e, id, cost), { rule: "mes" }).selected.includes(id);
        if (below > 0n)
          assert.ok(selectedAt(below), `${id} at ${below} (needed ${needed.n}/${needed.d})`);
        if (above < (p.cost[c] as bigint)) assert.ok(!selectedAt(above), `${id} at ${above}`);
        checked++;
      }
    }
    assert.ok(checked >= 8);
  });

  it("reports reasons, payments and needs in the count result", () => {
    const result = count(assen, { rule: "mes-add1", explain: true });
    assert.equal(result.projects.length, assen.projects.length);
    for (const project of result.projects) {
      assert.ok(project.reason.length > 0);
      if (project.selected) {
        assert.ok(project.payments && project.payments.length > 0);
        assert.equal(project.neededCost, undefined);
      } else {
        assert.ok((project.neededCost ?? Infinity) < project.cost, project.id);
        assert.ok((project.neededVotes ?? 0) >= 1, project.id);
      }
    }
  });
});

describe("greedy explanations", () => {
  it("gives the extra votes and the cost a losing project needed, sharply", () => {
    const base = assen;
    const result = count(base, { rule: "greedy", explain: true });
    let checked = 0;
    for (const project of result.projects) {
      if (project.selected || project.neededVotes === undefined) continue;
      const extra = (k: number): Election => ({
        ...base,
        ballots: [
          ...base.ballots,
          ...Array.from({ length: k }, (_, i) => ({
            voterId: `extra${i}`,
            projects: [project.id],
          })),
        ],
      });
      const wins = (e: Election) => count(e, { rule: "greedy" }).selected.includes(project.id);
      assert.ok(wins(extra(project.neededVotes)), `${project.id} with ${project.neededVotes} more`);
      assert.ok(!wins(extra(project.neededVotes - 1)), `${project.id} with one vote fewer`);
      const cost = BigInt(project.neededCost ?? 0);
      assert.ok(wins(withCost(base, project.id, cost)));
      assert.ok(!wins(withCost(base, project.id, cost + 1n)));
      checked++;
    }
    assert.ok(checked >= 3);
  });
});
