/**
 * Reading group posts out of activities, from Synco, Lemmy or Mastodon alike.
 * Which group a post is for (FEP-1b12 "Audience property"): `audience` first,
 * then `to`/`cc` (Lemmy, Friendica, lotide), then a Mention of the group in
 * `tag` (Mastodon, which has no groups: its users reach one by mentioning it).
 */
import type { Context } from "@fedify/fedify";
import {
  type Activity,
  type Object as APObject,
  Article,
  Mention,
  Note,
  Page,
  Question,
} from "@fedify/vocab";
import type { Clock } from "../../kernel/clock.ts";
import { sanitizeHtml, simpleTransform } from "../../kernel/sanitize-html.ts";
import type { RemotePostInput } from "../../social/remote-posts.ts";
import type { RemoteActor } from "../remote-actors.ts";
import {
  embeddedOnly,
  MAX_REMOTE_ADDRESSEES,
  MAX_REMOTE_TAGS,
  takeAtMost,
} from "../remote-limits.ts";
import { parseRemotePost } from "../social/parse.ts";

export type GroupPostObject = Note | Page | Article | Question;
export const isGroupPostObject = (o: unknown): o is GroupPostObject =>
  o instanceof Note || o instanceof Page || o instanceof Article || o instanceof Question;

/** Every URI the activity and its object address, audience first, mentions last. */
export async function addressedUris(
  activity: Activity | null,
  object: APObject,
): Promise<string[]> {
  const uris: string[] = [];
  const take = (list: URL[]) => {
    for (const u of list.slice(0, MAX_REMOTE_ADDRESSEES - uris.length)) uris.push(u.href);
  };
  for (const o of [object, activity]) {
    if (!o) continue;
    take(o.audienceIds);
    take(o.toIds);
    take(o.ccIds);
  }
  // Mentions only as embedded: a tag given as a bare URL is not fetched (remote-limits.ts).
  const tags = object.getTags({ documentLoader: embeddedOnly, suppressError: true });
  for (const tag of await takeAtMost(tags, MAX_REMOTE_TAGS)) {
    if (uris.length >= MAX_REMOTE_ADDRESSEES) break;
    if (tag instanceof Mention && tag.href) uris.push(tag.href.href);
  }
  return [...new Set(uris)];
}

/** Remote HTML keeps a few harmless tags only. */
export function cleanContent(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      "p",
      "br",
      "a",
      "span",
      "em",
      "strong",
      "b",
      "i",
      "ul",
      "ol",
      "li",
      "blockquote",
      "code",
      "pre",
    ],
    allowedAttributes: { a: ["href"] },
    allowedSchemes: ["http", "https"],
    transformTags: { a: simpleTransform("a", { rel: "nofollow noopener ugc" }) },
  });
}

/** The stored fields of a post object; null when it lacks an id or an author. */
export function postFields(object: GroupPostObject) {
  if (!object.id || !object.attributionId) return null;
  const content = object.content?.toString() ?? "";
  const name = object.name?.toString() ?? "";
  return {
    uri: object.id.href,
    authorUri: object.attributionId.href,
    inReplyToUri: object.replyTargetId?.href ?? null,
    // Mastodon Notes have no title: the thread is named by its first words.
    title: (name || sanitizeHtml(content, { allowedTags: [], allowedAttributes: {} }))
      .trim()
      // A thread named by its first words gets a short title; an Article keeps its own.
      .slice(0, name ? 200 : 80),
    contentHtml: cleanContent(content || name),
  };
}

/**
 * A group post as the social capability stores it: read as any remote post
 * (mentions, hashtags, images, poll), plus its kind and title. A thread is a
 * page (an Article stays one); a reply is a note.
 */
export async function groupPostInput(
  ctx: Context<void>,
  object: GroupPostObject,
  author: RemoteActor,
  clock: Clock,
): Promise<RemotePostInput | null> {
  const fields = postFields(object);
  const input = await parseRemotePost(ctx, object, author, clock);
  if (!fields || !input) return null;
  const reply = !!input.inReplyToUri;
  return {
    ...input,
    contentHtml: input.contentHtml || fields.contentHtml,
    kind: reply ? "note" : object instanceof Article ? "article" : "page",
    title: reply ? "" : fields.title,
  };
}
