/**
 * Status (docs.joinmastodon.org/entities/Status), with its MediaAttachment, Poll,
 * Mention and Tag, from the social capability's PostViews. A page of posts is
 * serialized in a fixed number of queries. Our "followers" visibility is
 * Mastodon's "private".
 */
import type { Visibility } from "../../db/schema/social.ts";
import { tagUrl } from "../../kernel/uris.ts";
import { authorsOf, mentionsOf, tagsOf } from "../../social/api-support.ts";
import { escapeHtml } from "../../social/content.ts";
import type { MediaView, PostView } from "../../social/views.ts";
import { attachmentUrl } from "../../storage/remote-media.ts";
import { type AccountLoader, type ApiAccount, loadAccounts } from "./account.ts";
import { decisionPollsOf } from "./decision.ts";

export const toMastodonVisibility = (v: Visibility) => (v === "followers" ? "private" : v);
export const fromMastodonVisibility = (v: string): Visibility | null =>
  v === "private" ? "followers" : v === "public" || v === "unlisted" || v === "direct" ? v : null;

/** A post's attachment as hydrate read it (views.ts), in the columns serializeMedia takes. */
export const mediaRow = (m: MediaView) => ({
  id: m.id,
  upload_id: m.uploadId,
  path: m.path,
  remote_url: m.remoteUrl,
  media_type: m.mediaType,
  description: m.description,
  width: m.width,
  height: m.height,
  focus: m.focus,
});
type MediaRow = ReturnType<typeof mediaRow>;

/** "x,y" as stored, to Mastodon's meta.focus (the centre when unset). */
function focusOf(focus: string | null | undefined) {
  const [x = 0, y = 0] = (focus ?? "").split(",").map(Number);
  return { x: Number.isFinite(x) ? x : 0, y: Number.isFinite(y) ? y : 0 };
}

export function serializeMedia(
  origin: string,
  m: {
    upload_id?: string | null;
    id: string;
    path: string | null;
    remote_url: string | null;
    media_type: string;
    description: string;
    width: number | null;
    height: number | null;
    focus?: string | null;
  },
) {
  const link = attachmentUrl(m);
  const url = link ? `${origin}${link}` : "";
  const meta =
    m.width && m.height
      ? {
          original: {
            width: m.width,
            height: m.height,
            size: `${m.width}x${m.height}`,
            aspect: m.width / m.height,
          },
        }
      : {};
  return {
    id: m.upload_id ?? m.id,
    type: m.media_type.startsWith("image/")
      ? m.media_type === "image/gif"
        ? "gifv"
        : "image"
      : m.media_type.startsWith("video/")
        ? "video"
        : m.media_type.startsWith("audio/")
          ? "audio"
          : "unknown",
    url,
    preview_url: url,
    remote_url: m.path ? null : m.remote_url,
    text_url: null,
    meta: { ...meta, focus: focusOf(m.focus) },
    description: m.description || null,
    blurhash: null,
  };
}

/** A Poll entity; totals are null when hidden (a decision's, until it closes). */
export interface ApiPoll {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number | null;
  voters_count: number | null;
  options: { title: string; votes_count: number | null }[];
  emojis: never[];
  voted?: boolean;
  own_votes?: number[];
}

export function serializePoll(id: string, poll: NonNullable<PostView["poll"]>, signedIn: boolean) {
  return {
    id,
    expires_at: poll.expiresAt,
    expired: poll.closed,
    multiple: poll.multiple,
    votes_count: poll.options.reduce((n, o) => n + o.votes, 0),
    voters_count: poll.multiple ? poll.votersCount : poll.votersCount,
    options: poll.options.map((o) => ({ title: o.title, votes_count: o.votes })),
    emojis: [],
    ...(signedIn ? { voted: poll.ownVotes.length > 0, own_votes: poll.ownVotes } : {}),
  };
}

/**
 * A group thread's (or an article's) title goes first in the content, as Mastodon
 * shows a Lemmy post: it turns the Page's `name` into a heading, which its
 * sanitizer keeps as `<p><strong>…</strong></p>`. Not `spoiler_text`, which every
 * app would show as a content warning hiding the post behind a button.
 */
export const contentOf = (v: PostView) =>
  v.title ? `<p><strong>${escapeHtml(v.title)}</strong></p>${v.contentHtml}` : v.contentHtml;

