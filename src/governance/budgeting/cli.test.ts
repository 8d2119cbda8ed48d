import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const root = join(import.meta.dirname, "..", "..", "..");
const assen = join(import.meta.dirname, "fixtures", "Netherlands_Assen_2024.pb");

function synco(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin", "synco.ts"), "pb", ...args], {
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("synco pb", () => {
  it("prints usage for pb and pb count", () => {
    const top = synco("--help");
    assert.equal(top.code, 0);
    assert.match(top.out, /synco pb <command>/);
    const sub = synco("count", "--help");
    assert.equal(sub.code, 0);
    assert.match(sub.out, /--rule mes-add1\|mes\|greedy/);
  });

  it("counts a file: the selected ids and the money spent", () => {
    const r = synco("count", assen, "--rule", "mes-add1");
    assert.equal(r.code, 0, r.err);
    const [selected, spent] = r.out.trim().split("\n");
    assert.equal(selected?.split(" ").slice(1).sort().join(","), "11,12,13,14,2,3,5,6,9");
    assert.match(spent ?? "", /^spent: 76700 of 100000$/);
  });

  it("prints JSON with explanations", () => {
    const r = synco("count", assen, "--rule", "greedy", "--json");
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as {
      selected: string[];
      spent: number;
      projects: { id: string }[];
    };
    assert.equal(json.projects.length, 14);
    assert.ok(json.selected.length > 0);
    assert.equal(typeof json.spent, "number");
  });

  it("rejects bad options and malformed files with a message naming the line", () => {
    assert.equal(synco("count", assen).code, 2);
    assert.match(synco("count", assen, "--rule", "borda").err, /--rule must be one of/);
    assert.equal(synco("count", assen, "--bogus").code, 2);
    const dir = mkdtempSync(join(tmpdir(), "pb-"));
    const bad = join(dir, "bad.pb");
    writeFileSync(
      bad,
      "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;ten\nVOTES\nvoter_id;vote\n",
    );
    const r = synco("count", bad, "--rule", "mes");
    assert.equal(r.code, 1);
    assert.match(r.err, /line 6: cost of project a "ten" is not a number/);
  });
});
