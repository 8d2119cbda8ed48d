/**
 * The groups pages: the directory (/groups), the create form, a group's page
 * (about, members with roles, threads, join / leave / request), and threads
 * with their replies. Members-only groups show their threads to members only.
 * Management of members is in manage.ts; a co-op's federations in federations.ts.
 */

import type { Context } from "hono";
import { Hono } from "hono";
import { html, raw } from "hono/html";
import { createGroup, type Group, listGroups } from "../../groups/groups.ts";
import { joinGroup, leaveGroup } from "../../groups/memberships.ts";
import { listMembers } from "../../groups/roster.ts";
import {
  canRead,
  deleteGroupPost,
  findPost,
  listThreads,
  setThreadHidden,
  threadOf,
  writeInGroup,
} from "../../groups/threads.ts";
import { groupUri, personUri } from "../../groups/uris.ts";
import { InputError } from "../../kernel/errors.ts";
import { textPost } from "../../social/posts.ts";
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  field,
  notice,
  readForm,
} from "../accounts/forms.ts";
import type { WebEnv } from "../context.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { postRefused } from "./post-form.ts";
import {
  authorHandles,
  doneQuery,
  type GroupsDeps,
  groupFromPath,
  groupName,
  groupsContext,
  groupsNav,
  postButton,
  viewerStanding,
} from "./render.ts";

const KINDS = ["working_group", "federation"] as const;

