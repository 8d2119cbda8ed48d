/**
 * Posts as pages (and later the client API) show them: author, content, media,
 * poll, counts, and what the viewer did (liked, boosted, bookmarked, voted).
 * Hydrates a page of post ids in a fixed number of queries, whatever its size.
 */
import { type Kysely, sql } from "kysely";
import { prepared } from "../db/prepared.ts";
import type { PostKind, Visibility } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import { memoize } from "../kernel/memo.ts";
import { mediaUrl } from "../storage/images.ts";
import { remoteMediaUrl } from "../storage/remote-media.ts";
import { mediaQuery } from "./api-support.ts";
import type { SocialContext } from "./context.ts";
import { domainPattern } from "./moderation.ts";
import { isClosed, type PollOption, parseOptions } from "./polls.ts";
import { canSee, type PostAudience, type ViewerRef } from "./visibility.ts";

export interface AuthorView {
  uri: string;
  name: string;
  handle: string;
  /** Where a person opens the profile: their page here (/@user, or /@user@host for a remote person). */
  url: string;
  /** A remote person's profile on their own server ("open on their server"); null for a member. */
  remoteUrl: string | null;
  avatarUrl: string | null;
  local: boolean;
  username: string | null;
}

export interface MediaView {
  /** The attachment's row, as the client API names it (its upload's id when ours). */
  id: string;
  uploadId: string | null;
  path: string | null;
  remoteUrl: string | null;
  focus: string | null;
  url: string;
  mediaType: string;
  description: string;
  width: number | null;
  height: number | null;
}

export interface ReplyToView {
  /** The answered post's author, as @username (the host left out: it is in `handle`). */
  shortHandle: string;
  handle: string;
  /** Where the answered post is read here. */
  postUrl: string;
}

export interface PollView {
  options: PollOption[];
  multiple: boolean;
  votersCount: number;
  expiresAt: string | null;
  closed: boolean;
  ownVotes: number[];
}

export interface PostView {
  id: string;
  uri: string;
  url: string;
  author: AuthorView;
  kind: PostKind;
  /** A thread's or an article's title ("" for a note). */
  title: string;
  summary: string;
  /** The group the post was written in (group_id: hosted here), or null. */
  audience: { uri: string; groupId: string | null } | null;
  hiddenAt: string | null;
  visibility: Visibility;
  contentHtml: string;
  spoiler: string;
  sensitive: boolean;
  language: string | null;
  inReplyToId: string | null;
  inReplyToUri: string | null;
  /** Whom a reply answers, when we hold the post it answers ("Replying to @bruno"). */
  replyTo: ReplyToView | null;
  /** Links of the people the content mentions, each to their page here (mention href → path). */
  mentionPaths: Record<string, string>;
  threadId: string;
  createdAt: string;
  editedAt: string | null;
  repliesCount: number;
  reblogsCount: number;
  likesCount: number;
  media: MediaView[];
  poll: PollView | null;
  liked: boolean;
  reblogged: boolean;
  bookmarked: boolean;
  pinned: boolean;
  /** Set on a boost: the post boosted (the outer view is the booster's). */
  reblog: PostView | null;
}

// A remote address's local path is a hash of it: computed once per address, not per
// appearance on every page (a pure function of the address).
const remoteMedia = memoize(remoteMediaUrl, 4000);

/** An attachment's link: our upload's file, or the cached copy of a remote one (attachmentUrl). */
const mediaLink = (m: { path: string | null; remote_url: string | null }) =>
  m.path ? mediaUrl(m.path) : m.remote_url ? remoteMedia(m.remote_url) : "";

const columns = [
  "p.id",
  "p.uri",
  "p.url",
  "p.author_uri",
  "p.author_account_id",
  "p.local",
  "p.visibility",
  "p.in_reply_to_id",
  "p.in_reply_to_uri",
  "p.thread_id",
  "p.reblog_of_id",
  "p.content_html",
  "p.spoiler",
  "p.sensitive",
  "p.language",
  "p.has_poll",
  "p.replies_count",
  "p.reblogs_count",
  "p.likes_count",
  "p.created_at",
  "p.edited_at",
  "p.deleted_at",
  "p.kind",
  "p.title",
  "p.summary",
  "p.audience_uri",
  "p.group_id",
  "p.hidden_at",
  "g.name as group_name",
  "a.username",
  "a.display_name",
  "av.path as avatar_path",
  "r.handle as r_handle",
  "r.name as r_name",
  "r.url as r_url",
  "r.avatar_url as r_avatar",
] as const;

