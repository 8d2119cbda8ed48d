/**
 * Remote Notes, Articles and Questions to the plain data the social capability
 * stores. Visibility is read from the addressing as Mastodon reads it: Public in
 * `to` → public; in `cc` → unlisted; the author's followers → followers-only;
 * otherwise direct. Anything missing or malformed becomes an empty value.
 */
import type { Context } from "@fedify/fedify";
import {
  type Object as APObject,
  Article,
  Collection,
  Document,
  Hashtag,
  Image,
  Link,
  Mention,
  type Note,
  type Page,
  PUBLIC_COLLECTION,
  Question,
} from "@fedify/vocab";
import type { Clock } from "../../kernel/clock.ts";
import type { RemotePostInput } from "../../social/remote-posts.ts";
import type { RemoteActor } from "../remote-actors.ts";
import {
  embeddedOnly,
  MAX_REMOTE_ATTACHMENTS,
  MAX_REMOTE_HASHTAGS,
  MAX_REMOTE_MENTIONS,
  MAX_REMOTE_POLL_OPTIONS,
  MAX_REMOTE_TAGS,
  takeAtMost,
} from "../remote-limits.ts";

const PUBLIC = new Set([PUBLIC_COLLECTION.href, "as:Public", "Public"]);

export function visibilityOf(
  object: Note | Article | Question | Page,
  author: RemoteActor,
): RemotePostInput["visibility"] {
  const to = object.toIds.map((u) => u.href);
  const cc = object.ccIds.map((u) => u.href);
  if (to.some((u) => PUBLIC.has(u))) return "public";
  if (cc.some((u) => PUBLIC.has(u))) return "unlisted";
  if (author.followers_url && [...to, ...cc].includes(author.followers_url)) return "followers";
  return "direct";
}

const iso = (t: { toString(): string } | null | undefined) =>
  t ? new Date(t.toString()).toISOString() : null;

function hrefOf(url: URL | Link | null | undefined): string | null {
  if (!url) return null;
  if (url instanceof URL) return url.href;
  return url.href?.href ?? null;
}

export async function parseRemotePost(
  ctx: Context<void>,
  object: Note | Article | Question | Page,
  author: RemoteActor,
  /** "Now" for a poll closed without a date and a post without `published`. */
  clock: Clock,
): Promise<RemotePostInput | null> {
  if (!object.id) return null;
  // Only what the object embeds is read (remote-limits.ts): no fetch per tag, attachment
  // or poll option, and no more of each than the caps.
  const opts = {
    documentLoader: embeddedOnly,
    contextLoader: ctx.contextLoader,
    suppressError: true,
  } as const;
  const mentions: RemotePostInput["mentions"] = [];
  const tags: string[] = [];
  try {
    for (const tag of await takeAtMost(object.getTags(opts), MAX_REMOTE_TAGS)) {
      if (tag instanceof Mention && tag.href) {
        if (mentions.length < MAX_REMOTE_MENTIONS)
          mentions.push({ uri: tag.href.href, handle: tag.name?.toString() ?? tag.href.href });
      } else if (tag instanceof Hashtag && tag.name && tags.length < MAX_REMOTE_HASHTAGS)
        tags.push(tag.name.toString());
    }
  } catch {
    // Tags that cannot be read are left out; the post itself is still worth keeping.
  }
  const media: RemotePostInput["media"] = [];
  try {
    for (const a of await takeAtMost(object.getAttachments(opts), MAX_REMOTE_ATTACHMENTS)) {
      if (!(a instanceof Document || a instanceof Image)) continue;
      const url = a.url instanceof URL || a.url instanceof Link ? hrefOf(a.url) : null;
      if (!url || !/^https?:/.test(url)) continue;
      media.push({
        url,
        mediaType: a.mediaType ?? "image/jpeg",
        description: a.name?.toString() ?? "",
        width: a.width,
        height: a.height,
      });
    }
  } catch {
    // As with tags.
  }
  let poll: RemotePostInput["poll"] = null;
  if (object instanceof Question) {
    // Options are usually embedded (no ids), so read both lists: oneOf first, else anyOf.
    const read = async (list: AsyncIterable<APObject>) => {
      const out: { title: string; votes: number }[] = [];
      for (const o of await takeAtMost(list, MAX_REMOTE_POLL_OPTIONS)) {
        const title = o.name?.toString();
        if (!title) continue;
        // Mastodon embeds each option's replies as a Collection with only totalItems.
        const replies = await o.getReplies(opts).catch(() => null);
        out.push({
          title: title.slice(0, 200),
          votes: replies instanceof Collection ? (replies.totalItems ?? 0) : 0,
        });
      }
      return out;
    };
    const exclusive = await read(object.getExclusiveOptions(opts));
    const multiple = exclusive.length === 0;
    const options = multiple ? await read(object.getInclusiveOptions(opts)) : exclusive;
    if (options.length >= 1) {
      const closed = object.closed;
      poll = {
        options: options.slice(0, 20),
        multiple,
        expiresAt: iso(object.endTime),
        closedAt: closed === true ? clock.now().toISOString() : closed ? iso(closed) : null,
        votersCount: object.voters,
      };
    }
  }
  const url = hrefOf(object.url instanceof URL || object.url instanceof Link ? object.url : null);
  return {
    uri: object.id.href,
    url,
    authorUri: author.uri,
    authorRemoteId: author.id,
    visibility: visibilityOf(object, author),
    inReplyToUri: object.replyTargetId?.href ?? null,
    contentHtml: (object.content?.toString() ?? "").slice(0, 100_000),
    // An Article's summary is its standfirst, not a content warning.
    ...(object instanceof Article
      ? {
          kind: "article" as const,
          title: (object.name?.toString() ?? "").slice(0, 200),
          spoiler: "",
          summary: (object.summary?.toString() ?? "").slice(0, 1000),
        }
      : { spoiler: object.summary?.toString() ?? "" }),
    sensitive: object.sensitive ?? false,
    language: null,
    createdAt: iso(object.published) ?? clock.now().toISOString(),
    editedAt: iso(object.updated),
    mentions,
    tags,
    media,
    poll,
  };
}