export function groupPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { db, config } = deps;
  const social = { db, origin: config.origin, domain: config.domain, clock: deps.clock };

  app.get("/groups", async (c) => {
    const t = c.get("t");
    const groups = await listGroups(db);
    const viewer = c.get("viewer");
    const invited = viewer
      ? await db
          .selectFrom("group_members")
          .innerJoin("groups", "groups.id", "group_members.group_id")
          .select(["groups.name", "groups.display_name"])
          .where("group_members.account_id", "=", viewer.id)
          .where("group_members.status", "=", "invited")
          .execute()
      : [];
    const body = html`${groupsNav(c)}
      <h1>${t("groups.title")}</h1>
      <p class="lead">${t("groups.lead")}</p>
      ${notice(c.req.query("done")?.slice(0, 300))}
      ${
        invited.length
          ? html`<section class="notice" aria-labelledby="inv-h"><h2 id="inv-h">${t("groups.invitations")}</h2>
            <ul>${invited.map((g) => html`<li><a href="/groups/${g.name}">${g.display_name}</a></li>`)}</ul></section>`
          : ""
      }
      ${groups.length === 0 ? html`<p>${t("groups.none")}</p>` : ""}
      <ul class="cards group-list">${groups.map(
        (g) => html`<li class="card group-card">
          <h2><a href="/groups/${g.name}">${groupName(c, g)}</a></h2>
          <p class="handle">@${g.name}@${config.domain}</p>
          <p><span class="badge">${t(`groups.kind.${g.kind}`)}</span>
            <span class="badge">${t(`groups.visibility.${g.visibility}`)}</span>
            ${t("groups.members.count", { count: g.members })}</p>
        </li>`,
      )}</ul>
      <h2>${t("groups.elsewhere")}</h2>
      <p>${t("groups.elsewhere.hint")} <a href="/network">/network</a></p>`;
    return c.html(layout(c, t("groups.title"), body));
  });

  function createForm(
    c: Context<WebEnv>,
    values: Record<string, string>,
    errors: FieldErrors,
    message?: string,
  ) {
    const t = c.get("t");
    const viewer = requireViewer(c);
    const kinds = viewer.role === "admin" ? KINDS : (["working_group"] as const);
    const radio = (name: string, value: string, label: string, checked: boolean) =>
      html`<label class="choice"><input type="radio" name="${name}" value="${value}"${checked ? html` checked` : ""} /> ${label}</label>`;
    const body = html`${groupsNav(c)}
      <h1>${t("groups.new")}</h1>
      ${errorSummary(c, errors, message)}
      <form method="post" action="/groups" class="stack group-form">
        ${csrfField(c)}
        <fieldset><legend>${t("groups.form.kind")}</legend>
          ${kinds.map((k) => radio("kind", k, t(`groups.kind.${k}`), (values.kind ?? "working_group") === k))}
        </fieldset>
        ${field({ name: "name", label: t("groups.form.name"), value: values.name ?? "", error: errors.name, hint: t("groups.form.name.hint"), required: true, maxlength: 30 })}
        ${field({ name: "displayName", label: t("groups.form.displayName"), value: values.displayName ?? "", error: errors.displayName, required: true, maxlength: 100 })}
        ${field({ name: "description", label: t("groups.form.description"), type: "textarea", value: values.description ?? "", maxlength: 5000 })}
        <fieldset><legend>${t("groups.form.visibility")}</legend>
          ${radio("visibility", "public", t("groups.visibility.public"), (values.visibility ?? "public") === "public")}
          ${radio("visibility", "members", t("groups.visibility.members"), values.visibility === "members")}
        </fieldset>
        <label class="choice"><input type="checkbox" name="moderated" value="on"${values.moderated === "on" ? html` checked` : ""} /> ${t("groups.form.moderated")}</label>
        <label class="choice"><input type="checkbox" name="postingRestricted" value="on"${values.postingRestricted === "on" ? html` checked` : ""} /> ${t("groups.form.postingRestricted")}</label>
        ${
          viewer.role === "admin"
            ? html`<fieldset><legend>${t("groups.form.votingMode")}</legend>
              ${radio("votingMode", "delegates", t("groups.form.votingMode.delegates"), (values.votingMode ?? "delegates") === "delegates")}
              ${radio("votingMode", "direct", t("groups.form.votingMode.direct"), values.votingMode === "direct")}
            </fieldset>`
            : ""
        }
        <div><button type="submit">${t("groups.form.create")}</button></div>
      </form>`;
    return layout(c, t("groups.new"), body);
  }

  app.get("/groups/new", (c) => {
    requireViewer(c);
    return c.html(createForm(c, {}, {}));
  });

  app.post("/groups", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await readForm(c);
    const kind = form.kind ?? "working_group";
    if (kind === "federation" && viewer.role !== "admin")
      throw new InputError(t("groups.error.federationAdmin"), 403);
    const errors: FieldErrors = {};
    if (!/^[A-Za-z0-9_]{1,30}$/.test((form.name ?? "").trim()))
      errors.name = t("groups.error.name");
    if (!(form.displayName ?? "").trim() || (form.displayName ?? "").length > 100)
      errors.displayName = t("groups.error.displayName");
    if (Object.keys(errors).length === 0) {
      const result = await createGroup(groupsContext(deps), viewer, {
        name: form.name ?? "",
        kind: kind as "working_group",
        displayName: form.displayName ?? "",
        description: (form.description ?? "").slice(0, 5000),
        visibility: form.visibility === "members" ? "members" : "public",
        moderated: form.moderated === "on",
        postingRestricted: form.postingRestricted === "on",
        votingMode: form.votingMode === "direct" ? "direct" : "delegates",
      });
      if (result.ok)
        return redirectHere(
          c,
          `/groups/${result.value.name}${doneQuery(t("groups.created", { name: result.value.display_name }))}`,
          303,
        );
      if (result.reason === "forbidden")
        throw new InputError(t("groups.error.federationAdmin"), 403);
      if (result.reason === "invalid") errors.kind = t("groups.error.invalid");
      else errors.name = t(`groups.error.${result.reason}`);
    }
    return c.html(createForm(c, form, errors), 422);
  });

  async function renderGroup(c: Context<WebEnv>, group: Group) {
    const t = c.get("t");
    const viewer = c.get("viewer");
    const standing = await viewerStanding(c, deps, group);
    const readable = await canRead(db, config.origin, group, viewer);
    const members = group.kind === "assembly" ? [] : await listMembers(db, group);
    const active = members.filter((m) => m.status === "active");
    const moderator = standing.role === "admin" || standing.role === "moderator";
    let action = html``;
    if (!viewer && group.kind !== "assembly")
      action = html`<a class="button" href="/login?next=${encodeURIComponent(`/groups/${group.name}`)}">${group.moderated ? t("groups.requestJoin") : t("groups.join")}</a>`;
    if (viewer && group.kind !== "assembly") {
      if (standing.status === "active")
        action = postButton(c, `/groups/${group.name}/leave`, t("groups.leave"), {
          kind: "secondary",
        });
      else if (standing.status === "pending")
        action = postButton(c, `/groups/${group.name}/leave`, t("groups.withdraw"), {
          kind: "secondary",
        });
      else if (standing.status === "invited")
        action = postButton(c, `/groups/${group.name}/join`, t("groups.acceptInvite"));
      else
        action = postButton(
          c,
          `/groups/${group.name}/join`,
          group.moderated ? t("groups.requestJoin") : t("groups.join"),
        );
    }
    const threads = readable
      ? await listThreads(db, groupUri(config.origin, group.name), { includeHidden: moderator })
      : [];
    const author = await authorHandles(
      deps,
      threads.map((p) => p.author_uri),
    );
    const canStart = standing.status === "active" && (!group.posting_restricted || moderator);
    const body = html`${groupsNav(c)}
      <header class="group-header">
        <h1>${groupName(c, group)}</h1>
        <p class="handle">${t("groups.handle", { handle: `@${group.name}@${config.domain}` })}</p>
        <p><span class="badge">${t(`groups.kind.${group.kind}`)}</span>
          <span class="badge">${t(`groups.visibility.${group.visibility}`)}</span>
          ${group.moderated ? html`<span class="badge">${t("groups.form.moderated")}</span>` : ""}</p>
        <div class="actions">${action}
          ${moderator ? html`<a class="button secondary" href="/groups/${group.name}/manage">${t("groups.manage")}</a>` : ""}</div>
      </header>
      ${notice(c.req.query("done")?.slice(0, 300))}
      <section aria-labelledby="about-h"><h2 id="about-h">${t("groups.about")}</h2>
        ${group.description ? html`<p class="group-description">${group.description}</p>` : ""}
        ${group.kind === "federation" ? html`<p>${t("groups.federation.votingMode", { mode: t(`groups.form.votingMode.${group.voting_mode}`) })}</p>` : ""}
      </section>
      <section aria-labelledby="threads-h"><h2 id="threads-h">${t("groups.threads")}</h2>
        ${!readable ? html`<p class="notice">${t("groups.threads.hidden")}</p>` : threads.length === 0 ? html`<p>${t("groups.threads.none")}</p>` : ""}
        <ul class="thread-list">${threads.map(
          (p) => html`<li><a href="/groups/${group.name}/threads/${p.id}">${p.title || "…"}</a>
            ${p.hidden_at ? html`<span class="badge">${t("groups.thread.hidden")}</span>` : ""}
            <span class="meta">${author(p.author_uri)} · ${t("groups.threads.replies", { count: p.replies })}</span></li>`,
        )}</ul>
        ${
          canStart
            ? html`<form method="post" action="/groups/${group.name}/threads" class="stack thread-form">
              ${csrfField(c)}<h3>${t("groups.thread.new")}</h3>
              ${field({ name: "title", label: t("groups.thread.title"), required: true, maxlength: 200 })}
              ${field({ name: "content", label: t("groups.thread.content"), type: "textarea", required: true, maxlength: 10000 })}
              <div><button type="submit">${t("groups.thread.post")}</button></div>
            </form>`
            : ""
        }
      </section>
      <section aria-labelledby="members-h"><h2 id="members-h">${t("groups.membersHeading")}</h2>
        ${group.kind === "assembly" ? html`<p>${t("groups.assemblyNote")}</p>` : ""}
        <ul class="member-list">${active.map(
          (
            m,
          ) => html`<li><span class="name">${m.name}</span> <span class="handle">${m.handle}</span>
            ${m.actorKind === "coop" ? html`<span class="badge">${t("groups.coop")}</span>` : ""}
            ${m.role !== "member" ? html`<span class="badge role">${t(`groups.role.${m.role}`)}</span>` : ""}</li>`,
        )}</ul>
      </section>`;
    return c.html(layout(c, groupName(c, group), body));
  }

  app.get("/groups/:name{[A-Za-z0-9_]{1,30}}", async (c) =>
    renderGroup(c, await groupFromPath(c, deps)),
  );

  app.post("/groups/:name/join", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const group = await groupFromPath(c, deps);
    const result = await joinGroup(groupsContext(deps), viewer, { group });
    if (!result.ok && result.reason === "banned") throw new InputError(t("groups.banned"), 403);
    const done = result.ok
      ? t(result.value === "active" ? "groups.joined" : "groups.requested", {
          name: group.display_name,
        })
      : t("groups.manage.done");
    return redirectHere(c, `/groups/${group.name}${doneQuery(done)}`, 303);
  });

  app.post("/groups/:name/leave", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const group = await groupFromPath(c, deps);
    await leaveGroup(groupsContext(deps), viewer, { group });
    return redirectHere(
      c,
      `/groups/${group.name}${doneQuery(t("groups.left", { name: group.display_name }))}`,
      303,
    );
  });

  app.post("/groups/:name/threads", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const group = await groupFromPath(c, deps);
    const form = await readForm(c);
    const result = await writeInGroup(social, group, viewer, {
      ...textPost(form.content ?? ""),
      title: form.title ?? "",
    });
    if (!result.ok) throw postRefused(t, result.reason);
    return redirectHere(c, `/groups/${group.name}/threads/${result.value.id}`, 303);
  });

  app.get("/groups/:name/threads/:id", async (c) => {
    const t = c.get("t");
    const group = await groupFromPath(c, deps);
    const viewer = c.get("viewer");
    if (!(await canRead(db, config.origin, group, viewer))) {
      if (!viewer) requireViewer(c);
      throw new InputError(t("groups.threads.hidden"), 403);
    }
    const first = await findPost(db, c.req.param("id"));
    if (!first || first.group_id !== group.id || first.in_reply_to_id)
      throw new InputError(t("error.notFound"), 404);
    if (first.deleted_at)
      return c.html(layout(c, t("groups.post.gone"), html`<h1>${t("groups.post.gone")}</h1>`), 410);
    const standing = await viewerStanding(c, deps, group);
    const moderator = standing.role === "admin" || standing.role === "moderator";
    // A hidden thread is for the group's moderators only.
    if (first.hidden_at && !moderator) throw new InputError(t("error.notFound"), 404);
    const posts = await threadOf(db, first.id);
    const me = viewer ? personUri(config.origin, viewer.username) : null;
    const author = await authorHandles(
      deps,
      posts.map((p) => p.author_uri),
    );
    const body = html`${groupsNav(c)}
      <p><a href="/groups/${group.name}">${t("groups.thread.back", { name: group.display_name })}</a></p>
      <h1>${first.title}</h1>
      ${
        moderator
          ? first.hidden_at
            ? html`<p class="notice">${t("groups.thread.hiddenNote")}
              ${postButton(c, `/groups/${group.name}/threads/${first.id}/hide`, t("groups.thread.unhide"), { kind: "secondary", fields: { hidden: "no" } })}</p>`
            : html`<form method="post" action="/groups/${group.name}/threads/${first.id}/hide" class="inline hide-form">
              ${csrfField(c)}<input type="hidden" name="hidden" value="yes" />
              <label class="visually-hidden" for="hide-reason">${t("groups.manage.banReason")}</label>
              <input id="hide-reason" name="reason" maxlength="500" placeholder="${t("groups.manage.banReason")}" />
              <button type="submit" class="secondary">${t("groups.thread.hide")}</button></form>`
          : ""
      }
      <ol class="group-thread">${posts.map(
        (p) => html`<li class="group-post" id="p-${p.id}">
          <p class="meta">${author(p.author_uri)} · <time datetime="${p.created_at}">${p.created_at.slice(0, 16).replace("T", " ")}</time></p>
          <div class="content">${raw(p.content_html)}</div>
          ${moderator || p.author_uri === me ? postButton(c, `/groups/${group.name}/posts/${p.id}/delete`, t("groups.post.delete"), { kind: "secondary" }) : ""}</li>`,
      )}</ol>
      ${
        standing.status === "active"
          ? html`<form method="post" action="/groups/${group.name}/threads/${first.id}/replies" class="stack reply-form">
            ${csrfField(c)}
            ${field({ name: "content", label: t("groups.thread.replyLabel"), type: "textarea", required: true, maxlength: 10000 })}
            <div><button type="submit">${t("groups.thread.reply")}</button></div>
          </form>`
          : ""
      }`;
    return c.html(layout(c, first.title, body));
  });

  // A post's id (its ActivityPub URI) opened in a browser: the thread, at the post.
  app.get("/groups/:name/posts/:id", async (c) => {
    const group = await groupFromPath(c, deps);
    const post = await findPost(db, c.req.param("id"));
    if (!post || post.group_id !== group.id)
      throw new InputError(c.get("t")("error.notFound"), 404);
    if (post.deleted_at) return c.text(c.get("t")("groups.post.gone"), 410);
    return redirectHere(c, `/groups/${group.name}/threads/${post.thread_id}#p-${post.id}`, 302);
  });

  // A moderator hides a thread (shown to moderators only) or shows it again; logged.
  app.post("/groups/:name/threads/:id/hide", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const group = await groupFromPath(c, deps);
    const form = await readForm(c);
    if (form.hidden !== "yes" && form.hidden !== "no")
      throw new InputError(t("groups.error.invalid"), 422);
    const result = await setThreadHidden(social, group, c.req.param("id"), viewer, {
      hidden: form.hidden === "yes",
      reason: form.reason ?? "",
    });
    if (!result.ok)
      throw new InputError(
        t(
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
      `/groups/${group.name}/threads/${c.req.param("id")}${doneQuery(t("groups.manage.done"))}`,
      303,
    );
  });

  // The author or a moderator deletes a thread or a reply (relayed as a Delete).
  app.post("/groups/:name/posts/:id/delete", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const group = await groupFromPath(c, deps);
    const result = await deleteGroupPost(social, group, c.req.param("id"), viewer);
    if (!result.ok)
      throw new InputError(
        t(result.reason === "forbidden" ? "groups.post.deleteForbidden" : "error.notFound"),
        result.reason === "forbidden" ? 403 : 404,
      );
    const post = result.value;
    const to = post.in_reply_to_id
      ? `/groups/${group.name}/threads/${post.thread_id}`
      : `/groups/${group.name}`;
    return redirectHere(c, `${to}${doneQuery(t("groups.post.deleted"))}`, 303);
  });

  app.post("/groups/:name/threads/:id/replies", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const group = await groupFromPath(c, deps);
    const form = await readForm(c);
    const parent =
      form.inReplyTo && /^[0-9a-f-]{36}$/.test(form.inReplyTo) ? form.inReplyTo : c.req.param("id");
    const result = await writeInGroup(social, group, viewer, {
      ...textPost(form.content ?? ""),
      inReplyToId: parent,
    });
    if (!result.ok) throw postRefused(t, result.reason);
    return redirectHere(
      c,
      `/groups/${group.name}/threads/${result.value.threadId}#p-${result.value.id}`,
      303,
    );
  });

  return app;
}
