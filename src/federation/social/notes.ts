/**
 * Our posts as ActivityStreams objects — the one converter, for timeline posts
 * and group posts alike — addressed as Mastodon addresses them:
 * public → to Public, cc followers; unlisted → to followers, cc Public;
 * followers-only → to followers; direct → to those mentioned; the mentioned
 * are always cc'd and tagged as Mention, hashtags tagged as Hashtag. A content
 * warning is `summary` with `sensitive`; images are Documents whose `name` is
 * the alt text. A post with a poll is a Question (oneOf / anyOf options as Notes
 * with `name` and `replies.totalItems`, endTime, closed, votersCount).
 *
 * A group post (its audience is a Group, FEP-1b12) is shaped as Lemmy reads it:
 * a thread is a Page with `name` (its title; with a poll, a Question with
 * `name`), an article an Article, a reply a Note with `inReplyTo`; `audience` is
 * the Group, which is in `to` (with Public for a public group) and its followers
 * (the members) in `cc`, with the mentioned.
 */
import type { Context } from "@fedify/fedify";
import {
  Article,
  Collection,
  Create,
  Document,
  Hashtag,
  Image,
  Mention,
  Note,
  Page,
  PUBLIC_COLLECTION,
  Question,
} from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { tagUrl } from "../../kernel/uris.ts";
import { isClosed, parseOptions } from "../../social/polls.ts";
import { decisionPollOf } from "../decisions/question.ts";

export const instant = (iso: string) =>
  Temporal.Instant.from(iso) as unknown as globalThis.Temporal.Instant;

export async function loadLocalPost(db: Kysely<Schema>, postId: string) {
  const post = await db
    .selectFrom("posts")
    .innerJoin("accounts", "accounts.id", "posts.author_account_id")
    // The Group's followers collection (its members), for a group elsewhere as it said.
    .leftJoin("remote_actors as g", "g.uri", "posts.audience_uri")
    .selectAll("posts")
    .select(["accounts.username", "g.followers_url as audience_followers"])
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
  // A poll-shaped decision in the thread goes out as its poll (federation/decisions/question.ts).
  return { post, mentions, tags, media, poll: poll ?? (await decisionPollOf(db, postId)) };
}
export type LocalPost = NonNullable<Awaited<ReturnType<typeof loadLocalPost>>>;

/** The Group a post is written in and its followers (members), or null. */
export function audienceOf(p: LocalPost): { group: URL; followers: URL | null } | null {
  const uri = p.post.audience_uri;
  if (!uri) return null;
  // A group hosted here: its followers collection is served at …/followers (groups/serve.ts).
  const followers = p.post.group_id ? `${uri}/followers` : p.post.audience_followers;
  return { group: new URL(uri), followers: followers ? new URL(followers) : null };
}

/** to / cc of a post (and of its Create, Update and Delete). */
export function addressing(ctx: Context<void>, p: LocalPost): { tos: URL[]; ccs: URL[] } {
  const mentioned = p.mentions.filter((m) => m.silent === 0).map((m) => new URL(m.actor_uri));
  const audience = audienceOf(p);
  if (audience) {
    // FEP-1b12 / Lemmy: the Group in `to` (Public too for a public group), its members in cc.
    const open = p.post.visibility === "public" || p.post.visibility === "unlisted";
    return {
      tos: [audience.group, ...(open ? [PUBLIC_COLLECTION] : [])],
      ccs: [...(audience.followers ? [audience.followers] : []), ...mentioned],
    };
  }
  const followers = ctx.getFollowersUri(p.post.username);
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

export type PostObject = Note | Page | Article | Question;

export function postObject(ctx: Context<void>, origin: string, p: LocalPost): PostObject {
  const { post } = p;
  const audience = audienceOf(p);
  // A reply is a Note (Lemmy's comment); a thread keeps its kind and title.
  const titled = post.kind !== "note" && !post.in_reply_to_uri;
  const article = titled && post.kind === "article";
  const common = {
    id: new URL(post.uri),
    attribution: ctx.getActorUri(post.username),
    // A group post links to itself, as before the one model (Lemmy reads a Page's url as a link post's);
    // an article links to its public page, which is what Mastodon shows under its title.
    url: audience && !article ? new URL(post.uri) : post.url ? new URL(post.url) : null,
    content: post.content_html,
    // An article's summary is its standfirst (articles have no content warning).
    summary: article ? post.summary || null : post.spoiler || null,
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
    audience: audience?.group ?? null,
    name: titled ? post.title || null : null,
    // Lemmy reads `mediaType` to tell HTML from Markdown.
    mediaType: audience ? "text/html" : null,
    ...addressing(ctx, p),
  };
  if (!p.poll) {
    if (article) {
      // The cover (the first attachment, media/publish.ts) is also the Article's image.
      const cover = p.media[0];
      const image = cover
        ? new Image({
            url: new URL(`/media/${cover.path}`, origin),
            mediaType: cover.media_type,
            name: cover.description || null,
          })
        : null;
      return new Article({ ...common, image });
    }
    if (titled) return new Page(common);
    return new Note(common);
  }
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

/** The author's Create of a post (its id derived from the post's, so a re-send is a repeat). */
export function createOf(ctx: Context<void>, origin: string, p: LocalPost): Create {
  const object = postObject(ctx, origin, p);
  return new Create({
    id: new URL(`${p.post.uri}/activity`),
    actor: ctx.getActorUri(p.post.username),
    object,
    audience: audienceOf(p)?.group ?? null,
    published: instant(p.post.created_at),
    ...addressing(ctx, p),
  });
}
