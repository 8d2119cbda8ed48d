/**
 * The part of a Status that is the same for every viewer and changes only when
 * the post is edited — content, media, tags, urls, reply id, language — kept as
 * JSON text per post (issue 24), with the post's stamp: its edit time (or
 * creation), the post it answers and its title, the columns that change it
 * without an edit (a remote parent found later, a decision's thread retitled).
 * The stamp is read with the page, so a kept fragment is right whichever process
 * wrote the post. What changes without an edit — the author's Account, the
 * mentioned accounts, the counts, the poll, the viewer's flags, filters — is
 * joined to it per request (status-json.ts), from the ids kept beside the text.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { StampedCache } from "../kernel/stamped-cache.ts";
import { tagUrl } from "../kernel/uris.ts";
import { authorsOf, mentionsOf, tagsOf } from "../social/api-support.ts";
import type { SocialContext } from "../social/context.ts";
import { hydrate, type PostView } from "../social/views.ts";
import type { AccountLoader } from "./serializers/account.ts";
import { contentOf, mediaRow, serializeMedia, toMastodonVisibility } from "./serializers/status.ts";

export interface StatusFragment {
  /** `{"id":…` up to `edited_at`, without the closing brace. */
  head: string;
  authorUri: string;
  /** The accounts the content mentions (not silent ones), in order. */
  mentionUris: string[];
  /** The author of the post this one answers, for in_reply_to_account_id. */
  replyAuthorUri: string | null;
  /** What keyword filters read (filter-matching.ts), but the poll's options (read per request). */
  contentHtml: string;
  spoiler: string;
  mediaDescriptions: string[];
}

/** What a row's fragment is kept against: every column that changes the fragment. */
export const stampOf = (r: {
  created_at: string;
  edited_at: string | null;
  in_reply_to_id: string | null;
  title: string;
}) => `${r.edited_at ?? r.created_at}\n${r.in_reply_to_id ?? ""}\n${r.title}`;

// Bounded by entries and by each entry's size: ~1–2 KB a post, so some 3–6 MB
// (24 MB at the very most); a post whose fragment is longer is built each time.
const MAX_ENTRIES = 3000;
const MAX_HEAD_CHARS = 8_000;

const caches = new WeakMap<Kysely<Schema>, StampedCache<StatusFragment>>();

/** The fragments of one node (a process may hold several, as the tests do). */
export function fragmentCache(db: Kysely<Schema>): StampedCache<StatusFragment> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new StampedCache(MAX_ENTRIES);
    caches.set(db, cache);
  }
  return cache;
}

/** A post's fragment from its view, with its mentions, tags and the author it answers. */
function fragmentOf(
  origin: string,
  v: PostView,
  extra: { mentionUris: string[]; tags: string[]; replyAuthorUri: string | null },
): StatusFragment {
  // A boost shows no content or media of its own: the boosted status carries them.
  const boost = v.reblog !== null;
  const head = {
    id: v.id,
    uri: v.uri,
    url: v.url.startsWith("/") ? `${origin}${v.url}` : v.url,
    created_at: new Date(v.createdAt).toISOString(),
    content: boost ? "" : contentOf(v),
    visibility: toMastodonVisibility(v.visibility),
    sensitive: v.sensitive,
    spoiler_text: v.spoiler,
    media_attachments: boost ? [] : v.media.map((m) => serializeMedia(origin, mediaRow(m))),
    application: null,
    tags: extra.tags.map((t) => ({ name: t, url: tagUrl(origin, t) })),
    emojis: [],
    in_reply_to_id: v.inReplyToId,
    card: null,
    language: v.language,
    text: null,
    edited_at: v.editedAt ? new Date(v.editedAt).toISOString() : null,
  };
  return {
    head: JSON.stringify(head).slice(0, -1),
    authorUri: v.author.uri,
    mentionUris: extra.mentionUris,
    replyAuthorUri: extra.replyAuthorUri,
    contentHtml: v.contentHtml,
    spoiler: v.spoiler,
    mediaDescriptions: v.media.map((m) => m.description),
  };
}

/**
 * Fragments for posts not kept (or kept with another stamp), built from their
 * views in hydrate's fixed number of queries and kept with their stamps. A
 * deleted post, or a boost of one, gets none.
 */
export async function buildFragments(
  s: SocialContext,
  l: AccountLoader,
  stamps: Map<string, string>,
): Promise<Map<string, StatusFragment>> {
  const out = new Map<string, StatusFragment>();
  if (stamps.size === 0) return out;
  const views = await hydrate(s, null, null, [...stamps.keys()]);
  if (views.length === 0) return out;
  const ids = views.map((v) => v.id);
  const replyIds = views.flatMap((v) => (v.inReplyToId ? [v.inReplyToId] : []));
  const [mentions, tags, parents] = await Promise.all([
    mentionsOf(l.db, ids),
    tagsOf(l.db, ids),
    authorsOf(l.db, replyIds),
  ]);
  const cache = fragmentCache(l.db);
  for (const v of views) {
    const fragment = fragmentOf(l.origin, v, {
      mentionUris: mentions.filter((m) => m.post_id === v.id).map((m) => m.actor_uri),
      tags: tags.filter((t) => t.post_id === v.id).map((t) => t.tag),
      replyAuthorUri: parents.find((p) => p.id === v.inReplyToId)?.author_uri ?? null,
    });
    out.set(v.id, fragment);
    const stamp = stamps.get(v.id);
    if (stamp !== undefined && fragment.head.length <= MAX_HEAD_CHARS)
      cache.set(v.id, stamp, fragment);
  }
  return out;
}
