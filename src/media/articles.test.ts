import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture, ORIGIN } from "../../test/support/groups.ts";
import { newId } from "../kernel/ids.ts";
import { editPost } from "../social/posts.ts";
import {
  createDraft,
  listRevisions,
  restoreRevision,
  revisionOf,
  updateDraft,
} from "./articles.ts";
import { mediaContributor } from "./data.ts";
import { deleteArticle } from "./removal.ts";
import { publishArticle, scheduleArticle } from "./workflow.ts";

let f: GroupsFixture;
before(async () => {
  f = await groupsFixture();
});
after(() => f.handle.close());

async function upload(ownerId: string) {
  const id = newId();
  await f.handle.db
    .insertInto("uploads")
    .values({
      id,
      owner_id: ownerId,
      purpose: "attachment",
      content_type: "image/webp",
      width: 1200,
      height: 630,
      size: 1000,
      path: `${id}.webp`,
      focus: null,
      created_at: f.clock.now().toISOString(),
    })
    .execute();
  return id;
}

const count = async (table: "articles" | "article_revisions" | "article_log" | "posts") =>
  Number(
    (
      await f.handle.db
        .selectFrom(table)
        .select(f.handle.db.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

test("a draft is saved as revisions; an unchanged save adds none; restore brings an old text back as a new one", async () => {
  const ana = await f.member("ana");
  const made = await createDraft(f.ctx, ana, { title: "Hello, world!", body: "First." });
  assert.ok(made.ok);
  assert.equal(made.value.slug, "hello-world");
  const second = await updateDraft(f.ctx, ana, made.value.id, {
    title: "Hello, world!",
    body: "Second.",
  });
  assert.deepEqual(second, { ok: true, value: { revision: 2 } });
  const same = await updateDraft(f.ctx, ana, made.value.id, {
    title: "Hello, world!",
    body: "Second.",
    tags: ["News"],
  });
  assert.deepEqual(same, { ok: true, value: { revision: 2 } }, "tags alone make no revision");
  const restored = await restoreRevision(f.ctx, ana, made.value.id, 1);
  assert.deepEqual(restored, { ok: true, value: { revision: 3 } });
  const list = await listRevisions(f.handle.db, made.value.id);
  assert.deepEqual(
    list.map((r) => [r.number, r.restoredFrom, r.editor]),
    [
      [3, 1, "ana"],
      [2, null, "ana"],
      [1, null, "ana"],
    ],
  );
  assert.equal((await revisionOf(f.handle.db, made.value.id, 3))?.body, "First.");
  const article = await f.handle.db
    .selectFrom("articles")
    .selectAll()
    .where("id", "=", made.value.id)
    .executeTakeFirstOrThrow();
  assert.equal(article.body, "First.");
  assert.equal(article.tags, '["news"]');
  // A second article with the same title gets its own slug.
  const twin = await createDraft(f.ctx, ana, { title: "Hello world" });
  assert.ok(twin.ok);
  assert.equal(twin.value.slug, "hello-world-2");
});

test("bad input, someone else's cover or someone else's article: refused, nothing written", async () => {
  const bea = await f.member("bea");
  const cy = await f.member("cy");
  const before = [
    await count("articles"),
    await count("article_revisions"),
    await count("article_log"),
  ];
  assert.deepEqual(await createDraft(f.ctx, bea, { title: "   " }), {
    ok: false,
    reason: "invalid",
  });
  assert.deepEqual(await createDraft(f.ctx, bea, { title: "x".repeat(201) }), {
    ok: false,
    reason: "invalid",
  });
  assert.deepEqual(await createDraft(f.ctx, bea, { title: "T", tags: ["no spaces allowed"] }), {
    ok: false,
    reason: "invalid",
  });
  assert.deepEqual(await createDraft(f.ctx, bea, { title: "T", body: "x".repeat(200_001) }), {
    ok: false,
    reason: "invalid",
  });
  const cysUpload = await upload(cy.id);
  assert.deepEqual(
    await createDraft(f.ctx, bea, { title: "T", cover: { uploadId: cysUpload, alt: "x" } }),
    { ok: false, reason: "cover-not-found" },
  );
  assert.deepEqual(await createDraft(f.ctx, bea, { title: "T", publicationId: newId() }), {
    ok: false,
    reason: "not-found",
  });
  assert.deepEqual(
    [await count("articles"), await count("article_revisions"), await count("article_log")],
    before,
  );
  const mine = await createDraft(f.ctx, bea, { title: "Mine" });
  assert.ok(mine.ok);
  assert.deepEqual(await updateDraft(f.ctx, cy, mine.value.id, { title: "Theirs" }), {
    ok: false,
    reason: "not-found",
  });
  assert.deepEqual(await restoreRevision(f.ctx, cy, mine.value.id, 1), {
    ok: false,
    reason: "not-found",
  });
  assert.deepEqual(await publishArticle(f.ctx, cy, mine.value.id), {
    ok: false,
    reason: "not-found",
  });
});

test("publishing a member's article writes its post: rendered HTML, Markdown kept, url, tags, cover; an edit follows", async () => {
  const dee = await f.member("dee");
  const cover = await upload(dee.id);
  const made = await createDraft(f.ctx, dee, {
    title: "Co-ops and *media*",
    summary: "Why we run our own.",
    body: "## Why\n\nBecause[^1].\n\n[^1]: Reasons.",
    language: "en",
    tags: ["#Media", "coops"],
    cover: { uploadId: cover, alt: "A printing press" },
  });
  assert.ok(made.ok);
  const published = await publishArticle(f.ctx, dee, made.value.id);
  assert.ok(published.ok);
  const post = await f.handle.db
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", published.value.postId)
    .executeTakeFirstOrThrow();
  assert.equal(post.kind, "article");
  assert.equal(post.title, "Co-ops and *media*");
  assert.equal(post.summary, "Why we run our own.");
  assert.equal(post.url, `${ORIGIN}/articles/co-ops-and-media`);
  assert.equal(post.visibility, "public");
  assert.equal(post.language, "en");
  assert.equal(post.source, "## Why\n\nBecause[^1].\n\n[^1]: Reasons.");
  assert.match(post.content_html, /<h2 id="why">Why/);
  assert.match(post.content_html, /<section class="footnotes">/);
  assert.equal(post.audience_uri, null);
  const tags = await f.handle.db
    .selectFrom("post_tags")
    .select("tag")
    .where("post_id", "=", post.id)
    .execute();
  assert.deepEqual(tags.map((t) => t.tag).sort(), ["coops", "media"]);
  const media = await f.handle.db
    .selectFrom("post_media")
    .selectAll()
    .where("post_id", "=", post.id)
    .execute();
  assert.deepEqual(
    media.map((m) => [m.upload_id, m.description]),
    [[cover, "A printing press"]],
  );
  assert.equal(
    (await f.events("social.post.created")).filter((e) => e.postId === post.id).length,
    1,
  );
  assert.deepEqual(
    (await f.events("media.article.published")).filter((e) => e.postId === post.id),
    [{ articleId: made.value.id, postId: post.id }],
  );
  // Publishing twice is refused (it is published), and writes no second post.
  assert.deepEqual(await publishArticle(f.ctx, dee, made.value.id), {
    ok: false,
    reason: "wrong-state",
  });
  assert.deepEqual(
    await scheduleArticle(f.ctx, dee, made.value.id, new Date(f.clock.now().getTime() + 60_000)),
    { ok: false, reason: "wrong-state" },
  );

  f.clock.advance(60_000);
  const edited = await updateDraft(f.ctx, dee, made.value.id, {
    title: "Co-ops and media",
    summary: "Why we run our own.",
    body: "## Why\n\nBecause we can.",
    language: "en",
    tags: ["media"],
    cover: { uploadId: cover, alt: "A press" },
  });
  assert.ok(edited.ok);
  const after = await f.handle.db
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", post.id)
    .executeTakeFirstOrThrow();
  assert.equal(after.title, "Co-ops and media");
  assert.match(after.content_html, /Because we can\./);
  assert.equal(after.edited_at, f.clock.now().toISOString());
  assert.equal(after.url, post.url, "the public address stays");
  assert.equal(
    (await f.events("social.post.updated")).filter((e) => e.postId === post.id).length,
    1,
  );
  const history = await f.handle.db
    .selectFrom("post_edits")
    .selectAll()
    .where("post_id", "=", post.id)
    .execute();
  assert.equal(history.length, 1);
  const alt = await f.handle.db
    .selectFrom("post_media")
    .select("description")
    .where("post_id", "=", post.id)
    .execute();
  assert.deepEqual(alt, [{ description: "A press" }]);
});

test("the export holds each article as Markdown with front matter and as JSON; deletion erases them", async () => {
  const eve = await f.member("eve");
  const made = await createDraft(f.ctx, eve, {
    title: 'Quotes "and" colons: fine',
    body: "Body text.",
    tags: ["a"],
  });
  assert.ok(made.ok);
  await updateDraft(f.ctx, eve, made.value.id, {
    title: 'Quotes "and" colons: fine',
    body: "Body 2.",
    tags: ["a"],
  });
  const data = (await mediaContributor.export(f.handle.db, eve.id)) as {
    files: { path: string; content: string }[];
    articles: { id: string; revisions: unknown[] }[];
  };
  assert.equal(data.files.length, 1);
  assert.equal(data.files[0]?.path, "articles/quotes-and-colons-fine.md");
  assert.match(data.files[0]?.content, /^---\ntitle: "Quotes \\"and\\" colons: fine"\n/);
  assert.match(data.files[0]?.content, /\ntags: \["a"\]\n/);
  assert.match(data.files[0]?.content, /---\n\nBody 2\.\n$/);
  assert.equal(data.articles[0]?.revisions.length, 2);
  await f.handle.db.transaction().execute((trx) => mediaContributor.erase(trx, eve.id, ""));
  const left = await f.handle.db
    .selectFrom("article_revisions")
    .select("id")
    .where("article_id", "=", made.value.id)
    .execute();
  assert.equal(left.length, 0);
  assert.equal(
    ((await mediaContributor.export(f.handle.db, eve.id)) as { files: unknown[] }).files.length,
    0,
  );
});

test("deleting an article: a stranger cannot; its writer can, and its post becomes a tombstone whose Delete goes out", async () => {
  const fay = await f.member("fay");
  const gus = await f.member("gus");
  const made = await createDraft(f.ctx, fay, { title: "Short-lived", body: "Soon gone." });
  assert.ok(made.ok);
  const published = await publishArticle(f.ctx, fay, made.value.id);
  assert.ok(published.ok);
  // The post is edited as Markdown here, never as plain text through the social edit.
  assert.deepEqual(
    await editPost(f.ctx, fay, published.value.postId, {
      text: "plain",
      spoiler: "",
      sensitive: false,
      mentions: [],
    }),
    { ok: false, reason: "not-found" },
  );
  assert.deepEqual(await deleteArticle(f.ctx, gus, made.value.id), {
    ok: false,
    reason: "not-found",
  });
  assert.deepEqual(await deleteArticle(f.ctx, fay, made.value.id), {
    ok: true,
    value: { deleted: true },
  });
  const post = await f.handle.db
    .selectFrom("posts")
    .select(["deleted_at", "content_html"])
    .where("id", "=", published.value.postId)
    .executeTakeFirstOrThrow();
  assert.ok(post.deleted_at);
  assert.equal(post.content_html, "");
  assert.equal(
    (await f.events("social.post.deleted")).filter((e) => e.postId === published.value.postId)
      .length,
    1,
  );
  assert.equal(
    (
      await f.handle.db
        .selectFrom("article_revisions")
        .select("id")
        .where("article_id", "=", made.value.id)
        .execute()
    ).length,
    0,
  );
  assert.deepEqual(await deleteArticle(f.ctx, fay, made.value.id), {
    ok: false,
    reason: "not-found",
  });
});

test("drafts with one title written at once get distinct slugs", async () => {
  const hal = await f.member("hal");
  const made = await Promise.all(
    Array.from({ length: 4 }, () => createDraft(f.ctx, hal, { title: "Same title" })),
  );
  const slugs = made.map((m) => (m.ok ? m.value.slug : m.reason)).sort();
  assert.deepEqual(slugs, ["same-title", "same-title-2", "same-title-3", "same-title-4"]);
});
