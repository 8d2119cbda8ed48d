/**
 * Replying to, and deleting, a group's post from anywhere a post can be
 * answered (the Mastodon API's POST and DELETE /api/v1/statuses): the post's
 * group decides, as on the group's own pages. A reply to a group's post is
 * written in that group (writeInGroup, or writeInRemoteGroup for a group
 * elsewhere), so its rules apply — who may write, the visibility it gives —;
 * a member's own group post is deleted by deleteGroupPost, which relays the
 * deletion to the group.
 *
 * Someone who may not see the post being answered gets not-found, as for any
 * post: a members-only group's posts are not revealed by answering 403.
 */
import { fail, type Result } from "../kernel/errors.ts";
import { memberUri } from "../kernel/uris.ts";
import type { SocialContext } from "../social/context.ts";
import type { CreatePostOptions } from "../social/idempotency.ts";
import { audienceColumns, canSee } from "../social/visibility.ts";
import type { LocalMember } from "./context.ts";
import { findGroupById } from "./groups.ts";
import {
  type DeleteFailure,
  deleteGroupPost,
  type GroupPost,
  type GroupPostInput,
  type Placed,
  type PostFailure,
  writeInGroup,
  writeInRemoteGroup,
} from "./threads.ts";

/** The group post `postId`, if it is one (any other post, or none: null). */
function groupPostAudience(s: SocialContext, postId: string) {
  return s.db
    .selectFrom("posts")
    .select(audienceColumns)
    .where("id", "=", postId)
    .where("audience_uri", "is not", null)
    .executeTakeFirst();
}

/**
 * A reply written in the group of the post it answers. null when that post is
 * no group's post (the caller writes an ordinary reply, or reports it missing).
 */
export async function replyInGroup(
  s: SocialContext,
  author: LocalMember,
  input: GroupPostInput & { inReplyToId: string },
  options: CreatePostOptions = {},
): Promise<Result<Placed, PostFailure> | null> {
  const parent = await groupPostAudience(s, input.inReplyToId);
  if (!parent?.audience_uri) return null;
  const viewer = { id: author.id, uri: memberUri(s.origin, author.username) };
  if (!(await canSee(s.db, viewer, parent))) return fail("not-found");
  if (!parent.group_id) return writeInRemoteGroup(s, parent.audience_uri, author, input, options);
  const group = await findGroupById(s.db, parent.group_id);
  if (!group) return fail("not-found");
  return writeInGroup(s, group, author, input, options);
}

/**
 * The author deletes their own group post (the deletion is relayed to the
 * group). null when `postId` is no group's post; another's post is not-found,
 * as an app's delete is the author's (moderators delete on the group's pages).
 */
export async function deleteOwnGroupPost(
  s: SocialContext,
  author: LocalMember,
  postId: string,
): Promise<Result<GroupPost, DeleteFailure> | null> {
  const post = await groupPostAudience(s, postId);
  if (!post) return null;
  if (post.deleted_at || post.author_uri !== memberUri(s.origin, author.username))
    return fail("not-found");
  const group = post.group_id ? await findGroupById(s.db, post.group_id) : null;
  if (post.group_id && !group) return fail("not-found");
  return deleteGroupPost(s, group ?? null, post.id, author);
}
