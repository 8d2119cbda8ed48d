/**
 * The groups pages: the directory (/groups), the create form, and a group's page
 * (about, members with roles, its threads and the form to start one, join /
 * leave / request). Members-only groups show their threads to members only.
 * Threads and replies are in thread-pages.ts; management of members in
 * manage.ts; a co-op's federations in federations.ts.
 */

import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { createGroup, type Group, listGroups } from "../../groups/groups.ts";
import { joinGroup, leaveGroup } from "../../groups/memberships.ts";
import { listMembers } from "../../groups/roster.ts";
import { canRead, listThreads } from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import { groupUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { feedLinks } from "../feeds/discovery.ts";
import { csrfField, errorSummary, type FieldErrors, field, notice, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
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
import { threadForm } from "./thread-pages.ts";
import { threadCards } from "./thread-view.ts";

const KINDS = ["working_group", "federation"] as const;

export function groupPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { db, config } = deps;

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
        // Leaving asks first (manage.ts answers the GET with a confirmation page).
        action = html`<a class="button secondary" href="${safeUrl(`/groups/${group.name}/leave`)}">${t("groups.leave")}</a>`;
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
    const cards = await threadCards(c, deps, threads, { moderator });
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
        ${standing.status === "active" ? html`<p><a class="button secondary" href="/groups/${group.name}/decisions/new">${t("decisions.start")}</a></p>` : ""}
        ${canStart ? html`<details class="start-thread"><summary class="button">${t("groups.thread.start")}</summary>${threadForm(c, group)}</details>` : ""}
        ${cards}
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
    // A public group's (a publication's) feeds list its public posts (web/feeds).
    const feeds =
      group.visibility === "public"
        ? feedLinks(c, `/groups/${group.name}`, groupName(c, group))
        : html``;
    return c.html(layout(c, groupName(c, group), body, { head: feeds }));
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
      : t(
          result.reason === "already-requested"
            ? "groups.done.alreadyRequested"
            : "groups.done.alreadyMember",
          {
            name: group.display_name,
          },
        );
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

  return app;
}
