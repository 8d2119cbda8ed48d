/**
 * A person's head on their page here (web/people/pages.ts for remote people,
 * web/accounts/profile-page.ts for members): header image, avatar, name, handle,
 * bio, counts, and the acts open to the viewer. Each act is a form that posts and
 * comes back to this page (people/actions.ts); Block asks first on its own page.
 */
import type { Context } from "hono";
import { html, raw } from "hono/html";
import type { PersonView, Standing } from "../../social/people.ts";
import type { WebEnv } from "../context.ts";
import { csrfField } from "../forms.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

/** This page's path and query: where an act comes back to. */
export function herePath(c: Context<WebEnv>): string {
  const here = new URL(c.req.url);
  return `${here.pathname}${here.search}`;
}

function actForm(
  c: Context<WebEnv>,
  person: PersonView,
  act: string,
  label: string,
  kind: "" | "secondary" | "danger" = "",
): Html {
  return html`<form method="post" action="${safeUrl(`/people/${act}`)}" class="inline">
    ${csrfField(c)}<input type="hidden" name="actor" value="${person.uri}" /><input type="hidden" name="back" value="${herePath(c)}" />
    <button type="submit" class="${`person-act act-${act}${kind ? ` ${kind}` : ""}`}">${label}</button>
  </form>`;
}

/** Follow / Unfollow (or the pending request), Mute, Block, Report: what the viewer may do. */
export function personActions(
  c: Context<WebEnv>,
  person: PersonView,
  standing: Standing | null,
): Html {
  const t = c.get("t");
  const viewer = c.get("viewer");
  if (person.gone) return html`<p class="notice">${t("people.gone")}</p>`;
  if (!viewer || !standing) {
    const login = `/login?${new URLSearchParams({ next: herePath(c) })}`;
    return html`<div class="person-actions"><a class="button" href="${safeUrl(login)}">${t("people.follow")}</a></div>`;
  }
  if (viewer.username && person.local && person.path === `/@${viewer.username}`)
    return html`<p class="muted">${t("people.you")} <a href="/settings">${t("profile.edit")}</a></p>`;
  const follow =
    standing.follow === "accepted"
      ? actForm(c, person, "unfollow", t("people.unfollow"), "secondary")
      : standing.follow === "pending"
        ? html`<span class="badge" role="status">${t("people.requested")}</span>${actForm(c, person, "unfollow", t("people.withdraw"), "secondary")}`
        : standing.blocked
          ? ""
          : actForm(c, person, "follow", t("people.follow"));
  const block = standing.blocked
    ? actForm(c, person, "unblock", t("people.unblock"), "secondary")
    : html`<a class="button secondary person-act" href="${safeUrl(`/people/block?${new URLSearchParams({ actor: person.uri })}`)}">${t("people.block")}</a>`;
  return html`<div class="person-actions" role="group" aria-label="${t("people.actions")}">
    ${follow}
    ${actForm(c, person, standing.muted ? "unmute" : "mute", t(standing.muted ? "people.unmute" : "people.mute"), "secondary")}
    ${block}
    <a class="button secondary person-act" href="${safeUrl(`/people/report?${new URLSearchParams({ actor: person.uri })}`)}">${t("people.report")}</a>
  </div>`;
}

function counts(c: Context<WebEnv>, person: PersonView): Html {
  const t = c.get("t");
  const items = [
    person.posts === null ? "" : html`<li>${t("people.posts", { n: person.posts })}</li>`,
    person.followers === null
      ? ""
      : html`<li class="person-followers">${t("people.followers", { n: person.followers })}</li>`,
    person.following === null
      ? ""
      : html`<li>${t("people.following", { n: person.following })}</li>`,
  ];
  if (items.every((i) => i === "")) return html``;
  return html`<ul class="person-counts" aria-label="${t("people.counts")}">${items}</ul>`;
}

/** Extra lines a page adds under the bio (a member's fields, joined date, role). */
export interface PersonExtras {
  badges?: Html;
  details?: Html;
}

export function personHead(
  c: Context<WebEnv>,
  person: PersonView,
  standing: Standing | null,
  extras: PersonExtras = {},
): Html {
  const t = c.get("t");
  return html`<article class="profile person">
    ${person.headerUrl ? html`<img class="profile-header" src="${safeUrl(person.headerUrl)}" alt="" width="1500" height="500" />` : ""}
    <div class="profile-id">
      ${
        person.avatarUrl
          ? html`<img class="avatar" src="${safeUrl(person.avatarUrl)}" alt="" width="96" height="96" />`
          : html`<span class="avatar placeholder" aria-hidden="true">${person.name.slice(0, 1).toUpperCase()}</span>`
      }
      <div>
        <h1>${person.name}</h1>
        <p class="handle">${person.handle}</p>
        ${person.locked ? html`<p class="badge">${t("people.locked")}</p>` : ""}
        ${standing?.followsYou ? html`<p class="badge">${t("people.followsYou")}</p>` : ""}
        ${standing?.muted ? html`<p class="badge">${t("people.muted")}</p>` : ""}
        ${standing?.blocked ? html`<p class="badge">${t("people.blocked")}</p>` : ""}
        ${extras.badges ?? ""}
      </div>
    </div>
    ${person.bioHtml ? html`<div class="bio">${raw(person.bioHtml)}</div>` : ""}
    ${extras.details ?? ""}
    ${counts(c, person)}
    ${personActions(c, person, standing)}
    ${
      person.remoteUrl
        ? html`<p class="muted person-remote">${t("people.remoteNote", { host: person.host })}
      <a href="${safeUrl(person.remoteUrl)}" rel="nofollow noopener noreferrer">${t("people.openRemote")} ↗</a></p>`
        : ""
    }
  </article>`;
}

/** The person in one line, on the pages that act on them (block, report). */
export function personLine(person: PersonView): Html {
  return html`<p class="person-line">
    ${person.avatarUrl ? html`<img class="avatar small" src="${safeUrl(person.avatarUrl)}" alt="" width="40" height="40" />` : html`<span class="avatar small placeholder" aria-hidden="true">${person.name.slice(0, 1).toUpperCase()}</span>`}
    <a href="${safeUrl(person.path)}"><strong>${person.name}</strong></a> <span class="handle">${person.handle}</span>
  </p>`;
}
