/**
 * A group's discussions: starting a thread, a thread's page with its replies,
 * replying, hiding a thread (moderators) and deleting a post (its author or the
 * group's moderators). Posts are drawn and written as everywhere else (the social
 * card and compose form); what the group decides — who reads, who writes, who
 * deletes — is groups/threads.ts. Members-only groups show their threads to members only.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { Group } from "../../groups/groups.ts";
import {
  canRead,
  deleteGroupPost,
  findPost,
  setThreadHidden,
  writeInGroup,
} from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, notice, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { type ComposeValues, composeForm } from "../social/compose.ts";
import { isPostId } from "../social/deps.ts";
import { type Refused, writeFromForm } from "./compose.ts";
import {
  doneQuery,
  type GroupsDeps,
  groupFromPath,
  groupName,
  groupsContext,
  groupsNav,
  postButton,
  viewerStanding,
} from "./render.ts";
import { threadView } from "./thread-view.ts";

/** The form that starts a thread in a group (the social compose form, with a title). */
export function threadForm(
  c: Context<WebEnv>,
  group: Group,
  values: ComposeValues = {},
  errors: Refused["errors"] = {},
) {
  const t = c.get("t");
  return composeForm(c, values, errors, undefined, {
    action: `/groups/${group.name}/threads`,
    heading: t("groups.thread.new"),
    title: true,
    visibility: false,
    submit: t("groups.thread.post"),
  });
}

/** The form that answers a post of a thread (the thread itself unless `to` says which). */
export function replyForm(
  c: Context<WebEnv>,
  action: string,
  to: { id: string; name?: string },
  values: ComposeValues = {},
  errors: Refused["errors"] = {},
) {
  const t = c.get("t");
  return composeForm(c, { ...values, inReplyTo: to.id }, errors, undefined, {
    action,
    heading: to.name
      ? t("social.compose.replyTo", { name: to.name })
      : t("groups.thread.replyLabel"),
    visibility: false,
    submit: t("groups.thread.reply"),
  });
}

