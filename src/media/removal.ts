/**
 * Deleting an article: its drafts, revisions, log and editorial comments go, and
 * a published article's post becomes a tombstone whose Delete goes out as any
 * post's does (from the writer to their followers, or announced by the
 * publication's Group). Who may: rules.ts ("delete").
 */
import { recordEvent } from "../db/outbox.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { memberUri } from "../kernel/uris.ts";
import { bumpCount } from "../social/counters.ts";
import { tombstone } from "../social/tombstone.ts";
import { standingFor } from "./articles.ts";
import type { Actor, MediaContext } from "./context.ts";

export async function deleteArticle(
  ctx: MediaContext,
  actor: Actor,
  articleId: string,
): Promise<Result<{ deleted: true }, "not-found" | "forbidden">> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await standingFor(trx, articleId, actor);
    if (!found?.can("read-draft")) return fail("not-found" as const);
    if (!found.can("delete")) return fail("forbidden" as const);
    const { article } = found;
    const post = article.post_id
      ? await trx
          .selectFrom("posts")
          .select(["id", "in_reply_to_id", "group_id"])
          .where("id", "=", article.post_id)
          .where("deleted_at", "is", null)
          .executeTakeFirst()
      : undefined;
    if (post) {
      await tombstone(trx, post.id, ctx.clock.now().toISOString());
      if (post.in_reply_to_id) await bumpCount(trx, post.in_reply_to_id, "replies_count", -1);
      if (post.group_id)
        await recordEvent(trx, {
          type: "groups.post.deleted",
          payload: { postId: post.id, actorUri: memberUri(ctx.origin, actor.username) },
        });
      else await recordEvent(trx, { type: "social.post.deleted", payload: { postId: post.id } });
    }
    await trx.deleteFrom("article_comments").where("article_id", "=", articleId).execute();
    await trx.deleteFrom("article_revisions").where("article_id", "=", articleId).execute();
    await trx.deleteFrom("article_log").where("article_id", "=", articleId).execute();
    await trx.deleteFrom("articles").where("id", "=", articleId).execute();
    return ok({ deleted: true as const });
  });
}
