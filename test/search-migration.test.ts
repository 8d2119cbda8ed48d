/**
 * Migration 0021 backfills the search index: posts written before it (by the
 * migrations before it) are found after it; deleted posts and boosts are not
 * indexed; and the triggers keep later changes in step.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { type Db, openDatabase } from "../src/db/database.ts";
import { migrateToLatest, migrateUpTo } from "../src/db/migrate.ts";
import { searchPosts } from "../src/search/search.ts";
import { emptyDatabaseUrl } from "./support/db.ts";

const origin = "https://coop.example";
const id = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, "0")}`;
let handle: Db;

const row = (n: number, html: string, more: Partial<ReturnType<typeof base>> = {}) => ({
  ...base(n, html),
  ...more,
});
const base = (n: number, html: string) => ({
  id: id(n),
  uri: `${origin}/posts/${id(n)}`,
  author_uri: `${origin}/users/ana`,
  local: 1,
  visibility: "public" as const,
  thread_id: id(n),
  content_html: html,
  language: "es",
  kind: "note" as "note" | "article",
  title: "",
  summary: "",
  deleted_at: null as string | null,
  reblog_of_id: null as string | null,
  created_at: "2026-11-01T10:00:00.000Z",
});

before(async () => {
  handle = await openDatabase(await emptyDatabaseUrl(), { poolSize: 2 });
  await migrateUpTo(handle.db, "0016_group_reports");
  // The rows as the code before 0021 wrote them (the columns of 0016's schema).
  await handle.db
    .insertInto("posts")
    .values([
      row(1, "<p>Las <b>cooperativas</b> de vivienda &amp; el barrio</p>"),
      row(2, "<p>cooperativas borradas</p>", { deleted_at: "2026-11-01T11:00:00.000Z" }),
      row(3, "", { reblog_of_id: id(1) }),
      row(4, "<p>Un artículo</p>", {
        kind: "article",
        title: "Cooperativas hoy",
        summary: "Resumen",
      }),
    ])
    .execute();
  await migrateToLatest(handle.db);
});
after(() => handle.close());

const find = async (query: string) =>
  (await searchPosts({ db: handle.db, origin, domain: "coop.example" }, null, { query })).map(
    (h) => h.postId,
  );

test("posts from before the migration are indexed, deleted ones and boosts are not", async () => {
  assert.deepEqual(new Set(await find("cooperativa")), new Set([id(1), id(4)]));
  const count = await handle.db
    .selectFrom("search_documents")
    .select(sql<number>`count(*)`.as("n"))
    .executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 2);
  const hit = (
    await searchPosts({ db: handle.db, origin, domain: "coop.example" }, null, { query: "barrio" })
  )[0];
  assert.match(hit?.snippetHtml ?? "", /<mark>barrio<\/mark>/);
  assert.match(hit?.snippetHtml ?? "", /vivienda &amp; el/);
});

test("the triggers follow an update and a row's removal", async () => {
  await handle.db
    .updateTable("posts")
    .set({ content_html: "<p>huertos</p>" })
    .where("id", "=", id(1))
    .execute();
  assert.deepEqual(await find("huertos"), [id(1)]);
  assert.deepEqual(await find("barrio"), []);
  await handle.db.deleteFrom("posts").where("id", "=", id(4)).execute();
  assert.deepEqual(await find("cooperativas"), []);
});
