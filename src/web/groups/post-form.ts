/**
 * The error a group page answers a refused post with. The group's own rules (who may write) are in
 * groups/threads.ts; the post's (length, media, poll) in social/posts.ts.
 */
import type { PostFailure } from "../../groups/threads.ts";
import { failureStatus } from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import type { Translate } from "../i18n/i18n.ts";

export function postRefused(t: Translate, reason: PostFailure): InputError {
  const key =
    reason === "forbidden"
      ? "groups.thread.forbidden"
      : reason === "not-found" || reason === "reply-not-found"
        ? "error.notFound"
        : "groups.thread.invalid";
  return new InputError(t(key), failureStatus(reason));
}
