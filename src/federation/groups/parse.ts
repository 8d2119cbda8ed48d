/**
 * Reading group posts out of activities, from Synco, Lemmy or Mastodon alike.
 * Which group a post is for (FEP-1b12 "Audience property"): `audience` first,
 * then `to`/`cc` (Lemmy, Friendica, lotide), then a Mention of the group in
 * `tag` (Mastodon, which has no groups: its users reach one by mentioning it).
 */
import {
  type Activity,
  type Object as APObject,
  Article,
  Mention,
  Note,
  Page,
} from "@fedify/vocab";
import { sanitizeHtml, simpleTransform } from "../../kernel/sanitize-html.ts";

export type GroupPostObject = Note | Page | Article;
export const isGroupPostObject = (o: unknown): o is GroupPostObject =>
  o instanceof Note || o instanceof Page || o instanceof Article;

/** Every URI the activity and its object address, audience first, mentions last. */
export async function addressedUris(
  activity: Activity | null,
  object: APObject,
): Promise<string[]> {
  const uris: string[] = [];
  for (const o of [object, activity]) {
    if (!o) continue;
    uris.push(...o.audienceIds.map((u) => u.href));
    uris.push(...o.toIds.map((u) => u.href), ...o.ccIds.map((u) => u.href));
  }
  for await (const tag of object.getTags({ suppressError: true })) {
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
      .slice(0, 80),
    contentHtml: cleanContent(content || name),
  };
}
