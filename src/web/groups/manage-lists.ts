/**
 * The lists of a group's management page (manage.ts): members (joined and
 * invited apart; join requests have their own section), bans and the moderation
 * log, each person shown with avatar, name and handle (web/actor-chips.ts). On a
 * phone each member is a card whose actions wrap below the name, never off-screen;
 * banning asks first on its own page (no JavaScript needed).
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Group } from "../../groups/groups.ts";
import { ROLES } from "../../groups/moderation.ts";
import type { listBans, moderationLog } from "../../groups/moderation-log.ts";
import type { listMembers } from "../../groups/roster.ts";
import { type ActorChip, actorChip, sentence } from "../actor-chips.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, formatDate } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { timeTag } from "../time.ts";
import { postButton } from "./render.ts";

type Member = Awaited<ReturnType<typeof listMembers>>[number];
type Chip = (uri: string) => ActorChip;

/** Log actions whose target is a person; the others name a post. */
const actsOnPeople = new Set(["ban", "unban", "remove", "invite", "approve", "role"]);

export function memberCards(
  c: Context<WebEnv>,
  o: { group: Group; role: string; me: string; members: Member[]; chip: Chip },
): Html {
  const t = c.get("t");
  const base = `/groups/${o.group.name}/members`;
  const roleForm = (
    m: Member,
  ) => html`<form method="post" action="${safeUrl(`${base}/${m.id}/role`)}" class="inline role-form">
      ${csrfField(c)}<label class="visually-hidden" for="role-${m.id}">${t("groups.manage.role")}</label>
      <select id="role-${m.id}" name="role">${ROLES.map((r) => html`<option value="${r}"${r === m.role ? html` selected` : ""}>${t(`groups.role.${r}`)}</option>`)}</select>
      <button type="submit" class="secondary">${t("groups.manage.setRole")}</button></form>`;
  const card = (m: Member) => html`<li class="member-card">
      <div class="who">${actorChip(o.chip(m.actorUri))}
        ${m.actorKind === "coop" ? html`<span class="badge">${t("groups.coop")}</span>` : ""}
        ${m.status === "invited" ? html`<span class="badge">${t("groups.status.invited")}</span>` : html`<span class="badge role">${t(`groups.role.${m.role}`)}</span>`}</div>
      ${
        m.actorUri === o.me
          ? ""
          : html`<div class="actions">${o.role === "admin" && m.status === "active" && m.actorKind === "person" ? roleForm(m) : ""}
            ${postButton(c, `${base}/${m.id}/remove`, t("groups.manage.remove"), { kind: "secondary" })}
            <a class="button danger" href="${safeUrl(`${base}/${m.id}/ban`)}">${t("groups.manage.ban")}</a></div>`
      }</li>`;
  const joined = o.members.filter((m) => m.status === "active");
  const invited = o.members.filter((m) => m.status === "invited");
  return html`<section aria-labelledby="mem-h"><h2 id="mem-h">${t("groups.membersHeading")}</h2>
      <ul class="member-cards">${joined.map(card)}</ul>
    </section>
    ${
      invited.length
        ? html`<section aria-labelledby="invited-h"><h2 id="invited-h">${t("groups.manage.invitedHeading")}</h2>
      <ul class="member-cards">${invited.map(card)}</ul></section>`
        : ""
    }`;
}

export function bansSection(
  c: Context<WebEnv>,
  group: Group,
  bans: Awaited<ReturnType<typeof listBans>>,
  chip: Chip,
): Html {
  const t = c.get("t");
  return html`<section aria-labelledby="bans-h"><h2 id="bans-h">${t("groups.manage.bans")}</h2>
    ${bans.length === 0 ? html`<p>${t("groups.manage.bans.none")}</p>` : ""}
    <ul class="member-cards bans">${bans.map(
      (b) => html`<li class="member-card"><div class="who">${actorChip(chip(b.actor_uri))}</div>
        <p class="meta">${sentence((p) => t("groups.manage.bannedBy", { ...p, when: formatDate(c.get("locale"), b.created_at) }), { who: actorChip(chip(b.banned_by)) })}${b.reason ? html` — <span class="reason">${b.reason}</span>` : ""}</p>
        <div class="actions">${postButton(c, `/groups/${group.name}/bans/remove`, t("groups.manage.unban"), { kind: "secondary", fields: { actor: b.actor_uri } })}</div></li>`,
    )}</ul>
  </section>`;
}

export function logSection(
  c: Context<WebEnv>,
  log: Awaited<ReturnType<typeof moderationLog>>,
  chip: Chip,
): Html {
  const t = c.get("t");
  const target = (action: string, uri: string) =>
    actsOnPeople.has(action)
      ? actorChip(chip(uri))
      : html`<a class="break" href="${safeUrl(uri)}">${t("moderation.aPost")}</a>`;
  return html`<section aria-labelledby="log-h"><h2 id="log-h">${t("groups.manage.log")}</h2>
    ${log.length === 0 ? html`<p>${t("groups.manage.log.none")}</p>` : ""}
    <ol class="moderation-log">${log.map(
      (e) => html`<li>${timeTag(c.get("locale"), e.created_at)}
        ${sentence((p) => t(`groups.log.${e.action}` as MessageKey, p), { who: actorChip(chip(e.moderator_uri)), target: target(e.action, e.target_uri) })}${e.reason ? html` — <span class="reason">${e.reason}</span>` : ""}</li>`,
    )}</ol>
  </section>`;
}

/** People a page names (members, bans, log), to be looked up at once. */
export function namedOnPage(
  members: Member[],
  bans: Awaited<ReturnType<typeof listBans>>,
  log: Awaited<ReturnType<typeof moderationLog>>,
  more: string[] = [],
): string[] {
  return [
    ...members.map((m) => m.actorUri),
    ...bans.flatMap((b) => [b.actor_uri, b.banned_by]),
    ...log.flatMap((e) => [e.moderator_uri, ...(actsOnPeople.has(e.action) ? [e.target_uri] : [])]),
    ...more,
  ];
}
