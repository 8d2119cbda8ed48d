/**
 * A member's own moderation: blocking and muting accounts (/social/filters),
 * reporting a post (/posts/{id}/report), and the co-op's rules (/rules).
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { findByUsername } from "../../accounts/accounts.ts";
import { unfollow } from "../../federation/follows.ts";
import { findRemoteActor } from "../../federation/remote-actors.ts";
import { InputError } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import {
  type ActorTarget,
  filterActor,
  listFilters,
  MAX_REPORT_COMMENT,
  report,
  unfilterActor,
} from "../../social/moderation.ts";
import { visiblePosts } from "../../social/views.ts";
import type { WebEnv } from "../context.ts";
import { coopMarkdown } from "../coop-text.ts";
import { csrfField, errorSummary, field, notice, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { isPostId, type SocialPagesDeps, socialContext, viewerRef } from "./deps.ts";
import { socialNav } from "./pages.ts";
import { postCard } from "./render.ts";

/** The actor a handle or address names: a member here, or a remote actor (looked up). */
export async function findTarget(
  deps: SocialPagesDeps,
  query: string,
): Promise<ActorTarget | null> {
  const q = query.trim().replace(/^@/, "");
  const local =
    new RegExp(
      `^([A-Za-z0-9_]{1,30})(?:@${deps.config.domain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})?$`,
      "i",
    ).exec(q)?.[1] ??
    new RegExp(
      `^${deps.config.origin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/(?:users/|@)([A-Za-z0-9_]{1,30})$`,
    ).exec(q)?.[1];
  if (local) {
    const account = await findByUsername(deps.db, local);
    return account && String(account.status) !== "deleted"
      ? {
          uri: memberUri(deps.config.origin, account.username),
          accountId: account.id,
          remoteId: null,
        }
      : null;
  }
  if (!/^https?:\/\//i.test(q) && !/^[^@\s/]+@[^@\s/]+$/.test(q)) return null;
  const known = await findRemoteActor(deps.db, { uri: q });
  const actor = known ?? (await deps.federation.lookup(q).catch(() => null));
  return actor ? { uri: actor.uri, accountId: null, remoteId: actor.id } : null;
}

export function filterPages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = socialContext(deps);

  async function page(c: Context<WebEnv>, errors: Record<string, string> = {}, status = 200) {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const rows = await listFilters(deps.db, viewer.id);
    const body = html`${socialNav(c)}<h1>${t("social.filters.title")}</h1>
      ${notice(c.req.query("done")?.slice(0, 200))}
      <form method="post" action="/social/filters" class="stack">
        ${csrfField(c)}${errorSummary(c, errors)}
        ${field({ name: "target", label: t("social.filters.target"), error: errors.target, required: true, maxlength: 500 })}
        <div><button type="submit" name="kind" value="block">${t("social.filters.block")}</button>
          <button type="submit" name="kind" value="mute" class="secondary">${t("social.filters.mute")}</button></div>
      </form>
      ${
        rows.length === 0
          ? html`<p>${t("social.filters.none")}</p>`
          : html`<ul class="follow-list">${rows.map(
              (
                r,
              ) => html`<li>${r.handle ? `@${r.handle}` : r.target_uri} <span class="badge">${t(r.kind === "block" ? "social.filters.kind.block" : "social.filters.kind.mute")}</span>
          <form method="post" action="/social/filters/remove" class="inline">${csrfField(c)}
            <input type="hidden" name="target" value="${r.target_uri}" /><input type="hidden" name="kind" value="${r.kind}" />
            <button type="submit" class="link">${t("social.filters.remove")}</button></form></li>`,
            )}</ul>`
      }`;
    return c.html(layout(c, t("social.filters.title"), body), status as 200);
  }

  app.get("/social/filters", (c) => page(c));

  app.post("/social/filters", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await readForm(c);
    const kind = form.kind;
    if (kind !== "block" && kind !== "mute") throw new InputError(t("social.error.action"), 422);
    const target = await findTarget(deps, (form.target ?? "").slice(0, 500));
    if (!target) return page(c, { target: t("social.mod.notFound") }, 422);
    const result = await filterActor(s, viewer, target, kind);
    if (!result.ok) return page(c, { target: t("network.self") }, 422);
    if (kind === "block") await unfollow(deps.db, deps.config.origin, viewer, target.uri);
    return redirectHere(
      c,
      `/social/filters?${new URLSearchParams({ done: t(kind === "block" ? "social.filters.blocked" : "social.filters.muted", { name: (form.target ?? "").trim().slice(0, 100) }) })}`,
      303,
    );
  });

  app.post("/social/filters/remove", async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const kind = form.kind === "block" ? "block" : form.kind === "mute" ? "mute" : null;
    if (!kind || !(await unfilterActor(s, viewer, form.target ?? "", kind)))
      throw new InputError(c.get("t")("social.error.action"), 404);
    return redirectHere(c, "/social/filters", 303);
  });

  /** The post to report, as the member sees it (a post they cannot see is a 404). */
  async function reportable(c: Context<WebEnv>) {
    const viewer = requireViewer(c);
    const id = c.req.param("id") ?? "";
    const [view] = isPostId(id) ? await visiblePosts(s, viewerRef(deps, viewer), [id]) : [];
    if (!view) throw new InputError(c.get("t")("social.error.notFound"), 404);
    return { viewer, view };
  }

  async function reportPage(c: Context<WebEnv>, errors: Record<string, string> = {}, status = 200) {
    const t = c.get("t");
    const { view } = await reportable(c);
    const body = html`<h1>${t("social.report.title")}</h1>
      ${postCard(c, view)}
      <form method="post" action="/posts/${view.id}/report" class="stack">
        ${csrfField(c)}${errorSummary(c, errors)}
        ${field({ name: "comment", label: t("social.report.comment"), type: "textarea", error: errors.comment, hint: t(view.audience?.groupId ? "social.report.groupHint" : "social.report.commentHint"), required: true, maxlength: MAX_REPORT_COMMENT })}
        ${!view.author.local ? html`<label><input type="checkbox" name="forward" value="on" /> ${t("social.report.forward")}</label>` : ""}
        <div><button type="submit">${t("social.report.submit")}</button></div>
      </form>`;
    return c.html(layout(c, t("social.report.title"), body), status as 200);
  }

  app.get("/posts/:id/report", (c) => reportPage(c));

  app.post("/posts/:id/report", async (c) => {
    const { viewer, view } = await reportable(c);
    const form = await readForm(c);
    const result = await report(s, viewer, {
      targetUri: view.author.uri,
      postIds: [view.id],
      comment: form.comment ?? "",
      forward: form.forward === "on",
    });
    if (!result.ok) return reportPage(c, { comment: c.get("t")("social.report.required") }, 422);
    return redirectHere(
      c,
      `/posts/${view.id}?${new URLSearchParams({ done: c.get("t")("social.report.sent") })}`,
      303,
    );
  });

  app.get("/rules", async (c) => {
    const t = c.get("t");
    const rules = (await deps.coop.get()).rules;
    const body = html`${socialNav(c)}<h1>${t("social.rules.title")}</h1>
      ${rules.trim() ? html`<div class="rules">${coopMarkdown(rules, deps.config.origin)}</div>` : html`<p>${t("social.rules.none")}</p>`}`;
    return c.html(layout(c, t("social.rules.title"), body));
  });

  return app;
}
