import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const root = join(import.meta.dirname, "..", "..", "..");
const fixtures = join(import.meta.dirname, "fixtures");
const schulze = join(fixtures, "schulze-example-1.json");
const consent = join(fixtures, "consent-named.json");

function synco(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin", "synco.ts"), "decisions", ...args], {
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("synco decisions count", () => {
  it("prints usage", () => {
    assert.equal(synco("--help").code, 0);
    const sub = synco("count", "--help");
    assert.equal(sub.code, 0);
    assert.match(sub.out, /--rule consent\|single\|multiple\|score\|dot\|irv\|schulze\|time/);
  });

  it("Schulze: the winner, the d and p matrices and the ranking", () => {
    const r = synco("count", schulze, "--rule", "schulze");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^winner: #5 E$/m);
    assert.match(r.out, /^#1 A +- +20 +26 +30 +22$/m); // a row of d
    assert.match(r.out, /^#5 E +25 +28 +28 +31 +-$/m); // a row of p
    assert.match(r.out, /^ranking: #5 E > #1 A > #3 C > #2 B > #4 D$/m);
  });

  it("IRV from the same ballots: the rounds", () => {
    const r = synco("count", schulze, "--rule", "irv");
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^round 1: #1 A 10, #2 B 8, #3 C 12, #4 D 7, #5 E 8; exhausted 0 → #4 D eliminated$/m,
    );
    assert.match(r.out, /→ #3 C elected$/m);
  });

  it("--seed changes only what the lot decides; --json prints the tally", () => {
    const a = JSON.parse(synco("count", schulze, "--rule", "irv", "--json", "--seed", "a").out);
    const again = JSON.parse(synco("count", schulze, "--rule", "irv", "--json", "--seed", "a").out);
    assert.deepEqual(a, again);
    assert.equal(a.seed, "a");
    assert.equal(a.rounds[1].tieBrokenBy, "lot");
    const s = JSON.parse(synco("count", schulze, "--rule", "schulze", "--json").out);
    assert.equal(s.p[4][3], 31);
  });

  it("consent: positions and the block", () => {
    const r = synco("count", consent, "--rule", "consent");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^passed: no$/m);
    assert.match(r.out, /agree 4, abstain 1, disagree 1, block 1/);
    assert.match(r.out, /blocked/);
  });

  it("polls, score and time polls print their table", () => {
    const dir = mkdtempSync(join(tmpdir(), "decisions-"));
    const file = (settings: object, ballots: object[]) => {
      const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
      const head = {
        format: "synco-decision-ballots",
        version: 1,
        seed: "",
        eligibleWeight: 4,
        secret: true,
      };
      writeFileSync(path, JSON.stringify({ ...head, settings, ballots }));
      return path;
    };
    const time = synco(
      "count",
      file({ rule: "time", options: ["Mon 18:00", "Tue 19:00"], threshold: 0.6 }, [
        { choice: { answers: ["yes", "no"] } },
        { choice: { answers: ["maybe", "yes"] } },
        { choice: { answers: ["yes", "yes"] } },
      ]),
      "--rule",
      "time",
    );
    assert.equal(time.code, 0, time.err);
    assert.match(time.out, /^winner: #1 Mon 18:00$/m);
    assert.match(time.out, /^passed: yes$/m);
    assert.match(time.out, /^#1 Mon 18:00 +2 +1 +0$/m);
    const score = synco(
      "count",
      file({ rule: "score", options: ["red", "blue"], scoreMax: 10 }, [
        { choice: { scores: [10, 4] } },
        { choice: { scores: [0, 5] } },
        { choice: { scores: [3, 6] }, weight: 2 },
      ]),
      "--rule",
      "score",
    );
    assert.match(score.out, /^#2 blue +5\.25 +5\.50$/m);
    assert.match(score.out, /^winner: #2 blue$/m);
    const dot = synco(
      "count",
      file({ rule: "dot", options: ["a", "b"], dots: 3 }, [{ choice: { dots: [1, 2] } }]),
      "--rule",
      "dot",
    );
    assert.match(dot.out, /^#2 b +2 +66\.7%$/m);
    const multiple = synco(
      "count",
      file({ rule: "multiple", options: ["a", "b"], quorum: 0.5 }, [
        { choice: { options: [0, 1] } },
      ]),
      "--rule",
      "multiple",
    );
    assert.match(multiple.out, /^quorum 50\.0%: not met$/m);
    assert.match(multiple.out, /^passed: no$/m);
  });

  it("bad usage exits 2; a bad or missing file exits 1 with a clear message", () => {
    assert.equal(synco("count", schulze).code, 2);
    assert.match(synco("count", schulze, "--rule", "borda").err, /--rule must be one of/);
    assert.equal(synco("count", "--rule", "irv").code, 2);
    assert.equal(synco("count", schulze, "--rule", "irv", "--bogus").code, 2);
    const missing = synco("count", join(fixtures, "nope.json"), "--rule", "irv");
    assert.equal(missing.code, 1);
    assert.match(missing.err, /cannot read/);
    const dir = mkdtempSync(join(tmpdir(), "decisions-"));
    const bad = join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        format: "synco-decision-ballots",
        version: 1,
        settings: { rule: "consent", options: [] },
        seed: "",
        eligibleWeight: 3,
        secret: true,
        ballots: [{ choice: { position: "agree" } }, { choice: { position: "block" } }],
      }),
    );
    const r = synco("count", bad, "--rule", "consent");
    assert.equal(r.code, 1);
    assert.match(r.err, /ballots\[1\]\.choice: reason-required/);
    assert.equal(r.out, "");
    const wrongRule = synco("count", consent, "--rule", "irv");
    assert.equal(wrongRule.code, 1);
    assert.match(wrongRule.err, /cannot be counted as irv/);
  });
});
