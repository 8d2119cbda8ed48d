/**
 * A co-op's side of federations hosted on other nodes (admins act for the
 * assembly): join one by its handle — the co-op's Organization actor follows
 * the Group — and name delegates among the members, sent as Add / Remove.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { sql } from "kysely";
import {
  joinFederation,
  leaveFederation,
  listAffiliations,
  setDelegates,
} from "../../groups/federations.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, field, notice, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireRole } from "../session.ts";
import { doneQuery, type GroupsDeps, groupsContext, groupsNav } from "./render.ts";

export function coopFederationPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { db } = deps;
  const g = groupsContext(deps);

  /** The page; `refused` puts a delegates form's typed names back with the error next to them. */
  async function federationsPage(
    c: Context<WebEnv>,
    refused?: { affiliationId: string; value: string; error: string },
  ) {
    const t = c.get("t");
    const affiliations = await listAffiliations(db);
    const delegates = await db
      .selectFrom("coop_delegates")
      .innerJoin("accounts", "accounts.id", "coop_delegates.account_id")
      .select(["coop_delegates.affiliation_id", "accounts.username"])
      .execute();
    const body = html`${groupsNav(c)}
      <h1>${t("groups.fed.title")}</h1>
      <p class="lead">${t("groups.fed.lead")}</p>
      ${refused ? errorSummary(c, { [`delegates-${refused.affiliationId}`]: refused.error }) : ""}
      ${notice(c.req.query("done")?.slice(0, 300))}
      ${affiliations.length === 0 ? html`<p>${t("groups.fed.none")}</p>` : ""}
      <ul class="cards">${affiliations.map((a) => {
        const names = delegates.filter((d) => d.affiliation_id === a.id).map((d) => d.username);
        const mine = refused?.affiliationId === a.id ? refused : undefined;
        return html`<li class="card"><h2>${a.name || a.handle}</h2><p class="handle">@${a.handle}</p>
          ${a.status === "pending" ? html`<p class="badge">${t("groups.fed.pending")}</p>` : ""}
          <form method="post" action="/groups/federations/${a.id}/delegates" class="stack">
            ${csrfField(c)}
            ${field({ name: `delegates-${a.id}`, label: t("groups.fed.delegates"), value: mine?.value ?? names.join(", "), error: mine?.error, maxlength: 2000 })}
            <div><button type="submit">${t("groups.fed.saveDelegates")}</button></div>
          </form>
          <form method="post" action="/groups/federations/${a.id}/leave" class="inline">
            ${csrfField(c)}<button type="submit" class="secondary">${t("groups.leave")}</button>
          </form></li>`;
      })}</ul>
      <form method="post" action="/groups/federations" class="stack">
        ${csrfField(c)}
        ${field({ name: "handle", label: t("groups.fed.join.label"), required: true, maxlength: 500 })}
        <div><button type="submit">${t("groups.fed.join")}</button></div>
      </form>`;
    return c.html(layout(c, t("groups.fed.title"), body), refused ? 422 : 200);
  }

  app.get("/groups/federations", (c) => {
    requireRole(c, "admin");
    return federationsPage(c);
  });

  app.post("/groups/federations", async (c) => {
    const viewer = requireRole(c, "admin");
    const t = c.get("t");
    const handle = ((await readForm(c)).handle ?? "").trim().slice(0, 500);
    const actor =
      /^@?[^@\s]+@[^@\s]+$/.test(handle) || /^https?:\/\//.test(handle)
        ? await deps.federation.lookup(handle)
        : null;
    if (actor?.type !== "Group")
      throw new InputError(t("groups.fed.notGroup", { query: handle }), 422);
    const joined = await joinFederation(g, viewer, { groupUri: actor.uri, remoteId: actor.id });
    if (!joined.ok && joined.reason === "forbidden")
      throw new InputError(t("groups.manage.forbidden"), 403);
    return redirectHere(
      c,
      `/groups/federations${doneQuery(t("groups.fed.joined", { name: actor.name || actor.handle }))}`,
      303,
    );
  });

  app.post("/groups/federations/:id/delegates", async (c) => {
    const viewer = requireRole(c, "admin");
    const t = c.get("t");
    const id = c.req.param("id");
    const raw = (await readForm(c))[`delegates-${id}`] ?? "";
    const names = raw
      .split(/[\s,]+/)
      .map((n) => n.replace(/^@/, "").toLowerCase())
      .filter(Boolean)
      .slice(0, 100);
    const accounts = names.length
      ? await db
          .selectFrom("accounts")
          .select(["id", "username"])
          .where(sql<string>`lower(username)`, "in", names)
          .where("status", "=", "active")
          .execute()
      : [];
    const found = new Set(accounts.map((a) => a.username.toLowerCase()));
    const unknown = [...new Set(names.filter((n) => !found.has(n)))];
    if (unknown.length > 0) {
      if (!(await listAffiliations(db)).some((a) => a.id === id))
        throw new InputError(t("error.notFound"), 404);
      const error = t("groups.fed.unknownDelegates", {
        count: unknown.length,
        names: unknown.slice(0, 10).join(", "),
      });
      return federationsPage(c, { affiliationId: id, value: raw.slice(0, 2000), error });
    }
    const set = await setDelegates(g, viewer, {
      affiliationId: id,
      accountIds: accounts.map((a) => a.id),
    });
    if (!set.ok && set.reason === "not-found") throw new InputError(t("error.notFound"), 404);
    if (!set.ok && set.reason === "forbidden")
      throw new InputError(t("groups.manage.forbidden"), 403);
    if (!set.ok) throw new InputError(t("groups.error.invalid"), 422);
    return redirectHere(c, `/groups/federations${doneQuery(t("groups.done.delegates"))}`, 303);
  });

  app.post("/groups/federations/:id/leave", async (c) => {
    const viewer = requireRole(c, "admin");
    const t = c.get("t");
    const left = await leaveFederation(g, viewer, { affiliationId: c.req.param("id") });
    if (!left.ok && left.reason === "forbidden")
      throw new InputError(t("groups.manage.forbidden"), 403);
    if (!left.ok) throw new InputError(t("error.notFound"), 404);
    return redirectHere(c, `/groups/federations${doneQuery(t("groups.done.federationLeft"))}`, 303);
  });

  return app;
}
