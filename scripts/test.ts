/**
 * The test command: runs every *.test.ts under src/, bin/ and test/ with node:test.
 * With TEST_DATABASE_URL=postgres://… it migrates a template database once and
 * each test file clones it (CREATE DATABASE … TEMPLATE), so files run in parallel.
 * Usage: npm test [-- file-or-dir-filter …]
 */
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { browserPath } from "../test/support/browser.ts";
import { createTemplate, dropTemplate } from "../test/support/postgres.ts";

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) continue;
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = ["src", "bin", "test"]
  .flatMap((d) => findTests(d))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const pgUrl = process.env.TEST_DATABASE_URL;
// Once, here: unpacking the packaged browser in each test file at once would race.
const chromiumPath = await browserPath();
// Tests run src/ as it is, bin/synco included (a test that runs the bundle says so:
// test/bundle.test.ts); a test run never builds dist/.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  CHROMIUM_PATH: chromiumPath,
  SYNCO_FROM_SOURCE: "1",
};
let template: string | undefined;
if (pgUrl) {
  template = await createTemplate(pgUrl);
  env.SYNCO_TEST_PG_TEMPLATE = template;
}
console.log(
  `Running ${files.length} test files on ${pgUrl ? "PostgreSQL" : "SQLite"} (browser: ${chromiumPath})`,
);

const code = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    [
      "--test",
      `--test-concurrency=${Math.max(2, availableParallelism())}`,
      "--test-timeout=300000",
      ...files,
    ],
    { stdio: "inherit", env },
  );
  child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});

if (pgUrl && template) await dropTemplate(pgUrl, template);
process.exit(code);
