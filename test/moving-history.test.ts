/**
 * A Mastodon archive's outbox.json as a member's history (moving/archive.ts,
 * moving/history.ts): the public and followers-only posts come in with their
 * dates (and sort back in time), cleaned, and go to nobody — no outbox event, no
 * home feed; boosts and direct messages stay behind; once per member; bad files
 * get a 422 and change nothing.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseOutbox } from "../src/moving/archive.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

const archive = readFileSync(
  join(import.meta.dirname, "..", "src", "federation", "fixtures", "mastodon-archive-outbox.json"),
);
let node: TestNode;
let alice: { id: string; username: string };
let session: SignedIn;
const db = () => node.node.db.db;

before(async () => {
  node = await startTestNode({ host: "127.0.28.51" });
  alice = await createMember(node, { username: "alice", password: "long enough" });
  session = await signIn(node, "alice", "long enough");
});
after(async () => {
  await node?.close();
});

function upload(file: Blob | string | null) {
  const form = new FormData();
  if (file !== null)
    form.set("outbox", typeof file === "string" ? new Blob([file]) : file, "outbox.json");
  return session.postMultipart("/settings/import/posts", form);
}

const state = async () => ({
  posts: (
    await db().selectFrom("posts").select("id").where("author_account_id", "=", alice.id).execute()
  ).length,
  events: (await db().selectFrom("outbox_events").select("id").execute()).length,
  imports: (await db().selectFrom("imports").select("id").execute()).length,
});

test("the archive's parser keeps posts, oldest first, and leaves boosts and direct messages", () => {
  const parsed = parseOutbox(new Uint8Array(archive), new Date("2026-01-01T00:00:00Z"));
  assert.ok(parsed.ok);
  assert.equal(parsed.skipped, 2);
  assert.deepEqual(
    parsed.posts.map((p) => [p.published, p.visibility, p.language]),
    [
      ["2023-05-01T09:30:00.000Z", "public", "en"],
      ["2023-05-02T10:00:00.000Z", "followers", "en"],
    ],
  );
  // A post dated in the future is no history.
  const early = parseOutbox(new Uint8Array(archive), new Date("2023-05-01T12:00:00Z"));
  assert.ok(early.ok);
  assert.equal(early.posts.length, 1);
});

test("bad files get a 422 and change nothing", async () => {
  const before = await state();
  const bad: [string, Blob | string | null][] = [
    ["no file", null],
    ["not JSON", "{ nope"],
    ["not an outbox", JSON.stringify({ type: "Person", orderedItems: [] })],
    [
      "no posts in it",
      JSON.stringify({ type: "OrderedCollection", orderedItems: [{ type: "Announce" }] }),
    ],
    [
      "too many items",
      JSON.stringify({ type: "OrderedCollection", orderedItems: Array(20_001).fill(0) }),
    ],
    ["too large", new Blob([new Uint8Array(8 * 1024 * 1024 + 1)])],
  ];
  for (const [what, file] of bad) {
    const res = await upload(file);
    assert.equal(res.status, 422, what);
    assert.match(await res.text(), /class="errors"/, what);
  }
  assert.deepEqual(await state(), before);
});

test("the posts come in with their dates, cleaned, sent to nobody; once only", async () => {
  const before = await state();
  const res = await upload(new Blob([archive]));
  assert.equal(res.status, 303, await res.text());
  assert.match(res.headers.get("location") ?? "", /done=2\+posts/);
  const posts = await db()
    .selectFrom("posts")
    .selectAll()
    .where("author_account_id", "=", alice.id)
    .orderBy("id")
    .execute();
  assert.deepEqual(
    posts.map((p) => [p.created_at, p.visibility, p.spoiler, p.sensitive]),
    [
      ["2023-05-01T09:30:00.000Z", "public", "", 0],
      ["2023-05-02T10:00:00.000Z", "followers", "bread talk", 1],
    ],
  );
  const [first, second] = posts;
  assert.ok(first && second);
  assert.doesNotMatch(first.content_html, /script/);
  assert.match(first.content_html, /ten years old/);
  assert.equal(first.source, "Our starter is ten years old today. #bread");
  assert.equal(
    second.in_reply_to_uri,
    "https://mastodon.example/users/bob/statuses/109999999999999999",
  );
  // Ids carry the old dates, so the profile lists them back in time, not as new.
  assert.ok(
    first.id < second.id &&
      second.id < (await db().selectFrom("imports").select("id").executeTakeFirstOrThrow()).id,
  );
  // Not federated again, not in anyone's home feed.
  const after = await state();
  assert.equal(after.events, before.events);
  const home = await db()
    .selectFrom("home_entries")
    .select("post_id")
    .where(
      "post_id",
      "in",
      posts.map((p) => p.id),
    )
    .execute();
  assert.deepEqual(home, []);
  const profile = await (await fetch(`${node.url}/@alice`)).text();
  assert.match(profile, /ten years old/);
  assert.doesNotMatch(profile, /Rye, always rye/, "followers-only posts are not shown to visitors");
  // A second archive would double the history: refused.
  const again = await upload(new Blob([archive]));
  assert.equal(again.status, 422);
  assert.match(await again.text(), /imported already/);
  assert.deepEqual(await state(), after);
});