const rowsQuery = (db: Kysely<Schema>, a: { ids: readonly string[] }) =>
  db
    .selectFrom("posts as p")
    .leftJoin("accounts as a", "a.id", "p.author_account_id")
    .leftJoin("uploads as av", "av.id", "a.avatar_id")
    .leftJoin("remote_actors as r", "r.id", "p.author_remote_id")
    .leftJoin("groups as g", "g.id", "p.group_id")
    .select(columns)
    // The posts and those they boost: a union, whose halves each walk the primary key
    // (an OR of the two made PostgreSQL scan every post).
    .where("p.id", "in", (eb) =>
      eb
        .selectFrom("posts as b")
        .select("b.id")
        .where("b.id", "in", a.ids)
        .unionAll(
          eb
            .selectFrom("posts as c")
            .select(sql<string>`${sql.ref("c.reblog_of_id")}`.as("id"))
            .where("c.id", "in", a.ids)
            .where("c.reblog_of_id", "is not", null),
        ),
    );
type Row = Awaited<ReturnType<ReturnType<typeof rowsQuery>["execute"]>>[number];
// The queries of every page, built and compiled once (db/prepared.ts).
const loadRowsOf = prepared(rowsQuery);
const loadRows = (db: Kysely<Schema>, ids: string[]) => loadRowsOf(db, { ids });
const pollsOf = prepared((db, a: { ids: readonly string[] }) =>
  db.selectFrom("polls").selectAll().where("post_id", "in", a.ids),
);
const likedOf = prepared((db, a: { viewer: string; ids: readonly string[] }) =>
  db
    .selectFrom("likes")
    .select("post_id")
    .where("actor_uri", "=", a.viewer)
    .where("post_id", "in", a.ids),
);
const boostedOf = prepared((db, a: { viewer: string; ids: readonly string[] }) =>
  db
    .selectFrom("posts")
    .select("reblog_of_id")
    .where("author_uri", "=", a.viewer)
    .where("reblog_of_id", "in", a.ids),
);
const bookmarkedOf = prepared((db, a: { viewer: string; ids: readonly string[] }) =>
  db
    .selectFrom("bookmarks")
    .select("post_id")
    .where("account_id", "=", a.viewer)
    .where("post_id", "in", a.ids),
);
const pinnedOf = prepared((db, a: { ids: readonly string[] }) =>
  db.selectFrom("pins").select("post_id").where("post_id", "in", a.ids),
);
const votesOf = prepared((db, a: { viewer: string; ids: readonly string[] }) =>
  db
    .selectFrom("poll_votes")
    .select(["post_id", "choice"])
    .where("voter_uri", "=", a.viewer)
    .where("post_id", "in", a.ids),
);

/** A remote person's page here, from their handle (user@host); null for a handle we cannot link. */
export function personPath(handle: string): string | null {
  const at = handle.indexOf("@");
  const user = handle.slice(0, at);
  const host = handle.slice(at + 1);
  return at > 0 && /^[A-Za-z0-9_.~-]{1,64}$/.test(user) && domainPattern.test(host.toLowerCase())
    ? `/@${handle}`
    : null;
}

function author(s: SocialContext, r: Row): AuthorView {
  if (r.username)
    return {
      uri: r.author_uri,
      name: r.display_name || r.username,
      handle: `@${r.username}@${s.domain}`,
      url: `/@${r.username}`,
      remoteUrl: null,
      avatarUrl: r.avatar_path ? mediaUrl(r.avatar_path) : null,
      local: true,
      username: r.username,
    };
  const remoteUrl = r.r_url ?? r.author_uri;
  return {
    uri: r.author_uri,
    name: r.r_name || r.r_handle || r.author_uri,
    handle: r.r_handle ? `@${r.r_handle}` : r.author_uri,
    url: (r.r_handle && personPath(r.r_handle)) || remoteUrl,
    remoteUrl,
    avatarUrl: r.r_avatar ? remoteMedia(r.r_avatar) : null,
    local: false,
    username: null,
  };
}

