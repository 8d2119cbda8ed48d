import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { hashToken } from "../src/accounts/tokens.ts";
import { openDatabase } from "../src/db/database.ts";
import { freshDatabaseUrl } from "./support/db.ts";

const cli = join(import.meta.dirname, "..", "bin", "synco.ts");
let env: Record<string, string>;

before(async () => {
  env = {
    ...(process.env as Record<string, string>),
    SYNCO_DATA_DIR: mkdtempSync(join(tmpdir(), "synco-cli-")),
    SYNCO_DATABASE_URL: await freshDatabaseUrl(),
    SYNCO_PASSWORD_COST: "8",
    SYNCO_DOMAIN: "coop.example",
  };
});

function synco(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("admin reset-link prints a one-time link for a member, and is logged", async () => {
  assert.equal(synco(["admin", "reset-link", "--help"]).code, 0);
  assert.equal(synco(["admin", "reset-link"]).code, 2);
  const none = synco(["admin", "reset-link", "--username", "ghost"]);
  assert.equal(none.code, 1);
  assert.match(none.err, /no member @ghost/);
  const created = synco([
    "admin",
    "create-user",
    "--username",
    "zoe",
    "--email",
    "zoe@example.org",
    "--password",
    "long enough",
  ]);
  assert.equal(created.code, 0, created.err);
  const r = synco(["admin", "reset-link", "--username", "ZOE"]);
  assert.equal(r.code, 0, r.err);
  const token = /^https:\/\/coop\.example\/password\/reset\/([\w-]{43})$/.exec(r.out.trim())?.[1];
  assert.ok(token, r.out);
  const db = await openDatabase(env.SYNCO_DATABASE_URL ?? "");
  try {
    const row = await db.db
      .selectFrom("account_tokens")
      .selectAll()
      .where("token_hash", "=", hashToken(token))
      .executeTakeFirst();
    assert.equal(row?.purpose, "reset");
    const log = await db.db.selectFrom("admin_actions").selectAll().execute();
    assert.deepEqual(
      log.map((a) => [a.action, a.target, a.actor_id]),
      [["member.reset-link", "zoe", null]],
    );
  } finally {
    await db.close();
  }
});
