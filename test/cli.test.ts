import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { openDatabase } from "../src/db/database.ts";
import { freshDatabaseUrl, onPostgres } from "./support/db.ts";

const cli = join(import.meta.dirname, "..", "bin", "synco.ts");
let env: Record<string, string>;

before(async () => {
  env = {
    ...(process.env as Record<string, string>),
    SYNCO_DATA_DIR: mkdtempSync(join(tmpdir(), "synco-cli-")),
    SYNCO_DATABASE_URL: await freshDatabaseUrl(),
    SYNCO_PASSWORD_COST: "8",
  };
});

function synco(args: string[], extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    env: { ...env, ...extra },
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("every command has --help", () => {
  const top = synco(["--help"]);
  assert.equal(top.code, 0);
  for (const command of [
    "start",
    "migrate",
    "admin",
    "backup",
    "pb",
    "decisions",
    "economy",
    "commons",
  ]) {
    assert.match(top.out, new RegExp(`\\b${command}\\b`));
    const r = synco([command, "--help"]);
    assert.equal(r.code, 0, `${command} --help: ${r.err}`);
    assert.match(r.out, /Usage: synco/, command);
  }
  assert.equal(synco(["admin", "create-user", "--help"]).code, 0);
  assert.equal(synco(["admin", "invite", "--help"]).code, 0);
});

test("an unknown command or option exits 2 with a message", () => {
  const r = synco(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command "frobnicate"/);
  assert.equal(synco(["start", "--role", "chef"]).code, 2);
  assert.equal(synco(["migrate", "--bogus"]).code, 2);
});

test("a bad configuration stops with one line naming the variable", () => {
  const r = synco(["migrate"], { SYNCO_REGISTRATION: "whenever" });
  assert.equal(r.code, 1);
  assert.match(r.err.trim(), /^synco: configuration error: SYNCO_REGISTRATION: .+$/);
});

test("migrate, then create the first admin, then refuse a duplicate", async () => {
  const migrated = synco(["migrate"]);
  assert.equal(migrated.code, 0, migrated.err);
  assert.equal(synco(["migrate"]).out.trim(), "Already up to date.");
  const created = synco([
    "admin",
    "create-user",
    "--username",
    "ada",
    "--email",
    "ada@example.org",
    "--password",
    "correct horse",
    "--admin",
  ]);
  assert.equal(created.code, 0, created.err);
  assert.match(created.out, /Created admin @ada@/);
  const again = synco([
    "admin",
    "create-user",
    "--username",
    "ADA",
    "--email",
    "x@example.org",
    "--password",
    "correct horse",
  ]);
  assert.equal(again.code, 1);
  assert.match(again.err, /username-taken/);
  const weak = synco([
    "admin",
    "create-user",
    "--username",
    "bob",
    "--email",
    "bob@example.org",
    "--password",
    "short",
  ]);
  assert.equal(weak.code, 1);
  assert.match(weak.err, /invalid-password/);
  const missing = synco(["admin", "create-user", "--username", "bob"]);
  assert.equal(missing.code, 2);
  const db = await openDatabase(env.SYNCO_DATABASE_URL ?? "");
  const rows = await db.db.selectFrom("accounts").select(["username", "role"]).execute();
  await db.close();
  assert.deepEqual(rows, [{ username: "ada", role: "admin" }]);
});

test("admin invite prints a sign-up link", () => {
  const r = synco(["admin", "invite", "--uses", "5", "--days", "2"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.trim(), /^http:\/\/localhost:8080\/signup\?invite=[\w-]{16}$/);
  assert.equal(synco(["admin", "invite", "--uses", "-1"]).code, 2);
});

test("backup copies the database consistently (SQLite) or explains pg_dump", async () => {
  synco(["migrate"]);
  const target = join(mkdtempSync(join(tmpdir(), "synco-backup-")), "copy.db");
  const r = synco(["backup", target]);
  if (onPostgres) {
    assert.equal(r.code, 1);
    assert.match(r.err, /pg_dump/);
    return;
  }
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(target));
  const copy = await openDatabase(`sqlite:${target}`);
  const tables = await copy.db.selectFrom("settings").selectAll().execute();
  await copy.close();
  assert.ok(Array.isArray(tables));
  assert.equal(synco(["backup", target]).code, 2, "refuses to overwrite");
  const intoMissing = synco(["backup", join(target, "..", "missing", "copy.db")]);
  assert.equal(intoMissing.code, 2, "a missing folder is a usage error, not a crash");
  assert.match(intoMissing.err, /does not exist; create it first/);
  assert.doesNotMatch(intoMissing.err, /\n\s+at /, "no stack trace");
});

/** Starts `synco start` and waits until its output matches `until`. */
async function started(extra: Record<string, string>, until: RegExp) {
  const child = spawn(process.execPath, [cli, "start"], {
    env: { ...env, SYNCO_PORT: "0", SYNCO_HOST: "127.0.0.1", ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const deadline = Date.now() + 15_000;
  while (!until.test(output) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const stop = () => {
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => resolve(code)),
    );
    child.kill("SIGTERM");
    return exited;
  };
  return { output: () => output, stop };
}

test("start answers HTTP, then stops cleanly on SIGTERM", async () => {
  const node = await started({}, /Synco is running/);
  assert.match(
    node.output(),
    /Synco is running at http:\/\/localhost:0\/ \(listening on 127\.0\.0\.1:\d+\)/,
  );
  assert.equal(await node.stop(), 0);
});

test("with no admin yet, start prints a create-user command that reaches this node", async () => {
  const dir = mkdtempSync(join(tmpdir(), "synco-cli-hint-"));
  const own = { SYNCO_DATA_DIR: dir, SYNCO_DATABASE_URL: await freshDatabaseUrl() };
  const node = await started(own, /--admin[^\n]*\n.*environment\)/);
  assert.equal(await node.stop(), 0);
  assert.ok(
    node.output().includes(`SYNCO_DATA_DIR=${dir} npm run synco -- admin create-user`),
    node.output(),
  );
  assert.match(node.output(), /with this node's SYNCO_DATABASE_URL in the environment/);
  assert.doesNotMatch(node.output(), /postgres:\/\//, "a database URL is never printed");
  const r = synco(
    [
      "admin",
      "create-user",
      "--username",
      "rosa",
      "--email",
      "rosa@example.org",
      "--password",
      "a long passphrase",
      "--admin",
    ],
    own,
  );
  assert.equal(r.code, 0, r.err);
  const db = await openDatabase(own.SYNCO_DATABASE_URL);
  const admins = await db.db
    .selectFrom("accounts")
    .select("username")
    .where("role", "=", "admin")
    .execute();
  await db.close();
  assert.deepEqual(admins, [{ username: "rosa" }]);
});
