import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseRational } from "../../kernel/rational.ts";
import { seededByteSource } from "./random.ts";
import { discreteGaussian } from "./samplers.ts";

const root = join(import.meta.dirname, "../../..");
const fixture = join(import.meta.dirname, "fixtures/PUMS_pid.csv");

function synco(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "bin/synco.ts"), "commons", ...args], {
    encoding: "utf8",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

test("sample prints N integers, the seeded ones being the library's own draws", () => {
  const { code, out } = synco(
    "sample",
    "--kind",
    "gauss",
    "--scale",
    "3",
    "--count",
    "50",
    "--seed",
    "x",
  );
  assert.equal(code, 0);
  const lines = out.trimEnd().split("\n");
  assert.equal(lines.length, 50);
  const sampler = discreteGaussian(parseRational("3"));
  const source = seededByteSource("x");
  assert.deepEqual(
    lines,
    lines.map(() => sampler.sample(source).toString()),
  );
  const laplace = synco("sample", "--kind", "laplace", "--scale", "7/2", "--count", "20");
  assert.equal(laplace.code, 0);
  assert.ok(
    laplace.out
      .trimEnd()
      .split("\n")
      .every((l) => /^-?\d+$/.test(l)),
  );
});

test("sample stops quietly when its reader closes the pipe", () => {
  const script = `"${process.execPath}" "${join(root, "bin/synco.ts")}" commons sample --kind gauss --scale 3 --count 2000000 | head -n 1; echo "status \${PIPESTATUS[0]}"`;
  const result = spawnSync("bash", ["-c", script], { encoding: "utf8" });
  assert.match(result.stdout, /^-?\d+\nstatus 0\n$/);
  assert.equal(result.stderr, "");
});

test("help for each command; bad arguments exit 2 with one line", () => {
  for (const args of [["--help"], ["sample", "--help"], ["query", "--help"]]) {
    const { code, out } = synco(...args);
    assert.equal(code, 0);
    assert.match(out, /^Usage: synco commons/);
  }
  for (const args of [
    ["frobnicate"],
    ["sample", "--kind", "cauchy", "--scale", "1", "--count", "1"],
    ["sample", "--kind", "gauss", "--scale", "-1", "--count", "1"],
    ["sample", "--kind", "gauss", "--scale", "1", "--count", "many"],
    ["sample", "--kind", "gauss", "--scale", "1", "--count", "1", "--what"],
    ["query", fixture, "--mechanism", "median", "--rho", "1"],
    ["query", fixture, "--mechanism", "count"],
    ["query", fixture, "--mechanism", "mean", "--column", "income", "--rho", "1"],
    ["query", fixture, "--mechanism", "count", "--rho", "1", "--by", "sex"],
    ["query", "/nonexistent.csv", "--mechanism", "count", "--rho", "1"],
  ]) {
    const { code, err } = synco(...args);
    assert.equal(code, 2, args.join(" "));
    assert.equal(err.trimEnd().split("\n").length, 1, err);
  }
});

test("query answers with ρ, ε and intervals, as text or JSON", () => {
  const text = synco(
    "query",
    fixture,
    "--mechanism",
    "mean",
    "--column",
    "income",
    "--lower",
    "0",
    "--upper",
    "500000",
    "--unit",
    "pid",
    "--epsilon",
    "1",
  );
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /ρ = [\d.]+, ε = 0\.99\d+ at δ = 0\.000001/);
  assert.match(text.out, /95 % CI \[/);
  const json = synco(
    "query",
    fixture,
    "--mechanism",
    "histogram",
    "--column",
    "sex",
    "--keys",
    "0,1,9",
    "--rho",
    "0.5",
    "--json",
    "--seed",
    "1",
  );
  assert.equal(json.code, 0, json.err);
  const release = JSON.parse(json.out);
  assert.deepEqual(
    release.estimates.map((e: { key: string }) => e.key),
    ["0", "1", "9"],
  );
  assert.ok(release.rho <= 0.5 && release.epsilon > 0 && release.delta === 1e-6);
});

test("a ledger records spending and refuses the query that would exceed the budget", () => {
  const dir = mkdtempSync(join(tmpdir(), "synco-dp-"));
  try {
    const ledger = join(dir, "ledger.json");
    const ask = (...extra: string[]) =>
      synco("query", fixture, "--mechanism", "count", "--rho", "0.4", "--ledger", ledger, ...extra);
    assert.equal(ask().code, 2); // no budget yet
    assert.equal(existsSync(ledger), false);
    assert.equal(ask("--budget", "1").code, 0);
    assert.equal(ask().code, 0);
    const refused = ask();
    assert.equal(refused.code, 1);
    assert.match(refused.err, /refused/);
    const saved = JSON.parse(readFileSync(ledger, "utf8"));
    assert.equal(saved.entries.length, 2);
    assert.equal(ask("--budget", "2").code, 2); // a budget that disagrees with the ledger
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("queries run at once on one ledger never spend more than its budget together", async () => {
  const dir = mkdtempSync(join(tmpdir(), "synco-dp-"));
  try {
    const ledger = join(dir, "ledger.json");
    const args = ["query", fixture, "--mechanism", "count", "--rho", "0.3", "--ledger", ledger];
    assert.equal(synco(...args, "--budget", "1").code, 0);
    // Six at once, room for two more: each reads, spends and writes the ledger in turn.
    const codes = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<number | null>((resolve) =>
            spawn(process.execPath, [join(root, "bin/synco.ts"), "commons", ...args], {
              stdio: "ignore",
            }).once("exit", resolve),
          ),
      ),
    );
    assert.deepEqual(
      codes.sort(),
      [0, 0, 1, 1, 1, 1],
      "two queries fit the budget; the rest are refused",
    );
    const saved = JSON.parse(readFileSync(ledger, "utf8"));
    assert.equal(saved.entries.length, 3);
    assert.equal(existsSync(`${ledger}.lock`), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
