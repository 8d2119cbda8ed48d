/**
 * The bundled build that `bin/synco` runs (scripts/build.ts, issue 24): it is built
 * when missing, kept while nothing it is built from changed, rebuilt when something
 * did; and the node it starts answers from every area, each loaded on first use
 * from its own chunk, with the files read beside the sources (stylesheets, scripts)
 * and the Spanish catalogue (an entry point of its own) found.
 * The other tests run from src/; this one builds into a temporary folder.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { freePort } from "../bench/http/measure.ts";
import { waitFor } from "../src/federation/testing.ts";
import { stylesheetPath } from "../src/web/static.ts";
import { freshDatabaseUrl } from "./support/db.ts";
import { type SignedIn, signIn } from "./support/login.ts";
import type { TestNode } from "./support/node.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const cli = join(root, "bin", "synco");
const node = join(root, "node_modules", ".bin", "node");
// Inside the checkout, as dist/ is: the packages left out of the bundle (sharp, HiGHS…)
// are found from the bundle's folder up, in node_modules.
mkdirSync(join(root, "dist"), { recursive: true });
const bundleDir = mkdtempSync(join(root, "dist", "test-"));
const stamp = join(bundleDir, ".built");
const HOST = "127.0.225.1";

let env: NodeJS.ProcessEnv;
let child: ChildProcess | undefined;

before(async () => {
  const port = await freePort();
  env = {
    ...process.env,
    SYNCO_BUNDLE_DIR: bundleDir,
    SYNCO_FROM_SOURCE: "",
    SYNCO_DOMAIN: `${HOST}:${port}`,
    SYNCO_HOST: HOST,
    SYNCO_PORT: String(port),
    SYNCO_DATA_DIR: mkdtempSync(join(tmpdir(), "synco-bundle-data-")),
    SYNCO_DATABASE_URL: await freshDatabaseUrl(),
    SYNCO_SECRET: "bundle-secret-".padEnd(40, "x"),
    SYNCO_PASSWORD_COST: "8",
    SYNCO_LOG_LEVEL: "error",
  };
});

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  rmSync(bundleDir, { recursive: true, force: true });
});

/** `bin/synco ARGS`: what it printed, and whether it (re)built the bundle first. */
async function synco(...args: string[]): Promise<{ stdout: string; built: boolean }> {
  const { stdout, stderr } = await run(cli, args, { env, maxBuffer: 1 << 24 });
  return { stdout, built: stderr.includes("synco: building") };
}

test("the bundle is built when missing, kept while fresh, and rebuilt once its sources are newer", async () => {
  const first = await synco("--help");
  assert.ok(first.built, "no bundle yet: built");
  assert.match(first.stdout, /Usage: synco <command>/);
  assert.ok(readdirSync(bundleDir).includes("synco.js"));

  const again = await synco("--help");
  assert.equal(again.built, false, "nothing changed: the bundle is run as it is");

  // A stamp older than the sources is what an edit of src/ (or bin/, an install) leaves.
  const past = new Date("2001-01-01T00:00:00Z");
  utimesSync(stamp, past, past);
  const stale = await synco("--help");
  assert.ok(stale.built, "a source newer than the build: rebuilt");
  assert.ok(statSync(stamp).mtimeMs > past.getTime());
  assert.equal((await synco("--help")).built, false);
});

test("threads and the required catalogue are entry points of the bundle; a thread runs from its own", async () => {
  const files = readdirSync(bundleDir);
  for (const entry of [
    "src-inbox-helper-thread.js",
    "src-economy-planning-worker.js",
    "src-economy-plan-rounds-round-worker.js",
    "src-web-i18n-es-index.js",
  ]) {
    assert.ok(files.includes(entry), `${entry} built`);
    await run(node, ["--check", join(bundleDir, entry)]);
  }
  // A solve runs in a worker thread started from its entry point (HiGHS from node_modules).
  const plan = await synco(
    "economy",
    "plan",
    join(root, "src/economy/planning/fixtures/bakeries.json"),
    "--json",
  );
  assert.equal((JSON.parse(plan.stdout) as { status: string }).status, "optimal");
});

test("the bundled node answers from each area", async () => {
  await synco(
    "admin",
    "create-user",
    "--username",
    "lia",
    "--email",
    "lia@example.test",
    "--password",
    "long enough",
  );
  const started = spawn(cli, ["start"], { env, stdio: ["ignore", "pipe", "pipe"] });
  child = started;
  let output = "";
  started.stdout?.on("data", (chunk: Buffer) => {
    output += chunk;
  });
  started.stderr?.on("data", (chunk: Buffer) => {
    output += chunk;
  });
  await waitFor(
    "the bundled node listening",
    () => {
      if (started.exitCode !== null) throw new Error(`the node exited:\n${output}`);
      return output.includes("listening on");
    },
    120_000,
  );
  assert.doesNotMatch(output, /synco: building/, "the bundle built by the first test is fresh");
  // It runs the bundle, not src/.
  const command = readFileSync(`/proc/${started.pid}/cmdline`, "utf8").split("\0");
  assert.ok(command.includes(join(bundleDir, "synco.js")), command.join(" "));

  const url = `http://${env.SYNCO_DOMAIN}`;
  const member: SignedIn = await signIn({ url } as TestNode, "lia", "long enough");
  for (const path of [
    "/",
    "/social",
    "/groups",
    "/decisions",
    "/budgets",
    "/economy",
    "/opsroom",
    "/commons",
    "/media",
    "/settings",
    "/@lia",
    "/search",
  ]) {
    const res = await member.get(path);
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    assert.match(await res.text(), /lia/, `${path} shows the signed-in member`);
  }
  const spanish = await fetch(`${url}/login`, { headers: { "accept-language": "es" } });
  assert.match(await spanish.text(), /lang="es"[\s\S]*Entrar/);
  // Read from src/web/static/ beside the module that serves it.
  const css = await fetch(`${url}${stylesheetPath}`);
  assert.equal(css.status, 200);
  assert.ok((await css.text()).length > 1000);
  const api = await fetch(`${url}/api/v1/accounts/lookup?acct=lia`);
  assert.equal(((await api.json()) as { username: string }).username, "lia");
  for (const [path, accept] of [
    ["/users/lia", "application/activity+json"],
    [`/.well-known/webfinger?resource=acct:lia@${env.SYNCO_DOMAIN}`, "application/jrd+json"],
    ["/.well-known/nodeinfo", "application/json"],
    ["/@lia/feed.rss", "application/rss+xml"],
  ] as const) {
    const res = await fetch(`${url}${path}`, { headers: { accept } });
    assert.equal(res.status, 200, path);
    await res.text();
  }
  const missing = await member.get("/no-such-area/at-all");
  assert.equal(missing.status, 404);
  assert.doesNotMatch(output, /ERR|Error/, output);
});
