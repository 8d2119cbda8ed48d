import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { add, rat } from "../../kernel/rational.ts";
import { CountError, count } from "./count.ts";
import { methodOfEqualShares } from "./mes.ts";
import { mesExact } from "./mes-exact.ts";
import { FastMes } from "./mes-fast.ts";
import { type Election, parsePbFile, readPb, toElection } from "./pabulib.ts";
import { candidates, toProfile, totalCost } from "./profile.ts";
import { syntheticElection } from "./synthetic.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

function pb(
  budget: number,
  projects: string,
  votes: string,
  meta = "vote_type;approval",
): Election {
  return readPb(
    `META\nkey;value\nbudget;${budget}\n${meta}\nPROJECTS\n${projects}\nVOTES\n${votes}\n`,
  );
}
const sorted = (xs: string[]) => [...xs].sort();

describe("official results counted with MES + Add1", () => {
  for (const name of ["Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb"]) {
    it(`reproduces ${name}`, () => {
      const file = parsePbFile(fixture(name));
      assert.equal(file.meta.rule, "equalshares/add1");
      const official = file.projects.rows
        .filter((r) => r.selected === "1")
        .map((r) => r.project_id ?? "");
      const result = count(toElection(file), { rule: "mes-add1" });
      assert.deepEqual(sorted(result.selected), sorted(official));
      const costs = new Map(file.projects.rows.map((r) => [r.project_id, Number(r.cost)]));
      assert.equal(
        result.spent,
        official.reduce((s, id) => s + (costs.get(id) ?? 0), 0),
      );
      assert.equal(result.exactRuns, 0, "the certified float count decided every run");
    });
  }

  it("counts Assen exactly throughout to the same result, meeting ties the tie rule decides", () => {
    const election = readPb(fixture("Netherlands_Assen_2024.pb"));
    const fast = methodOfEqualShares(toProfile(election), { completion: "add1" });
    const p = toProfile(election);
    const exact = methodOfEqualShares(p, { completion: "add1", exactOnly: true });
    assert.deepEqual(exact.winners, fast.winners);
    assert.deepEqual(exact.endowment, fast.endowment);
    assert.ok(mesExact(p, candidates(p), exact.endowment).ties > 0, "Assen has exact ties");
    // Projects 2 and 11 both have 24 votes; at equal price the cheaper (2) goes first.
    const order = count(election, { rule: "mes-add1" }).selected;
    assert.ok(order.indexOf("2") < order.indexOf("11"));
  });
});

describe("the certified floating-point count", () => {
  it("agrees with the exact count on seeded elections full of near ties", () => {
    let certified = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const election = syntheticElection({
        voters: 5 + (seed % 30),
        projects: 3 + (seed % 8),
        seed,
        minApproved: 1,
        maxApproved: 4,
        minCost: 1,
        maxCost: 60,
        costStep: seed % 3 === 0 ? 10 : 1,
        budgetShare: 0.4,
      });
      const p = toProfile(election, seed);
      const pool = candidates(p);
      const fast = new FastMes(p);
      const n = BigInt(p.voterIds.length);
      for (let step = 0n; step < 12n; step++) {
        const endowment = seed % 2 ? rat(p.budget + step * n, n) : rat(p.budget / n + step);
        const quick = fast.run(pool, endowment);
        const exact = mesExact(p, pool, endowment).winners;
        if (quick === undefined) continue;
        certified++;
        assert.deepEqual(quick, exact, `seed ${seed}, endowment ${endowment.n}/${endowment.d}`);
      }
    }
    assert.ok(certified > 600, `only ${certified} runs certified`);
  });
});

describe("Add1 completion", () => {
  /** The definition, stepped plainly on the exact count. */
  function add1ByDefinition(election: Election): number[] {
    const p = toProfile(election);
    const pool = candidates(p);
    const n = BigInt(p.voterIds.length);
    let endowment = rat(p.budget, n);
    let kept = mesExact(p, pool, endowment).winners;
    for (;;) {
      endowment = add(endowment, rat(p.unit));
      const next = mesExact(p, pool, endowment).winners;
      if (totalCost(p, next) > p.budget) return kept;
      kept = next;
    }
  }

  it("keeps the last outcome before overspending, not the first exhaustive one", () => {
    let passedExhaustive = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const election = syntheticElection({
        voters: 40,
        projects: 8,
        seed,
        minApproved: 1,
        maxApproved: 5,
        minCost: 10,
        maxCost: 100,
        budgetShare: 0.5,
      });
      const p = toProfile(election);
      const mine = methodOfEqualShares(p, { completion: "add1" });
      assert.deepEqual(mine.winners, add1ByDefinition(election), `seed ${seed}`);
      // Would stopping at the first exhaustive outcome have given something else?
      const pool = candidates(p);
      const n = BigInt(p.voterIds.length);
      for (let e = rat(p.budget, n); ; e = add(e, rat(1n))) {
        const w = mesExact(p, pool, e).winners;
        const left = p.budget - totalCost(p, w);
        const exhaustive = pool.every((c) => w.includes(c) || (p.cost[c] as bigint) > left);
        if (totalCost(p, w) > p.budget) break;
        if (exhaustive) {
          if (w.join() !== mine.winners.join()) passedExhaustive++;
          break;
        }
      }
    }
    assert.ok(
      passedExhaustive > 0,
      "some election has an exhaustive outcome before Add1's last one",
    );
  });
});

