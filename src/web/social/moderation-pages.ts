/**
 * The moderators' pages (/moderation): open reports (resolve), accounts (silence,
 * suspend, restore), domains (suspend, limit, allow; allow-list mode) and the
 * log of every action. Moderators and admins only (403 for others).
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { InputError } from "../../kernel/errors.ts";
import {
  actorLimits,
  domainPolicies,
  federationMode,
  type LimitLevel,
  limitActor,
  moderationLog,
  openReports,
  resolveReport,
  setDomainPolicy,
  setFederationMode,
} from "../../social/moderation.ts";
import { deletePost } from "../../social/posts.ts";
import { visiblePosts } from "../../social/views.ts";
import { actorChip, actorChips, sentence } from "../actor-chips.ts";
import { confirmPage } from "../confirm.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, field, notice, readForm } from "../forms.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireRole } from "../session.ts";
import { timeTag } from "../time.ts";
import { isPostId, type SocialPagesDeps, socialContext, viewerRef } from "./deps.ts";
import { findTarget } from "./filters.ts";
import { postCard } from "./render.ts";

function modNav(c: Context<WebEnv>): Html {
  const t = c.get("t");
  const here = new URL(c.req.url).pathname;
  const link = (path: string, label: string) =>
    html`<li><a href="${safeUrl(path)}"${here === path ? html` aria-current="page"` : ""}>${label}</a></li>`;
  return html`<nav class="social-nav" aria-label="${t("social.mod.title")}"><ul>
    ${link("/moderation", t("social.mod.reports"))}${link("/moderation/accounts", t("social.mod.accounts"))}
    ${link("/moderation/domains", t("social.mod.domains"))}${link("/moderation/log", t("social.mod.log"))}
  </ul></nav>`;
}

export function moderationPages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const db = deps.db;
  const s = socialContext(deps);
  const page = (c: Context<WebEnv>, title: string, body: Html, status = 200) =>
    c.html(
      layout(
        c,
        title,
        html`${modNav(c)}<h1>${title}</h1>${notice(c.req.query("done")?.slice(0, 200))}${body}`,
      ),
      status as 200,
    );
  const done = (c: Context<WebEnv>, path: string) =>
    redirectHere(
      c,
      `${path}?${new URLSearchParams({ done: c.get("t")("social.mod.saved") })}`,
      303,
    );

  app.get("/moderation", async (c) => {
    const viewer = requireRole(c, "moderator");
    const t = c.get("t");
    const reports = await openReports(db);
    const ids = (r: { post_ids: string }) =>
      (JSON.parse(r.post_ids) as unknown[])
        .filter((id): id is string => typeof id === "string" && isPostId(id))
        .slice(0, 20);
    const posts = await visiblePosts(s, viewerRef(deps, viewer), reports.flatMap(ids));
    const chip = await actorChips(
      db,
      deps.config.origin,
      reports.flatMap((r) => [r.reporter_uri, r.target_uri]),
    );
    const body =
      reports.length === 0
        ? html`<p>${t("social.mod.noReports")}</p>`
        : html`<ul class="reports">${reports.map((r) => {
            const shown = posts.filter((p) => ids(r).includes(p.id));
            const target = chip(r.target_uri);
            return html`<li class="card report">
            <p>${sentence((p) => t("social.mod.reportBy", p), { reporter: actorChip(chip(r.reporter_uri)), target: actorChip(target) })}
              <span class="muted"> · ${timeTag(c.get("locale"), r.created_at)}</span></p>
            ${r.comment ? html`<blockquote class="prewrap">${r.comment}</blockquote>` : ""}
            ${shown.map(
              (p) => html`<div class="reported-post">${postCard(c, p)}
                <form method="post" action="/moderation/reports/${r.id}/delete" class="inline">${csrfField(c)}<input type="hidden" name="post" value="${p.id}" /><button type="submit" class="danger">${t("social.mod.deletePost")}</button></form></div>`,
            )}
            ${ids(r).length > shown.length ? html`<p class="muted">${t("social.mod.postsGone", { count: ids(r).length - shown.length })}</p>` : ""}
            <div class="actions">
              <form method="post" action="/moderation/reports/${r.id}/resolve" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t("social.mod.dismiss")}</button></form>
              <a class="button danger" href="/moderation/reports/${r.id}/suspend">${t("social.mod.suspendAccount", { name: target.name })}</a>
            </div></li>`;
          })}</ul>`;
    return page(c, t("social.mod.reports"), body);
  });

  app.post("/moderation/reports/:id/resolve", async (c) => {
    const moderator = requireRole(c, "moderator");
    const id = c.req.param("id");
    if (!isPostId(id) || !(await resolveReport(s, moderator.id, id)))
      throw new InputError(c.get("t")("social.error.notFound"), 404);
    return done(c, "/moderation");
  });

  /** An open report by id, with its posts' ids; 404 when there is none. */
  async function openReport(c: Context<WebEnv>) {
    const id = c.req.param("id") ?? "";
    const report = isPostId(id) ? (await openReports(db)).find((r) => r.id === id) : undefined;
    if (!report) throw new InputError(c.get("t")("social.error.notFound"), 404);
    return report;
  }

  // Deleting a reported post settles the report: the moderator has acted on it.
  app.post("/moderation/reports/:id/delete", async (c) => {
    const moderator = requireRole(c, "moderator");
    const report = await openReport(c);
    const post = (await readForm(c)).post ?? "";
    if (!isPostId(post) || !(JSON.parse(report.post_ids) as unknown[]).includes(post))
      throw new InputError(c.get("t")("social.error.notFound"), 404);
    if (!(await deletePost(s, { id: moderator.id, moderator: true }, post)))
      throw new InputError(c.get("t")("social.error.notFound"), 404);
    await resolveReport(s, moderator.id, report.id);
    return done(c, "/moderation");
  });

  app.get("/moderation/reports/:id/suspend", async (c) => {
    requireRole(c, "moderator");
    const t = c.get("t");
    const report = await openReport(c);
    const who = (await actorChips(db, deps.config.origin, [report.target_uri]))(report.target_uri);
    return confirmPage(c, {
      title: t("social.mod.suspendTitle", { name: who.name }),
      question: sentence((p) => t("social.mod.suspendQuestion", p), { who: actorChip(who) }),
      action: `/moderation/reports/${report.id}/suspend`,
      confirm: t("social.mod.suspend"),
      back: "/moderation",
      danger: true,
      extra: field({
        name: "reason",
        label: t("social.mod.reason"),
        value: report.comment.slice(0, 1000),
        maxlength: 1000,
      }),
    });
  });

  app.post("/moderation/reports/:id/suspend", async (c) => {
    const moderator = requireRole(c, "moderator");
    const t = c.get("t");
    const report = await openReport(c);
    const target = await findTarget(deps, report.target_uri);
    if (!target) throw new InputError(t("social.mod.notFound"), 404);
    const reason = ((await readForm(c)).reason ?? "").slice(0, 1000);
    const result = await limitActor(s, moderator.id, target, "suspend", reason);
    if (!result.ok) throw new InputError(t("auth.forbidden"), 403);
    await resolveReport(s, moderator.id, report.id);
    return done(c, "/moderation");
  });

  async function accountsPage(
    c: Context<WebEnv>,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    requireRole(c, "moderator");
    const t = c.get("t");
    const limits = await actorLimits(db);
    const chip = await actorChips(
      db,
      deps.config.origin,
      limits.map((l) => l.actor_uri),
    );
    const body = html`<form method="post" action="/moderation/accounts" class="stack">
        ${csrfField(c)}${errorSummary(c, errors)}
        ${field({ name: "account", label: t("social.mod.account"), error: errors.account, required: true, maxlength: 500 })}
        <fieldset><legend>${t("social.mod.action")}</legend>
          <label><input type="radio" name="level" value="silence" checked /> ${t("social.mod.silence")}</label>
          <label><input type="radio" name="level" value="suspend" /> ${t("social.mod.suspend")}</label>
          <label><input type="radio" name="level" value="none" /> ${t("social.mod.lift")}</label>
        </fieldset>
        ${field({ name: "reason", label: t("social.mod.reason"), maxlength: 1000 })}
        <div><button type="submit">${t("social.mod.apply")}</button></div>
      </form>
      <h2>${t("social.mod.limits")}</h2>
      <ul class="member-cards">${limits.map((l) => html`<li class="member-card"><div class="who">${actorChip(chip(l.actor_uri))} <span class="badge">${t(`social.mod.level.${l.level}`)}</span></div></li>`)}</ul>`;
    return page(c, t("social.mod.accounts"), body, status);
  }

  app.get("/moderation/accounts", (c) => accountsPage(c));

  app.post("/moderation/accounts", async (c) => {
    const moderator = requireRole(c, "moderator");
    const t = c.get("t");
    const form = await readForm(c);
    const level: LimitLevel | undefined =
      form.level === "silence"
        ? "silence"
        : form.level === "suspend"
          ? "suspend"
          : form.level === "none"
            ? null
            : undefined;
    if (level === undefined) throw new InputError(t("social.error.action"), 422);
    const target = await findTarget(deps, (form.account ?? "").slice(0, 500));
    if (!target) return accountsPage(c, { account: t("social.mod.notFound") }, 422);
    const result = await limitActor(s, moderator.id, target, level, form.reason ?? "");
    if (!result.ok) return accountsPage(c, { account: t("auth.forbidden") }, 422);
    return done(c, "/moderation/accounts");
  });

  async function domainsPage(
    c: Context<WebEnv>,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    requireRole(c, "moderator");
    const t = c.get("t");
    const [policies, mode] = await Promise.all([domainPolicies(db), federationMode(db)]);
    const body = html`<form method="post" action="/moderation/domains" class="stack">
        ${csrfField(c)}${errorSummary(c, errors)}
        ${field({ name: "domain", label: t("social.mod.domain"), error: errors.domain, required: true, maxlength: 260 })}
        <fieldset><legend>${t("social.mod.action")}</legend>
          <label><input type="radio" name="policy" value="suspend" checked /> ${t("social.mod.domainSuspend")}</label>
          <label><input type="radio" name="policy" value="silence" /> ${t("social.mod.domainSilence")}</label>
          <label><input type="radio" name="policy" value="allow" /> ${t("social.mod.domainAllow")}</label>
          <label><input type="radio" name="policy" value="none" /> ${t("social.mod.domainRemove")}</label>
        </fieldset>
        ${field({ name: "reason", label: t("social.mod.reason"), maxlength: 1000 })}
        <div><button type="submit">${t("social.mod.apply")}</button></div>
      </form>
      <ul>${policies.map((p) => html`<li>${p.domain} <span class="badge">${t(`social.mod.policy.${p.policy}`)}</span> ${p.reason}</li>`)}</ul>
      <form method="post" action="/moderation/mode" class="stack">${csrfField(c)}
        <fieldset><legend>${t("social.mod.mode")}</legend>
          <label><input type="checkbox" name="allowlist" value="on"${mode === "allowlist" ? html` checked` : ""} /> ${t("social.mod.allowlist")}</label>
        </fieldset><div><button type="submit">${t("social.mod.apply")}</button></div></form>`;
    return page(c, t("social.mod.domains"), body, status);
  }

  app.get("/moderation/domains", (c) => domainsPage(c));

  app.post("/moderation/domains", async (c) => {
    const moderator = requireRole(c, "moderator");
    const t = c.get("t");
    const form = await readForm(c);
    const policy =
      form.policy === "suspend" || form.policy === "silence" || form.policy === "allow"
        ? form.policy
        : form.policy === "none"
          ? null
          : undefined;
    if (policy === undefined) throw new InputError(t("social.error.action"), 422);
    const result = await setDomainPolicy(
      s,
      moderator.id,
      form.domain ?? "",
      policy,
      form.reason ?? "",
    );
    if (!result.ok) return domainsPage(c, { domain: t("social.mod.badDomain") }, 422);
    return done(c, "/moderation/domains");
  });

  app.post("/moderation/mode", async (c) => {
    const moderator = requireRole(c, "moderator");
    const form = await readForm(c);
    await setFederationMode(s, moderator.id, form.allowlist === "on" ? "allowlist" : "open");
    return done(c, "/moderation/domains");
  });

  app.get("/moderation/log", async (c) => {
    requireRole(c, "moderator");
    const t = c.get("t");
    const maxId = c.req.query("max_id");
    if (maxId !== undefined && !isPostId(maxId)) throw new InputError("Bad max_id", 400);
    const rows = await moderationLog(db, maxId);
    const shown = rows.slice(0, 50);
    // Targets are addresses of people, a domain or a report's id: only addresses become people.
    const isAddress = (target: string) => /^https?:\/\//.test(target);
    const chip = await actorChips(
      db,
      deps.config.origin,
      shown.map((r) => r.target).filter(isAddress),
    );
    const body =
      shown.length === 0
        ? html`<p>${t("social.mod.logEmpty")}</p>`
        : html`<ul class="mod-log">${shown.map((r) => html`<li>${timeTag(c.get("locale"), r.created_at)} · ${r.username ? html`<a href="/@${r.username}">@${r.username}</a>` : "—"} · <code>${r.action}</code> ${isAddress(r.target) ? actorChip(chip(r.target)) : html`<span class="break">${r.target}</span>`} ${r.reason ? html`— ${r.reason}` : ""}</li>`)}</ul>
        ${rows.length > 50 ? html`<nav class="pager"><a rel="next" href="/moderation/log?max_id=${shown.at(-1)?.id}">${t("social.older")}</a></nav>` : ""}`;
    return page(c, t("social.mod.log"), body);
  });

  return app;
}
