/**
 * Groups on other servers that a member belongs to (they follow the Group):
 * the list, a group's threads as its Announces brought them here, and writing
 * a thread or a reply — sent to the Group, which announces it to its members.
 * Posts are drawn and written as everywhere (the social card and compose form);
 * a member deletes their own post here (sent to the Group as a Delete).
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import {
  deleteGroupPost,
  findPost,
  listThreads,
  writeInRemoteGroup,
} from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { notice } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { type ComposeValues, composeForm } from "../social/compose.ts";
import { isPostId } from "../social/deps.ts";
import { type Refused, writeFromForm } from "./compose.ts";
import { doneQuery, type GroupsDeps, groupsNav } from "./render.ts";
import { replyForm } from "./thread-pages.ts";
import { threadCards, threadView } from "./thread-view.ts";

export function remoteGroupPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { db, config } = deps;
  const social = { db, origin: config.origin, domain: config.domain, clock: deps.clock };

  /** The remote groups the viewer follows (accepted or waiting). */
  async function followedGroups(c: Context<WebEnv>) {
    const viewer = requireViewer(c);
    return db
      .selectFrom("follows")
      .innerJoin("remote_actors", "remote_actors.id", "follows.followee_remote_id")
      .select(["remote_actors.uri", "remote_actors.name", "remote_actors.handle", "follows.status"])
      .where("follows.follower_uri", "=", memberUri(config.origin, viewer.username))
      .where("remote_actors.type", "=", "Group")
      .orderBy("remote_actors.handle")
      .execute();
  }

  /** The remote group named by ?uri= (or the form), if the viewer is in it. */
  async function joined(c: Context<WebEnv>, uri: string) {
    const group = (await followedGroups(c)).find((g) => g.uri === uri && g.status === "accepted");
    if (!group) throw new InputError(c.get("t")("groups.threads.hidden"), 403);
    return group;
  }

  const viewPath = (uri: string) => `/groups/elsewhere/view?${new URLSearchParams({ uri })}`;

  app.get("/groups/elsewhere", async (c) => {
    const t = c.get("t");
    const groups = await followedGroups(c);
    const body = html`${groupsNav(c)}
      <h1>${t("groups.elsewhere")}</h1>
      <p>${t("groups.elsewhere.hint")} <a href="/network">/network</a></p>
      <ul class="thread-list">${groups.map(
        (
          g,
        ) => html`<li>${g.status === "accepted" ? html`<a href="${safeUrl(viewPath(g.uri))}">${g.name || g.handle}</a>` : g.name || g.handle}
          <span class="handle">@${g.handle}</span>
          ${g.status === "pending" ? html`<span class="badge">${t("groups.status.pending")}</span>` : ""}</li>`,
      )}</ul>`;
    return c.html(layout(c, t("groups.elsewhere"), body));
  });

  /** The form that starts a thread in a group elsewhere. */
  const threadForm = (
    c: Context<WebEnv>,
    uri: string,
    values: ComposeValues = {},
    errors: Refused["errors"] = {},
  ) =>
    html`${composeForm(c, values, errors, undefined, {
      action: `/groups/elsewhere/threads?${new URLSearchParams({ uri })}`,
      heading: c.get("t")("groups.thread.new"),
      title: true,
      visibility: false,
      submit: c.get("t")("groups.thread.post"),
    })}`;

  app.get("/groups/elsewhere/view", async (c) => {
    const t = c.get("t");
    const group = await joined(c, c.req.query("uri") ?? "");
    const threads = await listThreads(db, group.uri);
    const body = html`${groupsNav(c)}
      <h1>${group.name || group.handle}</h1>
      <p class="handle">@${group.handle}</p>
      ${notice(c.req.query("done")?.slice(0, 300))}
      <h2>${t("groups.threads")}</h2>
      <details class="start-thread"><summary class="button">${t("groups.thread.start")}</summary>${threadForm(c, group.uri)}</details>
      ${threads.length === 0 ? html`<p>${t("groups.threads.none")}</p>` : ""}
      ${await threadCards(c, deps, threads, { moderator: false })}`;
    return c.html(layout(c, group.name || group.handle, body));
  });

  /** The form again, with what was wrong (422); nothing was written. */
  const refused = (c: Context<WebEnv>, uri: string, title: string, form: unknown) =>
    c.html(
      layout(
        c,
        title,
        html`${groupsNav(c)}<p><a href="${safeUrl(viewPath(uri))}">${c.get("t")("groups.elsewhere")}</a></p>${form}`,
      ),
      422,
    );

  // A thread (?uri= names the group), or a reply (in_reply_to: a post of one of its threads).
  app.post("/groups/elsewhere/threads", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const group = await joined(c, c.req.query("uri") ?? "");
    const reply = c.req.query("reply") === "yes";
    const result = await writeFromForm(c, deps, viewer, {
      newThread: !reply,
      write: async (input) => {
        if (!reply)
          return writeInRemoteGroup(social, group.uri, viewer, { ...input, inReplyToId: null });
        const parent = input.inReplyToId ? await findPost(db, input.inReplyToId) : undefined;
        if (!parent || parent.audience_uri !== group.uri || parent.group_id)
          return { ok: false, reason: "reply-not-found" };
        return writeInRemoteGroup(social, group.uri, viewer, input);
      },
    });
    if (!result.ok) {
      const { values, errors } = result.refused;
      return reply
        ? refused(
            c,
            group.uri,
            t("groups.thread.reply"),
            replyForm(c, replyAction(group.uri), { id: values.inReplyTo ?? "" }, values, errors),
          )
        : refused(c, group.uri, t("groups.thread.new"), threadForm(c, group.uri, values, errors));
    }
    if (reply)
      return redirectHere(
        c,
        `/groups/elsewhere/threads/${result.value.threadId}#p-${result.value.id}`,
        303,
      );
    return redirectHere(
      c,
      `${viewPath(group.uri)}&${doneQuery(t("groups.done.threadSent")).slice(1)}`,
      303,
    );
  });

  const replyAction = (uri: string) =>
    `/groups/elsewhere/threads?${new URLSearchParams({ uri, reply: "yes" })}`;

  // A member deletes their own post in a group elsewhere (a Delete sent to the Group).
  app.post("/groups/elsewhere/posts/:id/delete", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const result = await deleteGroupPost(social, null, c.req.param("id"), viewer);
    if (!result.ok)
      throw new InputError(
        t(result.reason === "forbidden" ? "groups.post.deleteForbidden" : "error.notFound"),
        result.reason === "forbidden" ? 403 : 404,
      );
    const post = result.value;
    const to = post.in_reply_to_id
      ? `/groups/elsewhere/threads/${post.thread_id}`
      : viewPath(post.audience_uri ?? "");
    return redirectHere(
      c,
      `${to}${to.includes("?") ? "&" : "?"}${doneQuery(t("groups.post.deleted")).slice(1)}`,
      303,
    );
  });

  // A member's post in a group elsewhere, opened in a browser: its thread here.
  app.get("/group-posts/:id", async (c) => {
    const post = await findPost(db, c.req.param("id"));
    if (!post || post.group_id || post.deleted_at)
      throw new InputError(c.get("t")("error.notFound"), 404);
    return redirectHere(c, `/groups/elsewhere/threads/${post.thread_id}#p-${post.id}`, 302);
  });

  app.get("/groups/elsewhere/threads/:id", async (c) => {
    const t = c.get("t");
    const id = c.req.param("id");
    const first = isPostId(id) ? await findPost(db, id) : undefined;
    if (!first || first.group_id || first.in_reply_to_id || first.deleted_at)
      throw new InputError(t("error.notFound"), 404);
    const group = await joined(c, first.audience_uri ?? "");
    const thread = await threadView(c, deps, first.id, { moderator: false });
    if (!thread) throw new InputError(t("error.notFound"), 404);
    const replyTo = thread.posts.find((p) => p.id === c.req.query("reply_to"));
    const body = html`${groupsNav(c)}
      <p><a href="${safeUrl(viewPath(group.uri))}">${t("groups.thread.back", { name: group.name || group.handle })}</a></p>
      <h1>${first.title}</h1>
      ${notice(c.req.query("done")?.slice(0, 300))}
      ${deps.remoteThreadHead ? await deps.remoteThreadHead(c, first.id) : ""}
      ${thread.body}
      ${replyForm(
        c,
        replyAction(group.uri),
        replyTo && replyTo.id !== first.id
          ? { id: replyTo.id, name: replyTo.author.name }
          : { id: first.id },
      )}`;
    return c.html(layout(c, first.title, body));
  });

  return app;
}
