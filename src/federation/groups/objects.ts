/**
 * Group posts as ActivityStreams objects (FEP-1b12 "Threads and comments"): a
 * thread is a Page with a name (its title), as Lemmy sends posts; a reply is a
 * Note with inReplyTo. Both carry `audience` = the group, and the group in `to`
 * as Lemmy, Friendica and lotide expect.
 */
import { Create, Note, Page, PUBLIC_COLLECTION } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { GroupPost } from "../../groups/threads.ts";

const instant = (iso: string) =>
  Temporal.Instant.from(iso) as unknown as globalThis.Temporal.Instant;

/** The post as a Page (thread) or Note (reply); `isPublic` adds the public collection. */
export async function postObject(
  db: Kysely<Schema>,
  post: GroupPost,
  isPublic: boolean,
): Promise<Note | Page> {
  const parent = post.in_reply_to_id
    ? await db
        .selectFrom("posts")
        .select("uri")
        .where("id", "=", post.in_reply_to_id)
        .executeTakeFirst()
    : undefined;
  const group = post.audience_uri as string;
  const values = {
    id: new URL(post.uri),
    attribution: new URL(post.author_uri),
    audience: new URL(group),
    tos: [new URL(group), ...(isPublic ? [PUBLIC_COLLECTION] : [])],
    content: post.content_html,
    mediaType: "text/html",
    published: instant(post.created_at),
    url: new URL(post.uri),
    replyTarget: parent ? new URL(parent.uri) : null,
  };
  return post.in_reply_to_id ? new Note(values) : new Page({ ...values, name: post.title });
}

/** The Create of a post written by one of our members (id derived from the post's). */
export async function createActivity(
  db: Kysely<Schema>,
  post: GroupPost,
  isPublic: boolean,
): Promise<Create> {
  const object = await postObject(db, post, isPublic);
  return new Create({
    id: new URL(`${post.uri}/create`),
    actor: new URL(post.author_uri),
    object,
    audience: new URL(post.audience_uri as string),
    tos: object.toIds,
    published: instant(post.created_at),
  });
}
