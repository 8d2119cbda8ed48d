/**
 * Publishing writes the article's post: kind "article", its title and summary,
 * the Markdown as `source` (what the editor opens) and the rendered HTML as
 * `content_html` (the one path, markdown.ts), its tags, its cover as the first
 * attachment (federation sends it as the Article's `image` too), and `url` the
 * public page (/articles/{slug}), which Mastodon links to.
 *
 * A member's article is a public post of theirs (Create to their followers,
 * social.post.created); a publication's is a post whose audience is the
 * publication's Group, announced by the Group to its followers
 * (groups.post.created, FEP-1b12). Both record media.article.published, in the
 * same transaction as the post, so it is written exactly once.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";
import { articleUrl, groupUri, memberUri, postUri } from "../kernel/uris.ts";
import { attachMedia } from "../social/attachments.ts";
import { keepVersion } from "../social/edits.ts";
import { fanOut } from "../social/fanout.ts";
import type { Article } from "./articles.ts";
import type { MediaContext } from "./context.ts";
import { renderMarkdown } from "./markdown.ts";

/** The article's HTML as its post shows it. */
export const articleHtml = (ctx: Pick<MediaContext, "origin">, article: Pick<Article, "body">) =>
  renderMarkdown(article.body, { origin: ctx.origin });

async function writeTagsAndCover(trx: Kysely<Schema>, postId: string, article: Article) {
  await trx.deleteFrom("post_tags").where("post_id", "=", postId).execute();
  for (const tag of JSON.parse(article.tags) as string[])
    await trx.insertInto("post_tags").values({ post_id: postId, tag }).execute();
  await trx.deleteFrom("post_media").where("post_id", "=", postId).execute();
  if (article.cover_upload_id)
    await attachMedia(trx, postId, [
      { uploadId: article.cover_upload_id, description: article.cover_alt },
    ]);
}

/**
 * Writes the post of an article that is being published (the caller checked who
 * may, and sets the article's state). Returns the post's id, or null when the
 * writer's account is gone (a scheduled article of a deleted member).
 */
export async function writeArticlePost(
  trx: Kysely<Schema>,
  ctx: MediaContext,
  article: Article,
): Promise<string | null> {
  const author = await trx
    .selectFrom("accounts")
    .select(["id", "username"])
    .where("id", "=", article.author_account_id)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!author) return null;
  const publication = article.publication_id
    ? await trx
        .selectFrom("groups")
        .select(["id", "name"])
        .where("id", "=", article.publication_id)
        .executeTakeFirst()
    : undefined;
  const id = newId();
  const now = ctx.clock.now().toISOString();
  const authorUri = memberUri(ctx.origin, author.username);
  await trx
    .insertInto("posts")
    .values({
      id,
      uri: postUri(ctx.origin, id),
      url: articleUrl(ctx.origin, article.slug),
      author_uri: authorUri,
      author_account_id: author.id,
      author_remote_id: null,
      local: 1,
      visibility: "public",
      in_reply_to_id: null,
      in_reply_to_uri: null,
      thread_id: id,
      reblog_of_id: null,
      source: article.body,
      content_html: articleHtml(ctx, article),
      language: article.language,
      created_at: now,
      edited_at: null,
      deleted_at: null,
      kind: "article",
      title: article.title,
      summary: article.summary,
      audience_uri: publication ? groupUri(ctx.origin, publication.name) : null,
      group_id: publication?.id ?? null,
    })
    .execute();
  await writeTagsAndCover(trx, id, article);
  if (publication) {
    await recordEvent(trx, { type: "groups.post.created", payload: { postId: id } });
  } else {
    await fanOut(trx, {
      id,
      authorUri,
      authorAccountId: author.id,
      visibility: "public",
      mentionedAccountIds: [],
    });
    await recordEvent(trx, { type: "social.post.created", payload: { postId: id } });
  }
  await recordEvent(trx, {
    type: "media.article.published",
    payload: { articleId: article.id, postId: id },
  });
  return id;
}

/** A published article was saved: its post takes the new text (the old one goes to the post's history). */
export async function updatePublishedPost(
  trx: Kysely<Schema>,
  ctx: MediaContext,
  article: Article,
): Promise<void> {
  const postId = article.post_id;
  if (!postId) return;
  await keepVersion(trx, postId);
  await trx
    .updateTable("posts")
    .set({
      source: article.body,
      content_html: articleHtml(ctx, article),
      title: article.title,
      summary: article.summary,
      language: article.language,
      edited_at: ctx.clock.now().toISOString(),
    })
    .where("id", "=", postId)
    .where("deleted_at", "is", null)
    .execute();
  await writeTagsAndCover(trx, postId, article);
  await recordEvent(trx, { type: "social.post.updated", payload: { postId } });
  await recordEvent(trx, {
    type: "media.article.updated",
    payload: { articleId: article.id, postId },
  });
}
