/**
 * Watches (/economy/watches): the categories (or catalogue entries) a member
 * wants to hear about, offers, needs or both; a new matching proposal, here or
 * from another node, arrives as a notification.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { categoriesInUse } from "../../economy/market/search.ts";
import { acceptedSpecs } from "../../economy/market/specs.ts";
import { addWatch, removeWatch, watchesOf } from "../../economy/market/watches.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, notice, readForm } from "../forms.ts";
import { doneQuery } from "../groups/render.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import {
  actorOf,
  type EconomyDeps,
  economyHead,
  marketContext,
  problemStatus,
  problemText,
} from "./market-render.ts";

export function watchPages(deps: EconomyDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = marketContext(deps);

  app.get("/economy/watches", async (c) => {
    const t = c.get("t");
    const viewer = requireViewer(c);
    const [watches, categories, specs] = await Promise.all([
      watchesOf(deps, viewer.id),
      categoriesInUse(deps),
      acceptedSpecs(deps),
    ]);
    const body = html`<p><a href="/economy">${t("pillar.economy")}</a></p>
      ${notice(c.req.query("done"))}
      <h1>${t("market.watches.title")}</h1>
      <p class="lead">${t("market.watches.lead")}</p>
      ${
        watches.length
          ? html`<ul class="market-list">${watches.map(
              (
                w,
              ) => html`<li>${w.spec_name ? html`<strong>${w.spec_name}</strong> · ` : ""}${w.category} · ${w.purpose ? t(`market.purpose.${w.purpose}` as MessageKey) : t("market.watches.both")}
                <form method="post" action="${safeUrl(`/economy/watches/${w.id}/delete`)}" class="inline">${csrfField(c)}<button type="submit" class="link">${t("market.watches.stop")}</button></form></li>`,
            )}</ul>`
          : html`<p class="muted">${t("market.watches.none")}</p>`
      }
      <h2>${t("market.watches.add")}</h2>
      <form method="post" action="/economy/watches" class="stack">${csrfField(c)}
        <div class="field"><label for="f-category">${t("market.form.category")}</label>
          <input id="f-category" name="category" list="market-categories" maxlength="60" />
          <datalist id="market-categories">${categories.map((k) => html`<option value="${k}"></option>`)}</datalist></div>
        ${specs.length ? html`<div class="field"><label for="f-specId">${t("market.form.spec")}</label><select id="f-specId" name="specId"><option value="">${t("market.form.noSpec")}</option>${specs.map((s) => html`<option value="${s.id}">${s.name} (${s.category})</option>`)}</select></div>` : ""}
        <div class="field"><label for="f-purpose">${t("market.form.purpose")}</label><select id="f-purpose" name="purpose"><option value="">${t("market.watches.both")}</option><option value="offer">${t("market.purpose.offer")}</option><option value="request">${t("market.purpose.request")}</option></select></div>
        <button type="submit">${t("market.watches.start")}</button>
      </form>`;
    return c.html(layout(c, t("market.watches.title"), body, { head: economyHead() }));
  });

  app.post("/economy/watches", async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const input: Record<string, unknown> = { purpose: form.purpose ? form.purpose : null };
    if (form.specId) input.specId = form.specId;
    else input.category = form.category ?? "";
    const made = await addWatch(ctx, actorOf(deps, viewer), input);
    if (!made.ok) throw new InputError(problemText(c, made.reason), problemStatus(made.reason));
    return redirectHere(
      c,
      `/economy/watches${doneQuery(c.get("t")("market.watches.started"))}`,
      303,
    );
  });

  app.post("/economy/watches/:id/delete", async (c) => {
    const viewer = requireViewer(c);
    const done = await removeWatch(
      ctx,
      actorOf(deps, viewer),
      (c.req.param("id") ?? "").slice(0, 64),
    );
    if (!done.ok) throw new InputError(problemText(c, done.reason), 404);
    return redirectHere(
      c,
      `/economy/watches${doneQuery(c.get("t")("market.watches.stopped"))}`,
      303,
    );
  });

  return app;
}
