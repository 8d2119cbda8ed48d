/**
 * Groups on other servers that a member belongs to (they follow the Group):
 * the list, a group's threads as its Announces brought them here, and writing
 * a thread or a reply — sent to the Group, which announces it to its members.
 */
import { type Context, Hono } from "hono";
import { html, raw } from "hono/html";
import { findPost, listThreads, threadOf, writeInRemoteGroup } from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import { textPost } from "../../social/posts.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, field, notice, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { postRefused } from "./post-form.ts";
import { authorHandles, doneQuery, type GroupsDeps, groupsNav } from "./render.ts";

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

  app.get("/groups/elsewhere/view", async (c) => {
    const t = c.get("t");
    const group = await joined(c, c.req.query("uri") ?? "");
    const threads = await listThreads(db, group.uri);
    const author = await authorHandles(
      deps,
      threads.map((p) => p.author_uri),
    );
    const body = html`${groupsNav(c)}
      <h1>${group.name || group.handle}</h1>
      <p class="handle">@${group.handle}</p>
      ${notice(c.req.query("done")?.slice(0, 300))}
      <h2>${t("groups.threads")}</h2>
      ${threads.length === 0 ? html`<p>${t("groups.threads.none")}</p>` : ""}
      <ul class="thread-list">${threads.map(
        (p) => html`<li><a href="/groups/elsewhere/threads/${p.id}">${p.title || "…"}</a>
          <span class="meta">${author(p.author_uri)} · ${t("groups.threads.replies", { count: p.replies })}</span></li>`,
      )}</ul>
      <form method="post" action="/groups/elsewhere/threads" class="stack thread-form">
        ${csrfField(c)}<input type="hidden" name="uri" value="${group.uri}" />
        <h3>${t("groups.thread.new")}</h3>
        ${field({ name: "title", label: t("groups.thread.title"), required: true, maxlength: 200 })}
        ${field({ name: "content", label: t("groups.thread.content"), type: "textarea", required: true, maxlength: 10000 })}
        <div><button type="submit">${t("groups.thread.post")}</button></div>
      </form>`;
    return c.html(layout(c, group.name || group.handle, body));
  });

  app.post("/groups/elsewhere/threads", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await readForm(c);
    const group = await joined(c, form.uri ?? "");
    const result = await writeInRemoteGroup(social, group.uri, viewer, {
      ...textPost(form.content ?? ""),
      title: form.title ?? "",
      inReplyToId: form.inReplyTo || null,
    });
    if (!result.ok) throw postRefused(t, result.reason);
    if (form.inReplyTo)
      return redirectHere(c, `/groups/elsewhere/threads/${result.value.threadId}`, 303);
    return redirectHere(
      c,
      `${viewPath(group.uri)}&${doneQuery(t("groups.manage.done")).slice(1)}`,
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
    const first = await findPost(db, c.req.param("id"));
    if (!first || first.group_id || first.in_reply_to_id || first.deleted_at)
      throw new InputError(t("error.notFound"), 404);
    const group = await joined(c, first.audience_uri ?? "");
    const posts = await threadOf(db, first.id);
    const author = await authorHandles(
      deps,
      posts.map((p) => p.author_uri),
    );
    const body = html`${groupsNav(c)}
      <p><a href="${safeUrl(viewPath(group.uri))}">${t("groups.thread.back", { name: group.name || group.handle })}</a></p>
      <h1>${first.title}</h1>
      <ol class="group-thread">${posts.map(
        (p) => html`<li class="group-post" id="p-${p.id}">
          <p class="meta">${author(p.author_uri)} · <time datetime="${p.created_at}">${p.created_at.slice(0, 16).replace("T", " ")}</time></p>
          <div class="content">${raw(p.content_html)}</div></li>`,
      )}</ol>
      <form method="post" action="/groups/elsewhere/threads" class="stack reply-form">
        ${csrfField(c)}<input type="hidden" name="uri" value="${group.uri}" />
        <input type="hidden" name="inReplyTo" value="${first.id}" />
        ${field({ name: "content", label: t("groups.thread.replyLabel"), type: "textarea", required: true, maxlength: 10000 })}
        <div><button type="submit">${t("groups.thread.reply")}</button></div>
      </form>`;
    return c.html(layout(c, first.title, body));
  });

  return app;
}
