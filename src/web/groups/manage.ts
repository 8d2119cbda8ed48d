/**
 * Membership management for a group's moderators and admins: join requests
 * (admit / turn down), invitations (a member here by username, or an actor
 * elsewhere by handle), roles (admins only) and removal; reports of the group's
 * posts (reports.ts); for a federation, its member co-ops with their delegates,
 * and our own co-op joining it.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { findByUsername } from "../../accounts/accounts.ts";
import { delegatesOf, joinWithOurCoop } from "../../groups/federations.ts";
import { type Group, updateGroup } from "../../groups/groups.ts";
import { canModerate } from "../../groups/memberships.ts";
import {
  approveRequest,
  type InviteProblem,
  invite,
  ROLES,
  removeMember,
  setRole,
  unban,
} from "../../groups/moderation.ts";
import { listBans, moderationLog } from "../../groups/moderation-log.ts";
import { listMembers } from "../../groups/roster.ts";
import { InputError, ok, type Result } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import { actorChip, actorChips, sentence } from "../actor-chips.ts";
import { confirmPage } from "../confirm.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, field, notice, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import { bansSection, logSection, memberCards, namedOnPage } from "./manage-lists.ts";
import {
  doneQuery,
  type GroupsDeps,
  groupFromPath,
  groupsContext,
  groupsNav,
  postButton,
  viewerStanding,
} from "./render.ts";
import { reportsSection } from "./reports.ts";

export function groupManagePages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { db, config } = deps;
  const g = groupsContext(deps);

  /** The group, if the viewer moderates it; 403 otherwise (nothing else happens). */
  async function moderated(c: Context<WebEnv>) {
    const viewer = requireViewer(c);
    const group = await groupFromPath(c, deps);
    const standing = await viewerStanding(c, deps, group);
    if (!canModerate(standing.role))
      throw new InputError(c.get("t")("groups.manage.forbidden"), 403);
    return { viewer, group, role: standing.role };
  }

  function outcome(
    c: Context<WebEnv>,
    group: Group,
    result: Result<unknown, InviteProblem | "not-a-federation">,
    done: "approved" | "removed" | "banned" | "unbanned" | "role" | "invited" | "coopJoined",
  ) {
    const t = c.get("t");
    if (!result.ok) {
      if (result.reason === "forbidden") throw new InputError(t("groups.manage.forbidden"), 403);
      if (result.reason === "not-found") throw new InputError(t("error.notFound"), 404);
      if (result.reason === "banned") throw new InputError(t("groups.manage.isBanned"), 422);
      throw new InputError(t("groups.error.invalid"), 422);
    }
    return redirectHere(
      c,
      `/groups/${group.name}/manage${doneQuery(t(`groups.done.${done}`))}`,
      303,
    );
  }

  app.get("/groups/:name/manage", async (c) => {
    const { group, role, viewer } = await moderated(c);
    const t = c.get("t");
    const me = memberUri(config.origin, viewer.username);
    const members = await listMembers(db, group);
    const pending = members.filter((m) => m.status === "pending");
    const others = members.filter((m) => m.status !== "pending");
    const delegates = group.kind === "federation" ? await delegatesOf(db, group.id) : [];
    const base = `/groups/${group.name}/members`;
    const bans = await listBans(db, group.id);
    const log = await moderationLog(db, group.id, 50);
    const reports = await reportsSection(c, deps, group, viewer);
    const chip = await actorChips(
      db,
      config.origin,
      namedOnPage(
        members,
        bans,
        log,
        delegates.map((d) => d.delegate_uri),
      ),
    );
    const body = html`${groupsNav(c)}
      <p><a href="/groups/${group.name}">${group.display_name}</a></p>
      <h1>${t("groups.manage.title", { name: group.display_name })}</h1>
      ${notice(c.req.query("done")?.slice(0, 300))}
      <section aria-labelledby="req-h"><h2 id="req-h">${t("groups.manage.requests")}</h2>
        ${pending.length === 0 ? html`<p>${t("groups.manage.requests.none")}</p>` : ""}
        <ul class="member-cards requests">${pending.map(
          (m) => html`<li class="member-card"><div class="who">${actorChip(chip(m.actorUri))}
            ${m.actorKind === "coop" ? html`<span class="badge">${t("groups.coop")}</span>` : ""}</div>
            <div class="actions">${postButton(c, `${base}/${m.id}/approve`, t("groups.manage.approve"))}
            ${postButton(c, `${base}/${m.id}/remove`, t("groups.manage.reject"), { kind: "secondary" })}</div></li>`,
        )}</ul>
      </section>
      ${reports}
      <section aria-labelledby="inv-h"><h2 id="inv-h">${t("groups.manage.invite")}</h2>
        <form method="post" action="/groups/${group.name}/invite" class="stack">
          ${csrfField(c)}
          ${field({ name: "who", label: t("groups.manage.invite.label"), required: true, maxlength: 500 })}
          <div><button type="submit">${t("groups.manage.invite")}</button></div>
        </form>
      </section>
      ${memberCards(c, { group, role, me, members: others, chip })}
      ${bansSection(c, group, bans, chip)}
      ${logSection(c, log, chip)}
      ${role === "admin" ? settingsForm(c, group) : ""}
      ${
        group.kind === "federation"
          ? html`<section aria-labelledby="coops-h"><h2 id="coops-h">${t("groups.federation.coops")}</h2>
            <p>${t("groups.federation.votingMode", { mode: t(`groups.form.votingMode.${group.voting_mode}`) })}</p>
            ${members.some((m) => m.actorKind === "coop") ? "" : html`<p>${t("groups.federation.coops.none")}</p>`}
            <ul class="member-cards coops">${members
              .filter((m) => m.actorKind === "coop" && m.status === "active")
              .map((m) => {
                const named = delegates
                  .filter((d) => d.coop_uri === m.actorUri)
                  .map((d) => d.delegate_uri);
                return html`<li class="member-card"><div class="who">${actorChip(chip(m.actorUri))}</div>
                  <p class="meta">${named.length ? named.map((d) => actorChip(chip(d))) : t("groups.federation.delegates.none")}</p></li>`;
              })}</ul>
            ${c.get("viewer")?.role === "admin" ? postButton(c, `/groups/${group.name}/our-coop`, t("groups.federation.joinOurs")) : ""}
          </section>`
          : ""
      }`;
    return c.html(layout(c, t("groups.manage.title", { name: group.display_name }), body));
  });

  function settingsForm(c: Context<WebEnv>, group: Group) {
    const t = c.get("t");
    const radio = (name: string, value: string, label: string, checked: boolean) =>
      html`<label class="choice"><input type="radio" name="${name}" value="${value}"${checked ? html` checked` : ""} /> ${label}</label>`;
    const box = (name: string, label: string, checked: boolean) =>
      html`<label class="choice"><input type="checkbox" name="${name}" value="on"${checked ? html` checked` : ""} /> ${label}</label>`;
    return html`<section aria-labelledby="set-h"><h2 id="set-h">${t("groups.settings")}</h2>
      <form method="post" action="/groups/${group.name}/settings" class="stack group-form">
        ${csrfField(c)}
        ${field({ name: "displayName", label: t("groups.form.displayName"), value: group.display_name, required: true, maxlength: 100 })}
        ${field({ name: "description", label: t("groups.form.description"), type: "textarea", value: group.description, maxlength: 5000 })}
        ${
          group.kind === "assembly"
            ? ""
            : html`<fieldset><legend>${t("groups.form.visibility")}</legend>
              ${radio("visibility", "public", t("groups.visibility.public"), group.visibility === "public")}
              ${radio("visibility", "members", t("groups.visibility.members"), group.visibility === "members")}
            </fieldset>
            ${box("moderated", t("groups.form.moderated"), group.moderated === 1)}`
        }
        ${box("postingRestricted", t("groups.form.postingRestricted"), group.posting_restricted === 1)}
        ${
          group.kind === "federation"
            ? html`<fieldset><legend>${t("groups.form.votingMode")}</legend>
              ${radio("votingMode", "delegates", t("groups.form.votingMode.delegates"), group.voting_mode === "delegates")}
              ${radio("votingMode", "direct", t("groups.form.votingMode.direct"), group.voting_mode === "direct")}
            </fieldset>`
            : ""
        }
        <div><button type="submit">${t("groups.settings.save")}</button></div>
      </form></section>`;
  }

  app.post("/groups/:name/settings", async (c) => {
    const { group, role, viewer } = await moderated(c);
    const t = c.get("t");
    if (role !== "admin") throw new InputError(t("groups.settings.forbidden"), 403);
    const form = await readForm(c);
    const result = await updateGroup(g, viewer, {
      group,
      settings: {
        displayName: form.displayName ?? "",
        description: form.description ?? "",
        visibility: form.visibility === "members" ? "members" : "public",
        moderated: form.moderated === "on",
        postingRestricted: form.postingRestricted === "on",
        votingMode:
          form.votingMode === "direct"
            ? "direct"
            : group.kind === "federation"
              ? "delegates"
              : group.voting_mode,
      },
    });
    if (!result.ok && result.reason === "forbidden")
      throw new InputError(t("groups.settings.forbidden"), 403);
    if (!result.ok) throw new InputError(t("groups.error.displayName"), 422);
    return redirectHere(
      c,
      `/groups/${group.name}/manage${doneQuery(t("groups.settings.saved"))}`,
      303,
    );
  });

  app.post("/groups/:name/members/:id/approve", async (c) => {
    const { viewer, group } = await moderated(c);
    return outcome(
      c,
      group,
      await approveRequest(g, viewer, { group, memberId: c.req.param("id") }),
      "approved",
    );
  });

  app.post("/groups/:name/members/:id/remove", async (c) => {
    const { viewer, group } = await moderated(c);
    return outcome(
      c,
      group,
      await removeMember(g, viewer, { group, memberId: c.req.param("id") }),
      "removed",
    );
  });

  app.get("/groups/:name/leave", async (c) => {
    requireViewer(c);
    const group = await groupFromPath(c, deps);
    const t = c.get("t");
    const name = group.display_name;
    return confirmPage(c, {
      title: t("groups.leaveTitle", { group: name }),
      question: t("groups.leaveQuestion", { group: name }),
      action: `/groups/${group.name}/leave`,
      confirm: t("groups.leave"),
      back: `/groups/${group.name}`,
      danger: true,
    });
  });

  app.get("/groups/:name/members/:id/ban", async (c) => {
    const { group } = await moderated(c);
    const t = c.get("t");
    const member = (await listMembers(db, group)).find((m) => m.id === c.req.param("id"));
    if (!member) throw new InputError(t("error.notFound"), 404);
    const who = actorChip(
      (await actorChips(db, config.origin, [member.actorUri]))(member.actorUri),
    );
    const name = group.display_name;
    return confirmPage(c, {
      title: t("groups.manage.banTitle", { group: name }),
      question: sentence((p) => t("groups.manage.banQuestion", { ...p, group: name }), { who }),
      action: `/groups/${group.name}/members/${member.id}/ban`,
      confirm: t("groups.manage.ban"),
      back: `/groups/${group.name}/manage`,
      danger: true,
      extra: field({ name: "reason", label: t("groups.manage.banReason"), maxlength: 500 }),
    });
  });

  app.post("/groups/:name/members/:id/ban", async (c) => {
    const { viewer, group } = await moderated(c);
    const reason = ((await readForm(c)).reason ?? "").trim();
    if (reason.length > 500) throw new InputError(c.get("t")("groups.error.invalid"), 422);
    return outcome(
      c,
      group,
      await removeMember(g, viewer, { group, memberId: c.req.param("id"), ban: { reason } }),
      "banned",
    );
  });

  app.post("/groups/:name/bans/remove", async (c) => {
    const { viewer, group } = await moderated(c);
    const actor = ((await readForm(c)).actor ?? "").trim();
    if (!actor) throw new InputError(c.get("t")("groups.error.invalid"), 422);
    return outcome(c, group, await unban(g, viewer, { group, actorUri: actor }), "unbanned");
  });

  app.post("/groups/:name/members/:id/role", async (c) => {
    const { viewer, group } = await moderated(c);
    const role = (await readForm(c)).role;
    const known = ROLES.find((r) => r === role);
    if (!known) throw new InputError(c.get("t")("groups.error.invalid"), 422);
    return outcome(
      c,
      group,
      await setRole(g, viewer, { group, memberId: c.req.param("id"), role: known }),
      "role",
    );
  });

  app.post("/groups/:name/invite", async (c) => {
    const { viewer, group } = await moderated(c);
    const t = c.get("t");
    const who = ((await readForm(c)).who ?? "").trim().replace(/^@/, "").slice(0, 500);
    const localName = new RegExp(
      `^([A-Za-z0-9_]{1,30})(?:@${config.domain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})?$`,
      "i",
    ).exec(who)?.[1];
    let result: Awaited<ReturnType<typeof invite>>;
    if (localName) {
      const account = await findByUsername(db, localName);
      if (account?.status !== "active")
        throw new InputError(t("groups.manage.invite.notFound", { query: who }), 422);
      result = await invite(g, viewer, { group, target: { kind: "local", account } });
    } else {
      const actor =
        /^[^@\s]+@[^@\s]+$/.test(who) || /^https?:\/\//.test(who)
          ? await deps.federation.lookup(who)
          : null;
      if (!actor) throw new InputError(t("groups.manage.invite.notFound", { query: who }), 422);
      result = await invite(g, viewer, {
        group,
        target: { kind: "remote", uri: actor.uri, remoteId: actor.id, type: actor.type },
      });
    }
    return outcome(c, group, result, "invited");
  });

  app.post("/groups/:name/our-coop", async (c) => {
    const viewer = requireViewer(c);
    const group = await groupFromPath(c, deps);
    const standing = await viewerStanding(c, deps, group);
    if (viewer.role !== "admin" || !canModerate(standing.role))
      throw new InputError(c.get("t")("groups.manage.forbidden"), 403);
    const joined = await joinWithOurCoop(g, viewer, { group });
    // Already in: the page's answer is the same as for joining (nothing changed).
    return outcome(
      c,
      group,
      joined.ok || joined.reason === "already-member" ? ok(null) : joined,
      "coopJoined",
    );
  });

  return app;
}
