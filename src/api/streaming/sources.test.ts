/**
 * The hub's reads on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL):
 * a burst larger than one page within the look-back is read whole — more public
 * posts than a page, and one post in more members' homes than a page — instead
 * of the same first page every round.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { testDatabase } from "../../../test/support/db.ts";
import type { Db } from "../../db/database.ts";
import { newId } from "../../kernel/ids.ts";
import { idAt, newHomeEntries, newPublicPostIds } from "./sources.ts";

let handle: Db;
before(async () => {
  handle = await testDatabase();
});
after(() => handle.close());

it("reads a burst past one page: 450 public posts, and one post in 450 homes", async () => {
  const db = handle.db;
  const from = idAt(Date.now() - 1000);
  const now = new Date().toISOString();
  const ids = Array.from({ length: 450 }, () => newId());
  await db
    .insertInto("posts")
    .values(
      ids.map((id) => ({
        id,
        uri: `https://node.example/posts/${id}`,
        url: null,
        author_uri: "https://node.example/users/ann",
        author_account_id: null,
        author_remote_id: null,
        local: 1,
        visibility: "public" as const,
        in_reply_to_id: null,
        in_reply_to_uri: null,
        thread_id: id,
        reblog_of_id: null,
        language: null,
        created_at: now,
        edited_at: null,
        deleted_at: null,
      })),
    )
    .execute();
  assert.deepEqual(await newPublicPostIds(db, from), [...ids].sort());

  const members = Array.from({ length: 450 }, (_, i) => `member-${String(i).padStart(3, "0")}`);
  const post = ids[0] ?? "";
  await db
    .insertInto("home_entries")
    .values(members.map((account_id) => ({ account_id, post_id: post })))
    .execute();
  const home = await newHomeEntries(db, members, from);
  assert.deepEqual(
    home.map((h) => h.account_id),
    members,
  );
  assert.ok(home.every((h) => h.post_id === post));
});