/** Whom each reply answers (one query for the page): parent post id → view. */
async function repliedTo(s: SocialContext, rows: Row[]): Promise<Map<string, ReplyToView>> {
  const parents = [...new Set(rows.flatMap((r) => (r.in_reply_to_id ? [r.in_reply_to_id] : [])))];
  const out = new Map<string, ReplyToView>();
  if (parents.length === 0) return out;
  const found = await s.db
    .selectFrom("posts as p")
    .leftJoin("accounts as a", "a.id", "p.author_account_id")
    .leftJoin("remote_actors as r", "r.id", "p.author_remote_id")
    .leftJoin("groups as g", "g.id", "p.group_id")
    .select([...pageColumns, "r.handle as r_handle", "r.username as r_username"])
    .where("p.id", "in", parents)
    .where("p.deleted_at", "is", null)
    .execute();
  for (const p of found) {
    const name = p.username ?? p.r_username;
    if (!name) continue;
    out.set(p.id, {
      shortHandle: `@${name}`,
      handle: p.username ? `@${p.username}@${s.domain}` : `@${p.r_handle}`,
      postUrl: pagePath(p) ?? `/posts/${p.id}`,
    });
  }
  return out;
}

/**
 * Where each post's mention links lead here (one query for the page): the href
 * the content carries (a remote person's url or id, a member's address) → their
 * page on this node.
 */
async function mentionLinks(
  s: SocialContext,
  ids: string[],
): Promise<Map<string, Record<string, string>>> {
  const rows = await s.db
    .selectFrom("post_mentions as m")
    .leftJoin("accounts as a", "a.id", "m.account_id")
    .leftJoin("remote_actors as r", "r.id", "m.remote_id")
    .select(["m.post_id", "m.actor_uri", "a.username", "r.handle as r_handle", "r.url as r_url"])
    .where("m.post_id", "in", ids)
    .execute();
  const out = new Map<string, Record<string, string>>();
  for (const m of rows) {
    const path = m.username ? `/@${m.username}` : m.r_handle ? personPath(m.r_handle) : null;
    if (!path) continue;
    const links = out.get(m.post_id) ?? {};
    for (const href of [m.actor_uri, m.r_url, m.username ? `${s.origin}/@${m.username}` : null])
      if (href) links[href] = path;
    out.set(m.post_id, links);
  }
  return out;
}

/**
 * Where a person reads a post here: a group post in its thread's page (a group
 * hosted here, or one elsewhere a member belongs to), a member's post on their
 * profile; null for a remote post outside groups (read at its own address).
 */
export function pagePath(p: {
  id: string;
  thread_id: string;
  audience_uri: string | null;
  group_name: string | null;
  local: number;
  username: string | null;
}): string | null {
  if (p.audience_uri)
    return p.group_name
      ? `/groups/${p.group_name}/threads/${p.thread_id}#p-${p.id}`
      : `/groups/elsewhere/threads/${p.thread_id}#p-${p.id}`;
  return p.local && p.username ? `/@${p.username}/${p.id}` : null;
}

/** What pagePath reads of a post (posts as p, accounts as a, groups as g). */
const pageColumns = [
  "p.id",
  "p.thread_id",
  "p.audience_uri",
  "g.name as group_name",
  "p.local",
  "a.username",
] as const;

/** pagePath for a post known by its id. */
export async function pagePathOf(db: Kysely<Schema>, id: string): Promise<string | null> {
  const row = await db
    .selectFrom("posts as p")
    .leftJoin("accounts as a", "a.id", "p.author_account_id")
    .leftJoin("groups as g", "g.id", "p.group_id")
    .select(pageColumns)
    .where("p.id", "=", id)
    .executeTakeFirst();
  return row ? pagePath(row) : null;
}

