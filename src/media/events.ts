/**
 * The outbox events the media area records (src/db/outbox.ts). Federation of a
 * published article rides on the post's own events (social.post.created for a
 * member's blog, groups.post.created for a publication, whose Group announces
 * it; social.post.updated on edits), so these carry what other parts of media
 * hang on: the newsletter sends on `media.article.published`.
 */
import { z } from "zod";
import { defineEvents } from "../db/outbox.ts";

const article = z.object({ articleId: z.string(), postId: z.string() });

export const mediaEvents = defineEvents("media", {
  /** An article went out (at once or by the scheduler): its post exists. */
  "media.article.published": article,
  /** A published article was edited: the post's HTML changed. */
  "media.article.updated": article,
});
