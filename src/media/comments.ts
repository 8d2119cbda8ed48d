/**
 * Comments on an article are replies to its post, from members here or from
 * the fediverse (a Mastodon reply arrives as any reply does). The article's
 * editors — its writer for a member's own article, the publication's editors
 * otherwise — hide and show them, delete them, and lock the article's comments:
 * a locked article refuses new replies, written here (social/posts.ts) or
 * arriving (the inbox handlers ask `repliesLocked`, locks.ts). Every action is logged in
 * article_log.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { memberUri } from "../kernel/uris.ts";
import { bumpCount } from "../social/counters.ts";
import { tombstone } from "../social/tombstone.ts";
import { logAction, standingFor } from "./articles.ts";
import type { Actor, MediaContext } from "./context.ts";

export type CommentProblem = "not-found" | "forbidden" | "not-published";

/** The moderator's step: the article (published), its post, and whether the actor may moderate. */
async function moderated(trx: Kysely<Schema>, articleId: string, actor: Actor) {
  const found = await standingFor(trx, articleId, actor);
  if (!found) return fail("not-found" as const);
  // A published article is there for anyone to see: refusing says nothing new.
  if (!found.can("moderate"))
    return fail(
      found.article.state === "published" ? ("forbidden" as const) : ("not-found" as const),
    );
  if (!found.article.post_id) return fail("not-published" as const);
  return ok({ article: found.article, postId: found.article.post_id });
}

async function commentOf(trx: Kysely<Schema>, threadId: string, commentId: string) {
  return trx
    .selectFrom("posts")
    .select(["id", "uri", "in_reply_to_id", "hidden_at", "group_id", "author_account_id"])
    .where("id", "=", commentId)
    .where("thread_id", "=", threadId)
    .where("id", "!=", threadId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/** Locks or unlocks the article's comments. */
export async function lockComments(
  ctx: MediaContext,
  actor: Actor,
  articleId: string,
  locked: boolean,
): Promise<Result<{ locked: boolean }, CommentProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const m = await moderated(trx, articleId, actor);
    if (!m.ok) return m;
    if ((m.value.article.comments_locked === 1) === locked) return ok({ locked });
    await trx
      .updateTable("articles")
      .set({ comments_locked: locked ? 1 : 0 })
      .where("id", "=", articleId)
      .execute();
    await logAction(trx, ctx, {
      articleId,
      actorId: actor.id,
      action: locked ? "comments-locked" : "comments-unlocked",
      revision: m.value.article.revision,
    });
    return ok({ locked });
  });
}

/** Hides a comment (shown to the article's moderators only, marked) or shows it again. Local only. */
export async function hideComment(
  ctx: MediaContext,
  actor: Actor,
  input: { articleId: string; commentId: string; hidden: boolean },
): Promise<Result<{ hidden: boolean }, CommentProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const m = await moderated(trx, input.articleId, actor);
    if (!m.ok) return m;
    const comment = await commentOf(trx, m.value.postId, input.commentId);
    if (!comment) return fail("not-found" as const);
    if (!!comment.hidden_at === input.hidden) return ok({ hidden: input.hidden });
    await trx
      .updateTable("posts")
      .set({ hidden_at: input.hidden ? ctx.clock.now().toISOString() : null })
      .where("id", "=", comment.id)
      .execute();
    await logAction(trx, ctx, {
      articleId: input.articleId,
      actorId: actor.id,
      action: input.hidden ? "comment-hidden" : "comment-shown",
      revision: m.value.article.revision,
      postId: comment.id,
    });
    return ok({ hidden: input.hidden });
  });
}

/**
 * Deletes a comment here. A publication's Group announces the Delete to its
 * followers (as a group moderator's deletion does); a remote author keeps their
 * own copy, as with any moderator's deletion on the fediverse.
 */
export async function deleteComment(
  ctx: MediaContext,
  actor: Actor,
  input: { articleId: string; commentId: string },
): Promise<Result<{ deleted: true }, CommentProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const m = await moderated(trx, input.articleId, actor);
    if (!m.ok) return m;
    const comment = await commentOf(trx, m.value.postId, input.commentId);
    if (!comment) return fail("not-found" as const);
    await tombstone(trx, comment.id, ctx.clock.now().toISOString());
    if (comment.in_reply_to_id) await bumpCount(trx, comment.in_reply_to_id, "replies_count", -1);
    if (comment.group_id)
      await recordEvent(trx, {
        type: "groups.post.deleted",
        payload: { postId: comment.id, actorUri: memberUri(ctx.origin, actor.username) },
      });
    await logAction(trx, ctx, {
      articleId: input.articleId,
      actorId: actor.id,
      action: "comment-deleted",
      revision: m.value.article.revision,
      postId: comment.id,
    });
    return ok({ deleted: true as const });
  });
}

/**
 * The comments under an article, oldest first: public and unlisted replies in
 * its thread. Hidden ones only when `withHidden` (its moderators' view).
 */
export function commentsOn(
  db: Kysely<Schema>,
  postId: string,
  options: { withHidden?: boolean; limit?: number } = {},
) {
  return db
    .selectFrom("posts")
    .leftJoin("accounts", "accounts.id", "posts.author_account_id")
    .leftJoin("remote_actors", "remote_actors.id", "posts.author_remote_id")
    .select([
      "posts.id",
      "posts.uri",
      "posts.url",
      "posts.author_uri as authorUri",
      "posts.content_html as contentHtml",
      "posts.in_reply_to_id as inReplyToId",
      "posts.created_at as createdAt",
      "posts.hidden_at as hiddenAt",
      "accounts.username",
      "accounts.display_name as displayName",
      "remote_actors.username as remoteUsername",
      "remote_actors.host as remoteHost",
      "remote_actors.name as remoteName",
    ])
    .where("posts.thread_id", "=", postId)
    .where("posts.id", "!=", postId)
    .where("posts.deleted_at", "is", null)
    .where("posts.visibility", "in", ["public", "unlisted"])
    .$if(!options.withHidden, (q) => q.where("posts.hidden_at", "is", null))
    .orderBy("posts.id")
    .limit(Math.min(options.limit ?? 500, 500))
    .execute();
}
