/**
 * Backup and restore, as README.md tells an operator to do them: SQLite with
 * `synco backup` while the node runs, PostgreSQL with pg_dump / pg_restore; the
 * data dir (media, secret) copied beside it. A node started on the copy has the
 * members, posts and images of the original.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { createNode, type SyncoNode } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { freshDatabaseUrl, onPostgres } from "./support/db.ts";
import { createMember, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

const cli = join(import.meta.dirname, "..", "bin", "synco.ts");
let original: TestNode;
let restored: SyncoNode | undefined;
before(async () => {
  original = await startTestNode({ host: "127.0.40.1" });
});
after(async () => {
  await restored?.close();
  await original.close();
});

test("a node restored from its backup has its members, posts and images", async () => {
  await createMember(original, { username: "rosa", password: "long enough" });
  const rosa = await signIn(original, "rosa", "long enough");
  const form = new FormData();
  form.set("visibility", "public");
  form.set("text", "Seed swap on Saturday #garden");
  const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: "#2a6" } })
    .png()
    .toBuffer();
  form.set("image", new Blob([new Uint8Array(png)], { type: "image/png" }));
  form.set("alt", "a green square");
  const posted = await rosa.postMultipart("/social/posts", form);
  assert.equal(posted.status, 303, await posted.text());

  const { config } = original.node;
  const copyDir = mkdtempSync(join(tmpdir(), "synco-restore-"));
  let databaseUrl: string;
  if (onPostgres) {
    const dump = join(copyDir, "synco.dump");
    execFileSync("pg_dump", ["--format=custom", `--file=${dump}`, config.databaseUrl]);
    databaseUrl = await freshDatabaseUrl();
    // The fresh database is already migrated (a clone of the template): --clean replaces it.
    execFileSync("pg_restore", [
      "--clean",
      "--if-exists",
      "--no-owner",
      `--dbname=${databaseUrl}`,
      dump,
    ]);
  } else {
    const file = join(copyDir, "synco.db");
    const r = spawnSync(process.execPath, [cli, "backup", file], {
      env: {
        ...process.env,
        SYNCO_DATA_DIR: config.dataDir,
        SYNCO_DATABASE_URL: config.databaseUrl,
      },
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    databaseUrl = `sqlite:${file}`;
  }
  cpSync(join(config.dataDir, "media"), join(copyDir, "media"), { recursive: true });

  restored = await createNode(
    loadConfig({
      SYNCO_DOMAIN: original.domain,
      SYNCO_DATA_DIR: copyDir,
      SYNCO_DATABASE_URL: databaseUrl,
      SYNCO_SECRET: config.secret,
      SYNCO_LOG_LEVEL: "error",
    }),
  );
  const profile = await restored.app.request("/@rosa");
  assert.equal(profile.status, 200);
  const page = await profile.text();
  assert.match(page, /Seed swap on Saturday/);
  const image = /<img[^>]+src="(\/media\/[^"]+)"[^>]*alt="a green square"/.exec(page)?.[1];
  assert.ok(image, "the restored post shows its image");
  const file = await restored.app.request(image);
  assert.equal(file.status, 200);
  assert.equal((await sharp(Buffer.from(await file.arrayBuffer())).metadata()).width, 40);
});
