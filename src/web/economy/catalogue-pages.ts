/**
 * A federation's catalogue (/economy/catalogue, /economy/catalogue/:name): its
 * accepted entries by category, a form for members of member co-ops to propose
 * one, and for the federation's moderators the entries waiting with accept and
 * reject (a public note). Rejected entries stay listed with their note.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { federationsHere, keepsCatalogue } from "../../economy/market/publishing.ts";
import { catalogueOf, decideSpec, proposeSpec } from "../../economy/market/specs.ts";
import { UNITS } from "../../economy/market/units.ts";
import { findGroup } from "../../groups/groups.ts";
import { InputError } from "../../kernel/errors.ts";
import { groupUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, field, notice, readForm } from "../forms.ts";
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

export function cataloguePages(deps: EconomyDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = marketContext(deps);
  const c0 = { db: deps.db, origin: deps.config.origin };

  app.get("/economy/catalogue", async (c) => {
    const t = c.get("t");
    const hosted = (await federationsHere(c0)).filter((f) => f.groupId);
    const body = html`<p><a href="/economy">${t("pillar.economy")}</a></p>
      <h1>${t("market.catalogue.title")}</h1><p class="lead">${t("market.catalogue.lead")}</p>
      ${
        hosted.length
          ? html`<ul class="market-list">${hosted.map((f) => html`<li><a href="${safeUrl(`/economy/catalogue/${encodeURIComponent(f.uri.split("/").pop() ?? "")}`)}">${f.name}</a></li>`)}</ul>`
          : html`<p class="muted">${t("market.catalogue.none")}</p>`
      }`;
    return c.html(layout(c, t("market.catalogue.title"), body, { head: economyHead() }));
  });

  const federation = async (c: Context<WebEnv>) => {
    const group = await findGroup(deps.db, (c.req.param("name") ?? "").slice(0, 100));
    if (group?.kind !== "federation")
      throw new InputError(c.get("t")("market.error.notFound"), 404);
    return group;
  };

  const page = async (
    c: Context<WebEnv>,
    values: Record<string, string>,
    errors: Record<string, string>,
    status: 200 | 422,
  ) => {
    const t = c.get("t");
    const group = await federation(c);
    const uri = groupUri(deps.config.origin, group.name);
    const viewer = c.get("viewer") ?? null;
    const keeper = viewer ? await keepsCatalogue(c0, group.id, actorOf(deps, viewer)) : false;
    const [accepted, waiting, rejected] = await Promise.all([
      catalogueOf(deps, uri),
      catalogueOf(deps, uri, { status: "proposed" }),
      catalogueOf(deps, uri, { status: "rejected" }),
    ]);
    const unitLabel = (id: string) => t(`market.unit.${id}` as MessageKey);
    const base = `/economy/catalogue/${encodeURIComponent(group.name)}`;
    const title = t("market.catalogue.of", { name: group.display_name || group.name });
    const body = html`<p><a href="/economy/catalogue">${t("market.catalogue.title")}</a></p>
      ${notice(c.req.query("done"))}
      <h1>${title}</h1>
      ${
        accepted.length
          ? html`<ul class="market-list">${accepted.map((s) => html`<li><strong>${s.name}</strong> · ${unitLabel(s.unit)} · <a href="/economy/market?category=${encodeURIComponent(s.category)}">${s.category}</a>${s.note ? html`<div class="meta">${s.note}</div>` : ""}</li>`)}</ul>`
          : html`<p class="muted">${t("market.catalogue.empty")}</p>`
      }
      ${
        keeper && waiting.length
          ? html`<h2>${t("market.catalogue.waiting")}</h2><ul class="market-list">${waiting.map(
              (
                s,
              ) => html`<li><strong>${s.name}</strong> · ${unitLabel(s.unit)} · ${s.category}<div class="meta">${s.proposed_by_uri}</div>
                <form method="post" action="${safeUrl(`${base}/${s.id}/decide`)}" class="stack">${csrfField(c)}
                  <div class="field"><label for="note-${s.id}">${t("market.catalogue.note")}</label><input id="note-${s.id}" name="note" maxlength="1000" /></div>
                  <div class="market-actions"><button type="submit" name="accept" value="1">${t("market.catalogue.accept")}</button><button type="submit" name="accept" value="0" class="secondary">${t("market.catalogue.reject")}</button></div>
                </form></li>`,
            )}</ul>`
          : ""
      }
      ${rejected.length ? html`<h2>${t("market.catalogue.rejected")}</h2><ul class="market-list">${rejected.map((s) => html`<li>${s.name} · ${s.category}<div class="meta">${s.decision_note}</div></li>`)}</ul>` : ""}
      ${
        viewer
          ? html`<h2>${keeper ? t("market.catalogue.add") : t("market.catalogue.propose")}</h2>${errorSummary(c, errors)}
            <form method="post" action="${safeUrl(base)}" class="stack">${csrfField(c)}
              ${field({ name: "name", label: t("market.form.name"), value: values.name ?? "", error: errors.name, required: true, maxlength: 200 })}
              ${field({ name: "category", label: t("market.form.category"), value: values.category ?? "", error: errors.category, required: true, maxlength: 60 })}
              <div class="field"><label for="f-unit">${t("market.form.unit")}</label><select id="f-unit" name="unit">${UNITS.map((u) => html`<option value="${u.id}"${values.unit === u.id ? html` selected` : ""}>${unitLabel(u.id)} (${u.symbol})</option>`)}</select></div>
              ${field({ name: "note", label: t("market.form.note"), type: "textarea", value: values.note ?? "", maxlength: 2000 })}
              <button type="submit">${t("market.catalogue.send")}</button>
            </form>`
          : ""
      }`;
    return c.html(layout(c, title, body, { head: economyHead() }), status);
  };

  app.get("/economy/catalogue/:name", (c) => page(c, {}, {}, 200));

  app.post("/economy/catalogue/:name", async (c) => {
    const viewer = requireViewer(c);
    const group = await federation(c);
    const form = await readForm(c);
    const spec = {
      name: form.name ?? "",
      category: form.category ?? "",
      unit: form.unit ?? "",
      note: form.note ?? "",
    };
    const made = await proposeSpec(ctx, actorOf(deps, viewer), { groupId: group.id, spec });
    if (!made.ok) {
      if (made.reason === "forbidden" || made.reason === "not-found")
        throw new InputError(problemText(c, made.reason), problemStatus(made.reason));
      return page(c, form, { name: problemText(c, made.reason) }, 422);
    }
    const t = c.get("t");
    return redirectHere(
      c,
      `/economy/catalogue/${encodeURIComponent(group.name)}${doneQuery(made.value.status === "accepted" ? t("market.catalogue.added") : t("market.catalogue.proposed"))}`,
      303,
    );
  });

  app.post("/economy/catalogue/:name/:specId/decide", async (c) => {
    const viewer = requireViewer(c);
    const group = await federation(c);
    const form = await readForm(c);
    if (form.accept !== "1" && form.accept !== "0")
      throw new InputError(problemText(c, "invalid"), 422);
    const done = await decideSpec(ctx, actorOf(deps, viewer), {
      specId: (c.req.param("specId") ?? "").slice(0, 64),
      decision: { accept: form.accept === "1", note: form.note ?? "" },
    });
    if (!done.ok) throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    return redirectHere(
      c,
      `/economy/catalogue/${encodeURIComponent(group.name)}${doneQuery(c.get("t")("market.saved"))}`,
      303,
    );
  });

  return app;
}
