/**
 * The tally drawn for every rule from real counts (the engine's `count`): the
 * chart's SVG, the figures table beside it, and the verdict only once closed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Ballot, count, type RuleSettings } from "../../governance/decisions/types.ts";
import { translator } from "../i18n/i18n.ts";
import { barWidth } from "./chart.ts";
import { tallyView } from "./tally-view.ts";

const t = translator("en");
const options = ["Monday", "Wednesday", "Saturday"];
const draw = async (s: RuleSettings, ballots: Ballot[], closed = true) =>
  String(
    await tallyView(t, count(s, ballots, { eligibleWeight: 4, seed: "s" }), s.options, {
      closed,
      quorum: (s.quorum ?? 0) > 0,
    }),
  );

test("bar widths are shares of the longest, clamped, 0 for nothing", () => {
  assert.equal(barWidth(5, 10), 50);
  assert.equal(barWidth(10, 10), 100);
  assert.equal(barWidth(12, 10), 100);
  assert.equal(barWidth(0, 0), 0);
  assert.equal(barWidth(-1, 10), 0);
  assert.equal(barWidth(1, 3), 33.3);
});

test("consent: stacked positions with a legend; the verdict only when closed", async () => {
  const s: RuleSettings = { rule: "consent", options: [], quorum: 0.5 };
  const ballots: Ballot[] = [
    { choice: { position: "agree" } },
    { choice: { position: "agree" } },
    { choice: { position: "block", reason: "no" } },
  ];
  const closed = await draw(s, ballots);
  assert.match(closed, /<svg class="stacked"/);
  assert.match(closed, /class="seg-agree" x="0%" width="66.7%"/);
  assert.match(closed, /class="seg-block" x="66.7%" width="33.3%"/);
  assert.match(closed, /Block: <strong>1<\/strong>/);
  assert.match(closed, /Turnout: 75%/);
  assert.match(closed, /Quorum reached/);
  assert.match(closed, /<strong>Did not pass<\/strong>/);
  const open = await draw(s, ballots, false);
  assert.doesNotMatch(open, /Did not pass|Passed/);
});

test("single, multiple, dot: bars with shares; the winner marked", async () => {
  const single = await draw({ rule: "single", options }, [
    { choice: { option: 2 } },
    { choice: { option: 2 } },
    { choice: { option: 0 } },
  ]);
  assert.match(single, /<li class="win">\s*<span class="bar-label">Saturday<\/span>/);
  assert.match(single, /2 \(66.7%\)/);
  assert.match(single, /Chosen: Saturday/);
  const multiple = await draw({ rule: "multiple", options, maxChoices: 2 }, [
    { choice: { options: [0, 1] } },
    { choice: { options: [1] } },
  ]);
  assert.match(multiple, /<span class="bar-label">Wednesday<\/span>\s*<span class="bar-figure">2/);
  const dot = await draw({ rule: "dot", options, dots: 5 }, [{ choice: { dots: [1, 0, 4] } }]);
  assert.match(dot, /class="bar-fill" width="100%"/);
  assert.match(dot, /class="bar-fill" width="25%"/);
});

test("score: bars of means and a table of mean, median and total", async () => {
  const html = await draw({ rule: "score", options, scoreMin: 0, scoreMax: 5 }, [
    { choice: { scores: [5, 1, 3] } },
    { choice: { scores: [4, 2, 3] } },
  ]);
  assert.match(html, /<table class="figures">/);
  assert.match(html, /<th scope="col">Mean<\/th><th scope="col">Median<\/th>/);
  assert.match(html, /<th scope="row">Monday<\/th><td>4.50<\/td>/);
  assert.match(html, /Chosen: Monday/);
});

test("IRV: a table of rounds, eliminations marked; Schulze: both matrices", async () => {
  const ballots: Ballot[] = [
    { choice: { ranking: [0, 1] } },
    { choice: { ranking: [0, 2] } },
    { choice: { ranking: [1, 2] } },
    { choice: { ranking: [2, 1] } },
    { choice: { ranking: [1, 0] } },
  ];
  const irv = await draw({ rule: "irv", options }, ballots);
  assert.match(irv, /Round 1/);
  assert.match(irv, /✗/);
  const schulze = await draw({ rule: "schulze", options }, ballots);
  assert.match(schulze, /Voters preferring the row to the column/);
  assert.match(schulze, /Strongest paths/);
  assert.equal((schulze.match(/<table class="figures">/g) ?? []).length, 2);
});

test("time poll: yes and if need be per slot, a table with no", async () => {
  const html = await draw({ rule: "time", options }, [
    { choice: { answers: ["yes", "maybe", "no"] } },
    { choice: { answers: ["yes", "no", "no"] } },
  ]);
  assert.match(html, /Yes 2 · If need be 0/);
  assert.match(html, /<th scope="col">If need be<\/th>/);
  assert.match(html, /Chosen: Monday/);
});
