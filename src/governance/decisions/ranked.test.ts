import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { gatherRankings, type RankedProfile } from "./ranked.ts";
import type { Ballot, RankedChoice } from "./types.ts";

/** ranking → total weight, whatever the grouping. */
function weights(p: RankedProfile): Map<string, number> {
  const out = new Map<string, number>();
  for (let g = 0; g < p.groups; g++) {
    const key = Array.from(p.options.subarray(p.start[g], p.start[g + 1])).join(",");
    out.set(key, (out.get(key) ?? 0) + (p.weight[g] as number));
  }
  return out;
}

describe("gathering ranked ballots", () => {
  it("merged or not, the same rankings carry the same weight", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            choice: fc.record({
              ranking: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 1 }),
            }),
            weight: fc.integer({ min: 1, max: 9 }),
          }),
          { maxLength: 40 },
        ),
        (ballots: Ballot<RankedChoice>[]) => {
          const merged = gatherRankings(ballots, true);
          const apart = gatherRankings(ballots, false);
          assert.equal(apart.groups, ballots.length);
          assert.equal(merged.groups, new Set(ballots.map((b) => b.choice.ranking.join(","))).size);
          assert.deepEqual(weights(merged), weights(apart));
        },
      ),
    );
  });

  it("merges when rankings repeat, not when a sample shows them all distinct", () => {
    const distinct = Array.from({ length: 5000 }, (_, i) => ({
      choice: { ranking: [i % 100, Math.floor(i / 100)] },
    }));
    assert.equal(gatherRankings(distinct).groups, 5000);
    const repeated = Array.from({ length: 5000 }, (_, i) => ({ choice: { ranking: [i % 7] } }));
    assert.equal(gatherRankings(repeated).groups, 7);
  });
});
