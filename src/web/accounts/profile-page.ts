/**
 * The public profile page at /@username: the person's head (web/people/render.ts:
 * counts, Follow / Mute / Block / Report), their fields, then their posts.
 * A deleted member's page answers 410 Gone.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { isDeleted } from "../../accounts/data.ts";
import { parseFields, publicProfile } from "../../accounts/profile.ts";
import { memberUri } from "../../kernel/uris.ts";
import { movedToView } from "../../moving/moves.ts";
import { localPerson, standingWith } from "../../social/people.ts";
import type { WebEnv } from "../context.ts";
import { errorPage } from "../errors.ts";
import { feedLinks } from "../feeds/discovery.ts";
import { notice } from "../forms.ts";
import { layout } from "../layout.ts";
import { personHead } from "../people/render.ts";
import { safeUrl } from "../safe-url.ts";
import { relativeDate } from "../time.ts";
import type { AccountsDeps } from "./deps.ts";

export function profilePages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/:handle{@[A-Za-z0-9_]{1,30}}", async (c) => {
    const t = c.get("t");
    const username = c.req.param("handle").slice(1);
    const account = await publicProfile(deps.db, username);
    if (account && isDeleted(account)) return errorPage(c, 410, t("profile.gone"));
    if (account?.status !== "active") return c.notFound();
    const viewer = c.get("viewer");
    const name = account.display_name || account.username;
    const fields = parseFields(account.fields);
    const joined = relativeDate(c.get("locale"), account.created_at);
    // A member who moved away: the profile points to the new account (moving/moves.ts).
    const where = { db: deps.db, origin: deps.config.origin, domain: deps.config.domain };
    const moved = await movedToView(where, memberUri(deps.config.origin, account.username));
    const s = {
      db: deps.db,
      origin: deps.config.origin,
      domain: deps.config.domain,
      clock: deps.clock,
    };
    const person = await localPerson(s, account.username);
    if (!person) return c.notFound();
    const standing = viewer
      ? await standingWith(
          deps.db,
          { id: viewer.id, uri: memberUri(deps.config.origin, viewer.username) },
          person.uri,
        )
      : null;
    const details = html`${
      fields.length > 0
        ? html`<dl class="fields">${fields.map((f) => html`<dt>${f.name}</dt><dd>${fieldValue(f.value)}</dd>`)}</dl>`
        : ""
    }
      <p class="muted">${t("profile.joined", { date: joined })} ·
        <a href="/@${account.username}/newsletter">${t("feeds.newsletter.link")}</a></p>`;
    const badges =
      account.role !== "member"
        ? html`<p class="badge">${t(account.role === "admin" ? "profile.role.admin" : "profile.role.moderator")}</p>`
        : html``;
    const body = html`${notice(c.req.query("done")?.slice(0, 300))}${moved ? html`<p class="notice" role="status">${t("moving.profileMoved", { name })} <a href="${safeUrl(moved.uri)}" rel="nofollow noopener">${moved.handle}</a></p>` : ""}
    <div lang="${account.language}">${personHead(c, person, standing, { badges, details })}</div>
    ${deps.profileSection ? await deps.profileSection(c, account) : ""}`;
    return c.html(layout(c, name, body, { head: feedLinks(c, `/@${account.username}`, name) }));
  });

  return app;
}

/** A field value that is a web address becomes a link (rel=me lets other sites verify it). */
function fieldValue(value: string) {
  if (/^https?:\/\/[^\s<>"]+$/.test(value)) {
    return html`<a href="${safeUrl(value)}" rel="me nofollow noopener noreferrer">${value.replace(/^https?:\/\//, "")}</a>`;
  }
  return value;
}
