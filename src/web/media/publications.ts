/**
 * Publication pages: starting one (a Group of kind publication, its creator its
 * first editor), its front page (featured articles, then the latest; the
 * masthead; how to follow it from Mastodon as @name@node), and for its editors
 * the queue of articles waiting for them and the masthead form.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { findGroup } from "../../groups/groups.ts";
import {
  createPublication,
  removeFromStaff,
  roleIn,
  setStaffRole,
  staffOf,
} from "../../media/publications.ts";
import { articlesIn, frontPage } from "../../media/views.ts";
import { mediaUrl } from "../../storage/images.ts";
import type { WebEnv } from "../context.ts";
import { feedLinks } from "../feeds/discovery.ts";
import { csrfField, errorSummary, type FieldErrors, field, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import { mediaStylesheetLink } from "./assets.ts";
import { type MediaPagesDeps, mediaContext } from "./deps.ts";

type FrontItem = Awaited<ReturnType<typeof frontPage>>["latest"][number];

function item(c: Context<WebEnv>, a: FrontItem): ReturnType<typeof html> {
  const t = c.get("t");
  return html`<li class="media-item">
    ${a.coverPath ? html`<img src="${safeUrl(mediaUrl(a.coverPath))}" alt="" loading="lazy" />` : ""}
    <h3><a href="/articles/${encodeURIComponent(a.slug)}">${a.title}</a></h3>
    ${a.summary ? html`<p>${a.summary}</p>` : ""}
    <span class="media-meta">${a.authorName || a.author} · ${a.publishedAt ? html`${timeTag(c.get("locale"), a.publishedAt)} · ` : ""}${t("media.readingTime", { minutes: a.readingMinutes })}</span>
  </li>`;
}

export function publicationPages(deps: MediaPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = mediaContext(deps);
  const head = { head: mediaStylesheetLink(true) };

  function newForm(
    c: Context<WebEnv>,
    values: Record<string, string>,
    errors: FieldErrors,
    status: 200 | 422,
  ) {
    const t = c.get("t");
    const body = html`<h1>${t("media.pub.new")}</h1>${errorSummary(c, errors)}
      <form method="post" action="/publications" class="stack">
        ${csrfField(c)}
        ${field({ name: "displayName", label: t("media.pub.displayName"), value: values.displayName ?? "", error: errors.displayName, required: true, maxlength: 100 })}
        ${field({ name: "name", label: t("media.pub.name"), value: values.name ?? "", error: errors.name, required: true, maxlength: 30, hint: t("media.pub.name.hint", { domain: deps.config.domain }) })}
        ${field({ name: "description", label: t("media.pub.description"), value: values.description ?? "", type: "textarea", maxlength: 500 })}
        <div class="actions"><button type="submit">${t("media.pub.create")}</button></div>
      </form>`;
    return c.html(layout(c, t("media.pub.new"), body, head), status);
  }

  app.get("/publications/new", (c) => {
    requireViewer(c);
    return newForm(c, {}, {}, 200);
  });

  app.post("/publications", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await readForm(c);
    const values = {
      name: (form.name ?? "").trim(),
      displayName: (form.displayName ?? "").trim(),
      description: (form.description ?? "").trim(),
    };
    const errors: FieldErrors = {};
    if (!values.displayName || values.displayName.length > 100)
      errors.displayName = t("media.pub.error.displayName");
    if (!/^[A-Za-z0-9_]{1,30}$/.test(values.name)) errors.name = t("media.pub.error.name");
    if (values.description.length > 500) errors.description = t("media.pub.error.displayName");
    // PostgreSQL refuses NUL in text: a clear 422 instead of a failed write.
    if (values.displayName.includes("\u0000"))
      errors.displayName = t("media.pub.error.displayName");
    if (values.description.includes("\u0000")) errors.description = t("media.problem.invalid");
    if (Object.keys(errors).length) return newForm(c, values, errors, 422);
    const made = await createPublication(ctx, viewer, values);
    if (!made.ok) return newForm(c, values, { name: t("media.pub.error.name") }, 422);
    return redirectHere(c, `/publications/${made.value.name}`, 303);
  });

  /** The publication by handle (a Group of kind publication), or null. */
  async function publication(name: string) {
    if (!/^[A-Za-z0-9_]{1,30}$/.test(name)) return null;
    const group = await findGroup(deps.db, name);
    return group?.kind === "publication" ? group : null;
  }

  app.get("/publications/:name", async (c) => {
    const t = c.get("t");
    const pub = await publication(c.req.param("name"));
    if (!pub) return c.notFound();
    const viewer = c.get("viewer");
    const [front, staff, role] = await Promise.all([
      frontPage(deps.db, { publicationId: pub.id }),
      staffOf(deps.db, pub.id),
      viewer ? roleIn(deps.db, pub.id, viewer.id) : null,
    ]);
    const queue = role === "editor" ? await articlesIn(deps.db, pub.id) : [];
    const handle = `@${pub.name}@${deps.config.domain}`;
    const body = html`<header class="publication-header">
        <h1>${pub.display_name || pub.name}</h1>
        ${pub.description ? html`<p class="lead">${pub.description}</p>` : ""}
        <p class="follow-handle">${t("media.follow", { name: pub.display_name || pub.name, handle })}</p>
        <p><a href="${safeUrl(`/groups/${pub.name}/newsletter`)}">${t("feeds.newsletter.link")}</a></p>
        ${role ? html`<p><a class="button" href="${safeUrl(`/media/new?${new URLSearchParams({ publication: pub.id })}`)}">${t("media.write")}</a></p>` : ""}
      </header>
      ${c.req.query("done") ? html`<p class="notice ok" role="status">${c.req.query("done")?.slice(0, 200)}</p>` : ""}
      ${front.featured.length ? html`<h2>${t("media.pub.featured")}</h2><ul class="media-list featured">${front.featured.map((a) => item(c, a))}</ul>` : ""}
      <h2>${t("media.pub.latest")}</h2>
      ${front.latest.length ? html`<ul class="media-list">${front.latest.map((a) => item(c, a))}</ul>` : front.featured.length ? "" : html`<p class="notice">${t("media.pub.none")}</p>`}
      ${
        queue.length
          ? html`<h2>${t("media.toReview")}</h2><ul class="desk">${queue.map((a) => html`<li><a href="/media/articles/${a.id}/edit">${a.title}</a> <span class="badge state-${a.state}">${t(`media.state.${a.state}`)}</span> <span class="muted">${a.authorName || a.author}</span></li>`)}</ul>`
          : ""
      }
      <h2>${t("media.pub.masthead")}</h2>
      <ul class="masthead">${staff.map(
        (s) =>
          html`<li><a href="/@${s.username}">${s.displayName || s.username}</a> <span class="muted">${t(s.role === "editor" ? "media.pub.role.editor" : "media.pub.role.writer")}</span>${
            role === "editor"
              ? html` <form method="post" action="${safeUrl(`/publications/${pub.name}/staff`)}" class="inline">${csrfField(c)}<input type="hidden" name="username" value="${s.username}" /><input type="hidden" name="role" value="remove" /><button type="submit" class="link">${t("media.pub.remove")}</button></form>`
              : ""
          }</li>`,
      )}</ul>
      ${
        role === "editor"
          ? html`<form method="post" action="/publications/${pub.name}/staff" class="inline-form">
          ${csrfField(c)}
          ${field({ name: "username", label: t("media.pub.username"), required: true, maxlength: 30 })}
          <div class="field"><label for="f-role">${t("media.pub.role")}</label><select id="f-role" name="role"><option value="writer">${t("media.pub.role.writer")}</option><option value="editor">${t("media.pub.role.editor")}</option></select></div>
          <button type="submit">${t("media.pub.addStaff")}</button></form>`
          : ""
      }`;
    const title = pub.display_name || pub.name;
    // The publication's feeds are its group's (web/feeds): autodiscovery points there.
    const withFeeds = { head: html`${head.head}${feedLinks(c, `/groups/${pub.name}`, title)}` };
    return c.html(layout(c, title, body, withFeeds));
  });

  app.post("/publications/:name/staff", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const pub = await publication(c.req.param("name"));
    if (!pub) return c.notFound();
    const form = await readForm(c);
    const role =
      form.role === "editor" || form.role === "writer" || form.role === "remove" ? form.role : null;
    const member = /^[A-Za-z0-9_]{1,30}$/.test(form.username ?? "")
      ? await deps.db
          .selectFrom("accounts")
          .select("id")
          .where("username", "=", form.username ?? "")
          .where("status", "=", "active")
          .executeTakeFirst()
      : undefined;
    const refuse = (text: string, status: 403 | 404 | 422) =>
      c.html(
        layout(
          c,
          t("media.flow.refused"),
          html`<h1>${t("media.flow.refused")}</h1><p class="errors" role="alert">${text}</p><p><a href="/publications/${pub.name}">${pub.display_name}</a></p>`,
        ),
        status,
      );
    if (!role) return refuse(t("media.problem.invalid"), 422);
    if (!member) return refuse(t("media.pub.error.username"), 422);
    const set =
      role === "remove"
        ? await removeFromStaff(ctx, viewer, { publicationId: pub.id, accountId: member.id })
        : await setStaffRole(ctx, viewer, { publicationId: pub.id, accountId: member.id, role });
    if (!set.ok)
      return refuse(
        t(
          set.reason === "forbidden"
            ? "media.problem.forbidden"
            : set.reason === "last-editor"
              ? "media.pub.error.lastEditor"
              : "media.problem.invalid",
        ),
        set.reason === "forbidden" ? 403 : 422,
      );
    return redirectHere(
      c,
      `/publications/${pub.name}?${new URLSearchParams({ done: t("media.pub.staffAdded") })}`,
      303,
    );
  });

  return app;
}