export function groupThreadPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { db, config } = deps;
  const social = groupsContext(deps);

  /** The form again, with what was wrong (422); nothing was written. */
  const refused = (c: Context<WebEnv>, group: Group, title: string, form: unknown) =>
    c.html(
      layout(
        c,
        title,
        html`${groupsNav(c)}<p><a href="/groups/${group.name}">${t(c)("groups.thread.back", { name: groupName(c, group) })}</a></p>${form}`,
      ),
      422,
    );
  const t = (c: Context<WebEnv>) => c.get("t");

  app.post("/groups/:name/threads", async (c) => {
    const viewer = requireViewer(c);
    const group = await groupFromPath(c, deps);
    const result = await writeFromForm(c, deps, viewer, {
      newThread: true,
      write: (input) => writeInGroup(social, group, viewer, { ...input, inReplyToId: null }),
    });
    if (!result.ok)
      return refused(
        c,
        group,
        t(c)("groups.thread.new"),
        threadForm(c, group, result.refused.values, result.refused.errors),
      );
    return redirectHere(c, `/groups/${group.name}/threads/${result.value.id}`, 303);
  });

  app.get("/groups/:name/threads/:id", async (c) => {
    const group = await groupFromPath(c, deps);
    const viewer = c.get("viewer");
    if (!(await canRead(db, config.origin, group, viewer))) {
      if (!viewer) requireViewer(c);
      throw new InputError(t(c)("groups.threads.hidden"), 403);
    }
    const id = c.req.param("id");
    const first = isPostId(id) ? await findPost(db, id) : undefined;
    if (!first || first.group_id !== group.id || first.in_reply_to_id)
      throw new InputError(t(c)("error.notFound"), 404);
    if (first.deleted_at)
      return c.html(
        layout(c, t(c)("groups.post.gone"), html`<h1>${t(c)("groups.post.gone")}</h1>`),
        410,
      );
    const standing = await viewerStanding(c, deps, group);
    const moderator = standing.role === "admin" || standing.role === "moderator";
    // A hidden thread is for the group's moderators only (canSee says the same).
    const thread = await threadView(c, deps, first.id, { moderator });
    if (!thread) throw new InputError(t(c)("error.notFound"), 404);
    const replyTo = thread.posts.find((p) => p.id === c.req.query("reply_to"));
    const body = html`${groupsNav(c)}
      <p><a href="/groups/${group.name}">${t(c)("groups.thread.back", { name: groupName(c, group) })}</a></p>
      <h1>${first.title}</h1>
      ${notice(c.req.query("done")?.slice(0, 300))}
      ${
        moderator
          ? first.hidden_at
            ? html`<p class="notice">${t(c)("groups.thread.hiddenNote")}
              ${postButton(c, `/groups/${group.name}/threads/${first.id}/hide`, t(c)("groups.thread.unhide"), { kind: "secondary", fields: { hidden: "no" } })}</p>`
            : html`<form method="post" action="/groups/${group.name}/threads/${first.id}/hide" class="inline hide-form">
              ${csrfField(c)}<input type="hidden" name="hidden" value="yes" />
              <label class="visually-hidden" for="hide-reason">${t(c)("groups.manage.banReason")}</label>
              <input type="text" id="hide-reason" name="reason" maxlength="500" placeholder="${t(c)("groups.manage.banReason")}" />
              <button type="submit" class="secondary">${t(c)("groups.thread.hide")}</button></form>`
          : ""
      }
      ${deps.threadHead ? await deps.threadHead(c, group, first.id) : ""}
      ${thread.body}
      ${
        standing.status === "active"
          ? replyForm(
              c,
              `/groups/${group.name}/threads/${first.id}/replies`,
              replyTo && replyTo.id !== first.id
                ? { id: replyTo.id, name: replyTo.author.name }
                : { id: first.id },
            )
          : ""
      }`;
    return c.html(layout(c, first.title, body));
  });

  // A post's id (its ActivityPub URI) opened in a browser: the thread, at the post.
  app.get("/groups/:name/posts/:id", async (c) => {
    const group = await groupFromPath(c, deps);
    const post = await findPost(db, c.req.param("id"));
    if (!post || post.group_id !== group.id) throw new InputError(t(c)("error.notFound"), 404);
    if (post.deleted_at) return c.text(t(c)("groups.post.gone"), 410);
    return redirectHere(c, `/groups/${group.name}/threads/${post.thread_id}#p-${post.id}`, 302);
  });

  // A moderator hides a thread (shown to moderators only) or shows it again; logged.
  app.post("/groups/:name/threads/:id/hide", async (c) => {
    const viewer = requireViewer(c);
    const group = await groupFromPath(c, deps);
    const form = await readForm(c);
    if (form.hidden !== "yes" && form.hidden !== "no")
      throw new InputError(t(c)("groups.error.invalid"), 422);
    const result = await setThreadHidden(social, group, c.req.param("id"), viewer, {
      hidden: form.hidden === "yes",
      reason: form.reason ?? "",
    });
    if (!result.ok)
      throw new InputError(
        t(c)(
          result.reason === "forbidden"
            ? "groups.manage.forbidden"
            : result.reason === "invalid"
              ? "groups.error.invalid"
              : "error.notFound",
        ),
        result.reason === "forbidden" ? 403 : result.reason === "invalid" ? 422 : 404,
      );
    return redirectHere(
      c,
      `/groups/${group.name}/threads/${c.req.param("id")}${doneQuery(t(c)(form.hidden === "yes" ? "groups.done.threadHidden" : "groups.done.threadShown"))}`,
      303,
    );
  });

  // The author or a moderator deletes a thread or a reply (relayed as a Delete).
  app.post("/groups/:name/posts/:id/delete", async (c) => {
    const viewer = requireViewer(c);
    const group = await groupFromPath(c, deps);
    const result = await deleteGroupPost(social, group, c.req.param("id"), viewer);
    if (!result.ok)
      throw new InputError(
        t(c)(result.reason === "forbidden" ? "groups.post.deleteForbidden" : "error.notFound"),
        result.reason === "forbidden" ? 403 : 404,
      );
    const post = result.value;
    const to = post.in_reply_to_id
      ? `/groups/${group.name}/threads/${post.thread_id}`
      : `/groups/${group.name}`;
    return redirectHere(c, `${to}${doneQuery(t(c)("groups.post.deleted"))}`, 303);
  });

  app.post("/groups/:name/threads/:id/replies", async (c) => {
    const viewer = requireViewer(c);
    const group = await groupFromPath(c, deps);
    // Who may not read the group learns nothing of its threads.
    if (!(await canRead(db, config.origin, group, viewer)))
      throw new InputError(t(c)("error.notFound"), 404);
    const threadId = c.req.param("id");
    const result = await writeFromForm(c, deps, viewer, {
      newThread: false,
      write: async (input) => {
        // The post answered: one of this thread's (the thread itself by default).
        const parent = await findPost(db, input.inReplyToId || threadId);
        if (!parent || parent.group_id !== group.id || parent.thread_id !== threadId)
          return { ok: false, reason: "reply-not-found" };
        return writeInGroup(social, group, viewer, { ...input, inReplyToId: parent.id });
      },
    });
    if (!result.ok)
      return refused(
        c,
        group,
        t(c)("groups.thread.reply"),
        replyForm(
          c,
          `/groups/${group.name}/threads/${threadId}/replies`,
          { id: result.refused.values.inReplyTo || threadId },
          result.refused.values,
          result.refused.errors,
        ),
      );
    return redirectHere(
      c,
      `/groups/${group.name}/threads/${result.value.threadId}#p-${result.value.id}`,
      303,
    );
  });

  return app;
}
