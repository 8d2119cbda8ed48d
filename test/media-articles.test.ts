/**
 * Scheduled publishing survives a restart: an article scheduled on a node that
 * then stops is published by the next node process on the same database, once,
 * as soon as its worker starts after the time has passed.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createAccount } from "../src/accounts/accounts.ts";
import { createNode } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { waitFor } from "../src/federation/testing.ts";
import { fixedClock } from "../src/kernel/clock.ts";
import { createDraft } from "../src/media/articles.ts";
import { scheduleArticle } from "../src/media/workflow.ts";
import { freshDatabaseUrl } from "./support/db.ts";

test("an article scheduled before a restart is published once after it, when due", async () => {
  const config = loadConfig({
    SYNCO_DOMAIN: "127.0.48.1:9",
    SYNCO_HOST: "127.0.48.1",
    SYNCO_PORT: "9",
    SYNCO_DATA_DIR: mkdtempSync(join(tmpdir(), "synco-node-")),
    SYNCO_DATABASE_URL: await freshDatabaseUrl(),
    SYNCO_SECRET: "test-secret-".padEnd(40, "x"),
    SYNCO_PASSWORD_COST: "8",
    SYNCO_LOG_LEVEL: "error",
  });
  const start = new Date("2026-06-01T09:00:00.000Z");
  const due = new Date("2026-06-01T10:00:00.000Z");
  const first = await createNode(config, { clock: fixedClock(start) });
  const ctx = {
    db: first.db.db,
    origin: config.origin,
    domain: config.domain,
    clock: fixedClock(start),
  };
  const made = await createAccount(
    first.db.db,
    { username: "sam", email: "sam@example.test", password: "long enough", role: "member" },
    { passwordCost: 8 },
  );
  assert.ok(made.ok);
  const sam = { id: made.value.id, username: "sam" };
  const draft = await createDraft(ctx, sam, { title: "Morning edition", body: "News." });
  assert.ok(draft.ok);
  assert.ok((await scheduleArticle(ctx, sam, draft.value.id, due)).ok);
  // The first process runs its worker before the time: nothing goes out.
  const stopFirst = await first.startWorker();
  await stopFirst();
  const before = await first.db.db
    .selectFrom("articles")
    .select("state")
    .where("id", "=", draft.value.id)
    .executeTakeFirstOrThrow();
  assert.equal(before.state, "scheduled");
  await first.close();

  // The node comes back after the article's time.
  const second = await createNode(config, {
    clock: fixedClock(new Date("2026-06-01T10:30:00.000Z")),
  });
  const stop = await second.startWorker();
  try {
    const { db } = second.db;
    await waitFor("the scheduled article is published", async () => {
      const row = await db
        .selectFrom("articles")
        .select("state")
        .where("id", "=", draft.value.id)
        .executeTakeFirstOrThrow();
      return row.state === "published";
    });
    const article = await db
      .selectFrom("articles")
      .selectAll()
      .where("id", "=", draft.value.id)
      .executeTakeFirstOrThrow();
    assert.equal(article.published_at, "2026-06-01T10:30:00.000Z");
    const posts = await db
      .selectFrom("posts")
      .select(["id", "kind"])
      .where("author_account_id", "=", sam.id)
      .execute();
    assert.deepEqual(posts, [{ id: article.post_id, kind: "article" }]);
    const events = await db
      .selectFrom("outbox_events")
      .select("payload")
      .where("type", "=", "media.article.published")
      .execute();
    assert.equal(events.length, 1);
  } finally {
    await stop();
    await second.close();
  }
});