export type ApiStatus = ReturnType<typeof build>;

function build(
  origin: string,
  v: PostView,
  account: ApiAccount,
  extra: {
    media: MediaRow[];
    mentions: { id: string; username: string; url: string; acct: string }[];
    tags: string[];
    replyAccountId: string | null;
    signedIn: boolean;
    /** The Poll of a poll-shaped decision this post is the thread of (decision.ts). */
    decisionPoll?: ApiPoll | null;
  },
  reblog: unknown,
) {
  return {
    id: v.id,
    uri: v.uri,
    url: v.url.startsWith("/") ? `${origin}${v.url}` : v.url,
    created_at: new Date(v.createdAt).toISOString(),
    account,
    content: contentOf(v),
    visibility: toMastodonVisibility(v.visibility),
    sensitive: v.sensitive,
    spoiler_text: v.spoiler,
    media_attachments: extra.media.map((m) => serializeMedia(origin, m)),
    application: null,
    mentions: extra.mentions,
    tags: extra.tags.map((t) => ({ name: t, url: tagUrl(origin, t) })),
    emojis: [],
    reblogs_count: v.reblogsCount,
    favourites_count: v.likesCount,
    replies_count: v.repliesCount,
    in_reply_to_id: v.inReplyToId,
    in_reply_to_account_id: extra.replyAccountId,
    reblog,
    poll: (v.poll
      ? serializePoll(v.id, v.poll, extra.signedIn)
      : (extra.decisionPoll ?? null)) as ApiPoll | null,
    card: null,
    language: v.language,
    text: null as string | null,
    edited_at: v.editedAt ? new Date(v.editedAt).toISOString() : null,
    filtered: [],
    ...(extra.signedIn
      ? {
          favourited: v.liked,
          reblogged: v.reblogged,
          muted: false,
          bookmarked: v.bookmarked,
          pinned: v.pinned,
        }
      : {}),
  };
}

/** Statuses for post views, in order; a view whose author is unknown is left out. */
export async function serializeStatuses(
  l: AccountLoader,
  views: PostView[],
  signedIn: boolean,
): Promise<ApiStatus[]> {
  const all = views.flatMap((v) => (v.reblog ? [v, v.reblog] : [v]));
  const ids = all.map((v) => v.id);
  const replyIds = all.flatMap((v) => (v.inReplyToId ? [v.inReplyToId] : []));
  // Attachments came with the views (hydrate): no second query for them.
  const [mentions, tags, parents, decisionPolls] = await Promise.all([
    mentionsOf(l.db, ids),
    tagsOf(l.db, ids),
    authorsOf(l.db, replyIds),
    // A poll-shaped decision is its thread's poll (docs/api.md, "Decisions").
    decisionPollsOf(
      l.db,
      all.filter((v) => !v.poll && !v.inReplyToId && v.title).map((v) => v.id),
    ),
  ]);
  const accounts = await loadAccounts(l, [
    ...all.map((v) => v.author.uri),
    ...mentions.map((m) => m.actor_uri),
    ...parents.map((p) => p.author_uri),
  ]);
  const one = (v: PostView, reblog: unknown): ApiStatus | null => {
    const account = accounts.get(v.author.uri);
    if (!account) return null;
    const parent = parents.find((p) => p.id === v.inReplyToId);
    return build(
      l.origin,
      v,
      account,
      {
        media: v.media.map(mediaRow),
        mentions: mentions
          .filter((m) => m.post_id === v.id)
          .flatMap((m) => {
            const a = accounts.get(m.actor_uri);
            return a ? [{ id: a.id, username: a.username, url: a.url, acct: a.acct }] : [];
          }),
        tags: tags.filter((t) => t.post_id === v.id).map((t) => t.tag),
        replyAccountId: parent ? (accounts.get(parent.author_uri)?.id ?? null) : null,
        signedIn,
        decisionPoll: decisionPolls.get(v.id) ?? null,
      },
      reblog,
    );
  };
  const out: ApiStatus[] = [];
  for (const v of views) {
    if (v.reblog) {
      const inner = one(v.reblog, null);
      if (!inner) continue;
      const outer = one(v, inner);
      if (outer)
        out.push({ ...outer, content: "", media_attachments: [], poll: null, reblog: inner });
    } else {
      const s = one(v, null);
      if (s) out.push(s);
    }
  }
  return out;
}
