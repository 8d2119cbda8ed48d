/**
 * createPost with an Idempotency-Key, on testDatabase() (SQLite, or PostgreSQL
 * with TEST_DATABASE_URL): concurrent retries make one post, keys are per author.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import { createAccount } from "../accounts/accounts.ts";
import type { Db } from "../db/database.ts";
import { systemClock } from "../kernel/clock.ts";
import type { Member, SocialContext } from "./context.ts";
import { createPost, type PostInput } from "./posts.ts";

let handle: Db;
let s: SocialContext;
let ada: Member;
let bo: Member;

before(async () => {
  handle = await testDatabase();
  s = {
    db: handle.db,
    origin: "https://posts.example",
    domain: "posts.example",
    clock: systemClock,
  };
  const member = async (username: string) => {
    const made = await createAccount(
      handle.db,
      { username, email: `${username}@example.org`, password: "a long passphrase" },
      { passwordCost: 8 },
    );
    assert.ok(made.ok);
    return { id: made.value.id, username };
  };
  ada = await member("ada");
  bo = await member("bo");
});
after(() => handle.close());

const input = (text: string): PostInput => ({
  text,
  spoiler: "",
  visibility: "public",
  language: null,
  sensitive: false,
  inReplyToId: null,
  mentions: [],
  media: [],
  poll: null,
});

const postsSaying = async (text: string) =>
  (await handle.db.selectFrom("posts").select("id").where("source", "=", text).execute()).map(
    (r) => r.id,
  );

test("concurrent retries with one key make one post and all answer its id", async () => {
  const results = await Promise.all(
    Array.from({ length: 8 }, () =>
      createPost(s, ada, input("only once"), { idempotencyKey: "retry-1" }),
    ),
  );
  const ids = results.map((r) => (r.ok ? r.value.id : r.reason));
  const made = await postsSaying("only once");
  assert.equal(made.length, 1, "exactly one post");
  assert.deepEqual(new Set(ids), new Set(made), "every retry answers that post");
  const events = await handle.db
    .selectFrom("outbox_events")
    .select("id")
    .where("type", "=", "social.post.created")
    .execute();
  assert.equal(events.length, 1, "one post.created event");
  // A later retry, after the first one committed, answers it too.
  const later = await createPost(s, ada, input("only once"), { idempotencyKey: "retry-1" });
  assert.ok(later.ok);
  assert.equal(later.value.id, made[0]);
});

test("a key is the author's own: another member's same key posts", async () => {
  const a = await createPost(s, ada, input("ada's"), { idempotencyKey: "shared" });
  const b = await createPost(s, bo, input("bo's"), { idempotencyKey: "shared" });
  assert.ok(a.ok && b.ok);
  assert.notEqual(a.value.id, b.value.id);
  assert.deepEqual(await postsSaying("bo's"), [b.value.id]);
  const again = await createPost(s, bo, input("bo's"), { idempotencyKey: "shared" });
  assert.ok(again.ok);
  assert.equal(again.value.id, b.value.id);
});

test("a refused post leaves its key free, and posts without a key are not deduplicated", async () => {
  const refused = await createPost(
    s,
    ada,
    { ...input("reply"), inReplyToId: "nope" },
    {
      idempotencyKey: "retry-2",
    },
  );
  assert.deepEqual(refused, { ok: false, reason: "reply-not-found" });
  const keys = await handle.db
    .selectFrom("idempotency_keys")
    .select("key")
    .where("key", "=", "retry-2")
    .execute();
  assert.equal(keys.length, 0, "nothing written for a refused post");
  const fixed = await createPost(s, ada, input("reply fixed"), { idempotencyKey: "retry-2" });
  assert.ok(fixed.ok);
  await createPost(s, ada, input("twice"));
  await createPost(s, ada, input("twice"));
  assert.equal((await postsSaying("twice")).length, 2);
});

test("a key older than a day is forgotten", async () => {
  const first = await createPost(s, ada, input("old key"), { idempotencyKey: "retry-3" });
  assert.ok(first.ok);
  await handle.db
    .updateTable("idempotency_keys")
    .set({ created_at: new Date(Date.now() - 25 * 3600_000).toISOString() })
    .where("key", "=", "retry-3")
    .execute();
  const second = await createPost(s, ada, input("old key"), { idempotencyKey: "retry-3" });
  assert.ok(second.ok);
  assert.notEqual(second.value.id, first.value.id);
  assert.equal((await postsSaying("old key")).length, 2);
});