describe("hand-made elections", () => {
  it("breaks equal prices by lowest cost", () => {
    // Two voters with 10 each; A (10) and B (12) both cost each 1/2 per unit of utility.
    const e = pb(20, "project_id;cost\nA;10\nB;12", "voter_id;vote\nv1;A,B\nv2;A,B");
    assert.deepEqual(count(e, { rule: "mes" }).selected, ["A"]);
  });

  it("breaks a tie of equal cost and votes by a lot that its seed reproduces", () => {
    const e = pb(16, "project_id;cost\nA;10\nB;10", "voter_id;vote\nv1;A,B\nv2;A,B");
    const seen = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const first = count(e, { rule: "mes", seed });
      assert.equal(first.selected.length, 1);
      assert.deepEqual(count(e, { rule: "mes", seed }).selected, first.selected);
      assert.equal(first.seed, seed);
      seen.add(first.selected[0] as string);
    }
    assert.deepEqual([...seen].sort(), ["A", "B"]);
  });

  it("buys zero-cost projects someone supports, never unsupported ones", () => {
    const e = pb(0, "project_id;cost\nfree;0\nlonely;0\npaid;5", "voter_id;vote\nv1;free,paid");
    for (const rule of ["mes", "mes-add1", "greedy"] as const) {
      const result = count(e, { rule, explain: true });
      assert.deepEqual(result.selected, ["free"], rule);
      assert.equal(result.spent, 0);
      assert.match(result.projects.find((x) => x.id === "lonely")?.reason ?? "", /nobody voted/);
    }
  });

  it("leaves projects nobody approved unfunded even with money to spare", () => {
    const e = pb(100, "project_id;cost\nA;10\nZ;1", "voter_id;vote\nv1;A\nv2;A");
    for (const rule of ["mes", "mes-add1", "greedy"] as const) {
      assert.deepEqual(count(e, { rule }).selected, ["A"], rule);
    }
  });

  it("counts a single voter by the tie order, cheapest first", () => {
    const e = pb(100, "project_id;cost\na;30\nc;50\nd;80", "voter_id;vote\nv1;a,c,d");
    for (const rule of ["mes", "mes-add1", "greedy"] as const) {
      const result = count(e, { rule });
      assert.deepEqual(result.selected, ["a", "c"], rule);
      assert.equal(result.spent, 80);
    }
    assert.deepEqual(count(e, { rule: "greedy-noskip" }).selected, ["a", "c"]);
  });

  it("selects nothing from an empty ballot file", () => {
    const e = pb(100, "project_id;cost\na;30\nb;0", "voter_id;vote");
    for (const rule of ["mes", "mes-add1", "greedy", "greedy-noskip"] as const) {
      const result = count(e, { rule, explain: true });
      assert.deepEqual(result.selected, [], rule);
      assert.equal(result.spent, 0);
      assert.equal(result.projects.length, 2);
    }
  });

  it("counts cumulative ballots with the points as utilities", () => {
    // 5 each. x: only v1 (3 points) holds 5 < 6, unaffordable. y: v1 (1 point) and
    // v2 (4 points) pay ρ·1 + ρ·4 = 4, so ρ = 0.8: v1 pays 0.8 and v2 3.2.
    const e = pb(
      10,
      "project_id;cost\nx;6\ny;4",
      "voter_id;vote;points\nv1;x,y;3,1\nv2;y;4",
      "vote_type;cumulative\nmax_sum_points;4",
    );
    const result = count(e, { rule: "mes", explain: true });
    assert.deepEqual(result.selected, ["y"]);
    const y = result.projects.find((p) => p.id === "y");
    assert.deepEqual(
      y?.payments?.map((g) => [g.voterIds, g.amount]),
      [
        [["v2"], 3.2],
        [["v1"], 0.8],
      ],
    );
    // x would need v1's 4.2 left: any cost below that.
    assert.equal(result.projects.find((p) => p.id === "x")?.neededCost, 4.2);
  });

  it("counts ordinal ballots by greedy only", () => {
    const e = pb(
      10,
      "project_id;cost\na;4\nb;7",
      "voter_id;vote\nv1;b,a\nv2;a",
      "vote_type;ordinal",
    );
    assert.deepEqual(count(e, { rule: "greedy" }).selected, ["a"]);
    assert.throws(() => count(e, { rule: "mes" }), CountError);
  });

  it("excludes projects below META min_project_score_threshold", () => {
    const e = pb(
      100,
      "project_id;cost\nA;10\nB;10",
      "voter_id;vote\nv1;A,B\nv2;A\nv3;A",
      "vote_type;approval\nmin_project_score_threshold;2",
    );
    for (const rule of ["mes", "mes-add1", "greedy"] as const) {
      const result = count(e, { rule, explain: true });
      assert.deepEqual(result.selected, ["A"], rule);
      assert.match(
        result.projects.find((p) => p.id === "B")?.reason ?? "",
        /min_project_score_threshold/,
      );
    }
  });
});