/** Views of the posts with these ids, in the order given; deleted ones are left out. */
export async function hydrate(
  s: SocialContext,
  viewerId: string | null,
  viewerUri: string | null,
  ids: string[],
): Promise<PostView[]> {
  if (ids.length === 0) return [];
  // The posts and those they boost, in one query.
  const all = await loadRows(s.db, ids);
  // None of the ids exist: stop here (an empty IN () is a syntax error on PostgreSQL).
  if (all.length === 0) return [];
  const allIds = all.map((r) => r.id);
  const page = { ids: allIds };
  const mine = (viewer: string | null) => (viewer ? { viewer, ids: allIds } : null);
  const [ofUri, ofId] = [mine(viewerUri), mine(viewerId)];
  const [media, polls, likes, boosts, bookmarks, pins, votes, replies, mentions] =
    await Promise.all([
      mediaQuery(s.db, page),
      pollsOf(s.db, page),
      ofUri ? likedOf(s.db, ofUri) : [],
      ofUri ? boostedOf(s.db, ofUri) : [],
      ofId ? bookmarkedOf(s.db, ofId) : [],
      pinnedOf(s.db, page),
      ofUri ? votesOf(s.db, ofUri) : [],
      repliedTo(s, all),
      mentionLinks(s, allIds),
    ]);
  const liked = new Set(likes.map((l) => l.post_id));
  const boosted = new Set(boosts.map((b) => b.reblog_of_id));
  const marked = new Set(bookmarks.map((b) => b.post_id));
  const pinned = new Set(pins.map((p) => p.post_id));
  const view = (r: Row): PostView => {
    const poll = polls.find((p) => p.post_id === r.id);
    return {
      id: r.id,
      uri: r.uri,
      url: pagePath(r) ?? r.url ?? r.uri,
      author: author(s, r),
      kind: r.kind,
      title: r.title,
      summary: r.summary,
      audience: r.audience_uri ? { uri: r.audience_uri, groupId: r.group_id } : null,
      hiddenAt: r.hidden_at,
      visibility: r.visibility,
      contentHtml: r.content_html,
      spoiler: r.spoiler,
      sensitive: r.sensitive === 1,
      language: r.language,
      inReplyToId: r.in_reply_to_id,
      inReplyToUri: r.in_reply_to_uri,
      replyTo: (r.in_reply_to_id && replies.get(r.in_reply_to_id)) || null,
      mentionPaths: mentions.get(r.id) ?? {},
      threadId: r.thread_id,
      createdAt: r.created_at,
      editedAt: r.edited_at,
      repliesCount: r.replies_count,
      reblogsCount: r.reblogs_count,
      likesCount: r.likes_count,
      media: media
        .filter((m) => m.post_id === r.id)
        .map((m) => ({
          id: m.id,
          uploadId: m.upload_id,
          path: m.path,
          remoteUrl: m.remote_url,
          focus: m.focus,
          url: mediaLink(m),
          mediaType: m.media_type,
          description: m.description,
          width: m.width,
          height: m.height,
        })),
      poll: poll
        ? {
            options: parseOptions(poll.options),
            multiple: poll.multiple === 1,
            votersCount: poll.voters_count,
            expiresAt: poll.expires_at,
            closed: isClosed(poll),
            ownVotes: votes.filter((v) => v.post_id === r.id).map((v) => v.choice),
          }
        : null,
      liked: liked.has(r.id),
      reblogged: boosted.has(r.id),
      bookmarked: marked.has(r.id),
      pinned: pinned.has(r.id),
      reblog: null,
    };
  };
  const byId = new Map(all.map((r) => [r.id, r]));
  const out: PostView[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r || r.deleted_at) continue;
    const v = view(r);
    if (r.reblog_of_id) {
      const target = byId.get(r.reblog_of_id);
      if (!target || target.deleted_at) continue;
      v.reblog = view(target);
    }
    out.push(v);
  }
  return out;
}

/** What canSee needs, from a view (hydrate leaves deleted posts out). */
export const audienceOf = (v: PostView): PostAudience => ({
  id: v.id,
  visibility: v.visibility,
  author_uri: v.author.uri,
  deleted_at: null,
  audience_uri: v.audience?.uri ?? null,
  group_id: v.audience?.groupId ?? null,
  hidden_at: v.hiddenAt,
  thread_id: v.threadId,
});

/** Views of those of these posts the viewer may see (a boost: the boost and what it boosts), in the order given. */
export async function visiblePosts(
  s: SocialContext,
  viewer: ViewerRef | null,
  ids: string[],
): Promise<PostView[]> {
  const views = await hydrate(s, viewer?.id ?? null, viewer?.uri ?? null, ids);
  const out: PostView[] = [];
  for (const v of views) {
    const seen = [v, ...(v.reblog ? [v.reblog] : [])];
    let ok = true;
    for (const x of seen) ok &&= await canSee(s.db, viewer, audienceOf(x));
    if (ok) out.push(v);
  }
  return out;
}
