/**
 * Writing in a group with the social compose form (web/social/compose.ts): text,
 * content warning, up to four images each with its alt text, or a poll, and a
 * title for a new thread; mentions resolved as on the social pages. No visibility:
 * the group decides who reads. Bad input answers 422 with field errors and writes
 * nothing but the images that could be stored, kept for the form's next try
 * (web/social/compose-submit.ts). Who may write is the group's rule (groups/threads.ts).
 */
import type { Context } from "hono";
import type { GroupPostInput, Placed, PostFailure } from "../../groups/threads.ts";
import { failureStatus } from "../../groups/threads.ts";
import { InputError, type Result } from "../../kernel/errors.ts";
import { MAX_TITLE_LENGTH } from "../../social/posts.ts";
import { discardFormUploads } from "../../storage/form-uploads.ts";
import type { WebEnv } from "../context.ts";
import type { FieldErrors } from "../forms.ts";
import type { Translate } from "../i18n/i18n.ts";
import type { ComposeValues } from "../social/compose.ts";
import { parseCompose, submitCompose } from "../social/compose-submit.ts";
import type { GroupsDeps } from "./render.ts";

/** The form's values and what is wrong with them, for the page to show again (422). */
export interface Refused {
  errors: FieldErrors;
  values: ComposeValues;
}

/** The error a group page answers a post refused by the group's rule with (403/404). */
export function postRefused(t: Translate, reason: "forbidden" | "not-found" | "reply-not-found") {
  return new InputError(
    t(reason === "forbidden" ? "groups.thread.forbidden" : "error.notFound"),
    failureStatus(reason),
  );
}

/** A problem of the post itself, as a field error. */
function problemField(t: Translate, reason: PostFailure): [string, string] {
  switch (reason) {
    case "title-required":
      return ["title", t("groups.thread.titleRequired")];
    case "title-too-long":
      return ["title", t("groups.thread.titleTooLong", { max: MAX_TITLE_LENGTH })];
    case "empty":
      return ["text", t("social.error.empty")];
    case "too-long":
      return ["text", t("social.error.tooLong", { max: 5000 })];
    case "spoiler-too-long":
      return ["spoiler", t("social.error.spoilerTooLong")];
    case "poll-invalid":
      return ["poll", t("social.error.poll")];
    default:
      return ["image", t("social.error.media")];
  }
}

/**
 * Reads the compose form of a group page and writes the post with `write`
 * (writeInGroup or writeInRemoteGroup): the post placed, or the form refused.
 * A post the group's rule refuses (not a member, no such parent) throws 403/404.
 */
export async function writeFromForm(
  c: Context<WebEnv>,
  deps: GroupsDeps,
  viewer: { id: string },
  options: {
    newThread: boolean;
    write: (input: GroupPostInput) => Promise<Result<Placed, PostFailure>>;
  },
): Promise<{ ok: true; value: Placed } | { ok: false; refused: Refused }> {
  const t = c.get("t");
  const body = await c.req.parseBody({ all: true });
  const parsed = parseCompose(c, body);
  const title = typeof body.title === "string" ? body.title : "";
  const titleError = !options.newThread
    ? null
    : !title.trim()
      ? t("groups.thread.titleRequired")
      : title.length > MAX_TITLE_LENGTH
        ? t("groups.thread.titleTooLong", { max: MAX_TITLE_LENGTH })
        : null;
  const refuse = (errors: FieldErrors, values: ComposeValues) =>
    ({ ok: false, refused: { errors, values: { ...values, title } } }) as const;
  const result = await submitCompose(
    c,
    deps,
    viewer.id,
    parsed,
    ({ visibility: _, ...input }) => options.write({ ...input, title }),
    titleError ? { title: titleError } : {},
  );
  if (result.ok) return result;
  if ("errors" in result) return refuse(result.errors, result.values);
  if (
    result.reason === "forbidden" ||
    result.reason === "not-found" ||
    result.reason === "reply-not-found"
  ) {
    // Nobody will come back to this form: its images are not kept.
    await discardFormUploads(
      deps.db,
      viewer.id,
      (result.values.images ?? []).map((i) => i.uploadId),
    );
    throw postRefused(t, result.reason);
  }
  const [name, message] = problemField(t, result.reason);
  return refuse({ [name]: message }, result.values);
}
