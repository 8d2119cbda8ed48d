import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture } from "../../test/support/groups.ts";
import { createPost, textPost } from "../social/posts.ts";
import { createDraft } from "./articles.ts";
import { commentsOn, deleteComment, hideComment, lockComments } from "./comments.ts";
import { repliesLocked } from "./locks.ts";
import { allowedVerbs, articleById, articleLog, frontPage, publishedArticle } from "./views.ts";
import { publishArticle } from "./workflow.ts";

let f: GroupsFixture;
before(async () => {
  f = await groupsFixture();
});
after(() => f.handle.close());

test("comments: listed, hidden, deleted and locked by the article's writer only; logged", async () => {
  const wri = await f.member("wri");
  const rea = await f.member("rea");
  const made = await createDraft(f.ctx, wri, {
    title: "Open letter",
    body: `Dear all, ${"word ".repeat(500)}`,
  });
  assert.ok(made.ok);
  const id = made.value.id;
  const draft = await articleById(f.handle.db, id);
  assert.ok(draft);
  assert.deepEqual(await allowedVerbs(f.handle.db, draft, rea), []);
  assert.ok((await allowedVerbs(f.handle.db, draft, wri)).includes("publish"));
  const published = await publishArticle(f.ctx, wri, id);
  assert.ok(published.ok);
  const postId = published.value.postId;
  const page = await publishedArticle(f.handle.db, "open-letter");
  assert.equal(page?.postId, postId);
  assert.equal(page?.readingMinutes, 2);
  assert.equal((await frontPage(f.handle.db, { accountId: wri.id })).latest[0]?.id, id);

  const reply = await createPost(f.ctx, rea, {
    ...textPost("Agreed!"),
    visibility: "public",
    inReplyToId: postId,
  });
  assert.ok(reply.ok);
  assert.deepEqual(
    (await commentsOn(f.handle.db, postId)).map((c) => [c.id, c.username]),
    [[reply.value.id, "rea"]],
  );

  // A reader cannot moderate; the writer can.
  assert.deepEqual(
    await hideComment(f.ctx, rea, { articleId: id, commentId: reply.value.id, hidden: true }),
    {
      ok: false,
      reason: "forbidden",
    },
  );
  assert.ok(
    (await hideComment(f.ctx, wri, { articleId: id, commentId: reply.value.id, hidden: true })).ok,
  );
  assert.equal((await commentsOn(f.handle.db, postId)).length, 0);
  assert.equal((await commentsOn(f.handle.db, postId, { withHidden: true })).length, 1);
  // The article's own post is no comment of itself.
  assert.deepEqual(
    await hideComment(f.ctx, wri, { articleId: id, commentId: postId, hidden: true }),
    {
      ok: false,
      reason: "not-found",
    },
  );

  assert.ok(
    (await hideComment(f.ctx, wri, { articleId: id, commentId: reply.value.id, hidden: false })).ok,
  );
  assert.equal((await commentsOn(f.handle.db, postId)).length, 1);
  assert.ok((await lockComments(f.ctx, wri, id, true)).ok);
  const refused = await createPost(f.ctx, rea, {
    ...textPost("More!"),
    visibility: "public",
    inReplyToId: postId,
  });
  assert.deepEqual(refused, { ok: false, reason: "replies-locked" });
  // Replies to a comment in a locked article are refused too (same thread).
  const nested = await createPost(f.ctx, rea, {
    ...textPost("Me too"),
    visibility: "public",
    inReplyToId: reply.value.id,
  });
  assert.deepEqual(nested, { ok: false, reason: "replies-locked" });
  const uri = (
    await f.handle.db
      .selectFrom("posts")
      .select("uri")
      .where("id", "=", postId)
      .executeTakeFirstOrThrow()
  ).uri;
  assert.equal(await repliesLocked(f.handle.db, uri), true);
  assert.ok((await lockComments(f.ctx, wri, id, false)).ok);
  assert.equal(await repliesLocked(f.handle.db, uri), false);

  assert.ok((await deleteComment(f.ctx, wri, { articleId: id, commentId: reply.value.id })).ok);
  const gone = await f.handle.db
    .selectFrom("posts")
    .select("deleted_at")
    .where("id", "=", reply.value.id)
    .executeTakeFirstOrThrow();
  assert.ok(gone.deleted_at);
  assert.deepEqual(
    (await articleLog(f.handle.db, id)).map((l) => `${l.action}:${l.actor}`),
    [
      "created:wri",
      "published:wri",
      "comment-hidden:wri",
      "comment-shown:wri",
      "comments-locked:wri",
      "comments-unlocked:wri",
      "comment-deleted:wri",
    ],
  );
});
