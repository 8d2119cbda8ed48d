/**
 * Our posts as ActivityStreams objects, addressed as Mastodon addresses them:
 * public → to Public, cc followers; unlisted → to followers, cc Public;
 * followers-only → to followers; direct → to those mentioned; the mentioned
 * are always cc'd and tagged as Mention, hashtags tagged as Hashtag. A content
 * warning is `summary` with `sensitive`; images are Documents whose `name` is
 * the alt text. A post with a poll is a Question (oneOf / anyOf options as Notes
 * with `name` and `replies.totalItems`, endTime, closed, votersCount).
 */
import type { Context } from "@fedify/fedify";
import {
  Collection,
  Document,
  Hashtag,
  Mention,
  Note,
  PUBLIC_COLLECTION,
  Question,
} from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { tagUrl } from "../../kernel/uris.ts";
import { isClosed, parseOptions } from "../../social/polls.ts";

export const instant = (iso: string) =>
  Temporal.Instant.from(iso) as unknown as globalThis.Temporal.Instant;

export async function loadLocalPost(db: Kysely<Schema>, postId: string) {
  const post = await db
    .selectFrom("posts")
    .innerJoin("accounts", "accounts.id", "posts.author_account_id")
    .selectAll("posts")
    .select("accounts.username")
    .where("posts.id", "=", postId)
    .where("posts.local", "=", 1)
    .executeTakeFirst();
  if (!post) return null;
  const [mentions, tags, media, poll] = await Promise.all([
    db
      .selectFrom("post_mentions")
      .leftJoin("remote_actors as r", "r.id", "post_mentions.remote_id")
      .select([
        "post_mentions.actor_uri",
        "post_mentions.handle",
        "post_mentions.remote_id",
        "post_mentions.silent",
        "r.inbox_url",
        "r.shared_inbox_url",
      ])
      .where("post_id", "=", postId)
      .execute(),
    db.selectFrom("post_tags").select("tag").where("post_id", "=", postId).execute(),
    db
      .selectFrom("post_media")
      .innerJoin("uploads", "uploads.id", "post_media.upload_id")
      .select([
        "uploads.path",
        "post_media.media_type",
        "post_media.description",
        "post_media.width",
        "post_media.height",
      ])
      .where("post_id", "=", postId)
      .orderBy("position")
      .execute(),
    db.selectFrom("polls").selectAll().where("post_id", "=", postId).executeTakeFirst(),
  ]);
  return { post, mentions, tags, media, poll };
}
export type LocalPost = NonNullable<Awaited<ReturnType<typeof loadLocalPost>>>;

/** to / cc of a post (and of its Create, Update and Delete). */
export function addressing(ctx: Context<void>, p: LocalPost): { tos: URL[]; ccs: URL[] } {
  const followers = ctx.getFollowersUri(p.post.username);
  const mentioned = p.mentions.filter((m) => m.silent === 0).map((m) => new URL(m.actor_uri));
  switch (p.post.visibility) {
    case "public":
      return { tos: [PUBLIC_COLLECTION], ccs: [followers, ...mentioned] };
    case "unlisted":
      return { tos: [followers], ccs: [PUBLIC_COLLECTION, ...mentioned] };
    case "followers":
      return { tos: [followers], ccs: mentioned };
    default:
      return { tos: mentioned, ccs: [] };
  }
}

export function postObject(ctx: Context<void>, origin: string, p: LocalPost): Note | Question {
  const { post } = p;
  const common = {
    id: new URL(post.uri),
    attribution: ctx.getActorUri(post.username),
    url: post.url ? new URL(post.url) : null,
    content: post.content_html,
    summary: post.spoiler || null,
    sensitive: post.sensitive === 1,
    published: instant(post.created_at),
    updated: post.edited_at ? instant(post.edited_at) : null,
    replyTarget: post.in_reply_to_uri ? new URL(post.in_reply_to_uri) : null,
    tags: [
      ...p.mentions
        .filter((m) => m.silent === 0)
        .map((m) => new Mention({ href: new URL(m.actor_uri), name: m.handle })),
      ...p.tags.map(
        (t) =>
          new Hashtag({
            href: new URL(tagUrl(origin, t.tag)),
            name: `#${t.tag}`,
          }),
      ),
    ],
    attachments: p.media.map(
      (m) =>
        new Document({
          url: new URL(`/media/${m.path}`, origin),
          mediaType: m.media_type,
          name: m.description || null,
          width: m.width,
          height: m.height,
        }),
    ),
    ...addressing(ctx, p),
  };
  if (!p.poll) return new Note(common);
  const options = parseOptions(p.poll.options).map(
    (o) => new Note({ name: o.title, replies: new Collection({ totalItems: o.votes }) }),
  );
  // Closed means closed_at or a past expires_at, so one of the two is the closing time.
  const closedAt = isClosed(p.poll) ? (p.poll.closed_at ?? p.poll.expires_at) : null;
  return new Question({
    ...common,
    ...(p.poll.multiple ? { inclusiveOptions: options } : { exclusiveOptions: options }),
    endTime: p.poll.expires_at ? instant(p.poll.expires_at) : null,
    closed: closedAt ? instant(closedAt) : null,
    voters: p.poll.voters_count,
  });
}
