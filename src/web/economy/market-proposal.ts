/**
 * An offer or need: its page (/economy/proposals/:id — the stable URL its
 * Proposal object's `url` names, with an OpenGraph summary so a link to it
 * previews on Mastodon), publishing one, editing, closing, reopening and
 * withdrawing it, and moderation (report; hide and show for moderators). The
 * agreements block below it is the agreements area's (agreements-block.ts).
 * A hidden proposal is a 404 to everyone but its agent and the moderators; a
 * withdrawn one is 410.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import {
  canModerateProposal,
  reportProposal,
  setProposalHidden,
} from "../../economy/market/moderation.ts";
import {
  canChange,
  changeProposalStatus,
  editProposal,
  publishProposal,
} from "../../economy/market/proposals.ts";
import {
  federationByUri,
  federationsHere,
  speaksForCoop,
} from "../../economy/market/publishing.ts";
import { type Proposal, proposalById, uploadPathsOf } from "../../economy/market/reads.ts";
import { categoriesInUse } from "../../economy/market/search.ts";
import { acceptedSpecs } from "../../economy/market/specs.ts";
import { formatQuantity } from "../../economy/market/units.ts";
import { InputError } from "../../kernel/errors.ts";
import { coopUri, memberPrefix } from "../../kernel/uris.ts";
import { discardFormUploads, releaseFormUploads } from "../../storage/form-uploads.ts";
import { type KeptPicture, pictureAcrossTries, readMultipart } from "../budgeting/propose.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, notice, readForm } from "../forms.ts";
import { doneQuery } from "../groups/render.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import { agreementsBlock } from "./agreements-block.ts";
import { agentLabel } from "./agreements-render.ts";
import { parseProposalForm, proposalForm, valuesOf } from "./market-form.ts";
import {
  actorOf,
  type EconomyDeps,
  economyHead,
  imagesHtml,
  marketContext,
  priceText,
  problemStatus,
  problemText,
  proposalHref,
  purposeBadge,
  totalText,
} from "./market-render.ts";

type Values = Record<string, string>;

/** Who published it, as people name them: this co-op, @member, or the address elsewhere. */
function agentLink(c: Context<WebEnv>, deps: EconomyDeps, p: Proposal) {
  if (p.agent_uri === coopUri(deps.config.origin))
    return html`<a href="/economy/coop">${c.get("coop").name}</a>`;
  const prefix = memberPrefix(deps.config.origin);
  if (p.agent_uri.startsWith(prefix)) {
    const name = p.agent_uri.slice(prefix.length);
    return html`<a href="${safeUrl(`/@${name}`)}">@${name}</a>`;
  }
  return html`<a href="${safeUrl(p.agent_uri)}">${agentLabel(p.agent_uri)}</a>`;
}

export function proposalPages(deps: EconomyDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = marketContext(deps);
  const c0 = { db: deps.db, origin: deps.config.origin };

  const formPage = async (
    c: Context<WebEnv>,
    o: {
      values: Values;
      errors: FieldErrors;
      status: 200 | 422;
      editing?: Proposal;
      kept?: KeptPicture | null;
    },
  ) => {
    const t = c.get("t");
    const viewer = requireViewer(c);
    const [federations, specs, categories, coop] = await Promise.all([
      federationsHere(c0),
      acceptedSpecs(deps),
      categoriesInUse(deps),
      speaksForCoop(c0, actorOf(deps, viewer)),
    ]);
    const title = o.editing ? t("market.edit") : t("market.new");
    const body = html`<p><a href="/economy/market">${t("market.title")}</a></p><h1>${title}</h1>
      ${errorSummary(c, o.errors)}
      ${proposalForm(c, {
        action: o.editing ? `${proposalHref(o.editing)}/edit` : "/economy/proposals",
        values: o.values,
        kept: o.kept,
        errors: o.errors,
        federations,
        specs,
        categories,
        coopChoice: coop && !o.editing,
        editing: !!o.editing,
      })}`;
    return c.html(layout(c, title, body, { head: economyHead() }), o.status);
  };

  app.get("/economy/proposals/new", (c) =>
    formPage(c, {
      values: { purpose: c.req.query("purpose") === "request" ? "request" : "offer" },
      errors: {},
      status: 200,
    }),
  );

  app.post("/economy/proposals", async (c) => {
    const viewer = requireViewer(c);
    const { values, body } = await readMultipart(c);
    const parsed = parseProposalForm(c, values);
    // The picture is stored even when the text is refused, so the next try keeps it.
    const picture = await pictureAcrossTries(c, deps, values, body.image, viewer.id);
    const kept = picture.kept;
    if (!parsed.ok || picture.error) {
      const errors = {
        ...(parsed.ok ? {} : parsed.errors),
        ...(picture.error ? { image: picture.error } : {}),
      };
      return formPage(c, { values, errors, status: 422, kept });
    }
    const images = kept
      ? [{ mediaId: kept.uploadId, alt: (values.imageAlt ?? "").trim().slice(0, 1500) }]
      : [];
    const made = await publishProposal(ctx, actorOf(deps, viewer), {
      ...parsed.value,
      images,
    });
    if (!made.ok) {
      if (made.reason === "forbidden") {
        // Nothing was published and the form is not shown again: the picture goes too.
        await discardFormUploads(
          deps.db,
          viewer.id,
          images.map((i) => i.mediaId),
        );
        throw new InputError(problemText(c, made.reason), 403);
      }
      return formPage(c, {
        values,
        errors: { name: problemText(c, made.reason) },
        status: 422,
        kept,
      });
    }
    // The proposal has it now: no longer the form's to keep.
    await releaseFormUploads(
      deps.db,
      viewer.id,
      images.map((i) => i.mediaId),
    );
    return redirectHere(
      c,
      `${proposalHref(made.value)}${doneQuery(c.get("t")("market.published"))}`,
      303,
    );
  });

  /** The proposal of the path, as the viewer may see it. */
  const visible = async (c: Context<WebEnv>) => {
    const t = c.get("t");
    const id = c.req.param("id") ?? "";
    const p = id.length <= 64 ? await proposalById(deps, id) : undefined;
    if (!p) throw new InputError(t("market.error.notFound"), 404);
    const viewer = c.get("viewer") ?? null;
    const actor = viewer ? actorOf(deps, viewer) : null;
    const mine = actor ? await canChange(ctx, actor, p) : false;
    const moderates = actor ? await canModerateProposal(ctx, actor, p) : false;
    if (p.status === "hidden" && !mine && !moderates)
      throw new InputError(t("market.error.notFound"), 404);
    if (p.status === "withdrawn") throw new InputError(t("market.error.withdrawn"), 409);
    return { p, actor, mine, moderates };
  };

  app.get("/economy/proposals/:id", async (c) => {
    const t = c.get("t");
    const locale = c.get("locale");
    const gone = await proposalById(deps, (c.req.param("id") ?? "").slice(0, 64));
    if (gone?.status === "withdrawn") {
      // Gone for good (its copies elsewhere were told to delete it).
      const body = html`<h1>${t("market.withdrawn")}</h1><p><a href="/economy/market">${t("market.title")}</a></p>`;
      return c.html(layout(c, t("market.withdrawn"), body), 410);
    }
    const { p, actor, mine, moderates } = await visible(c);
    const [paths, federation] = await Promise.all([
      uploadPathsOf(deps, [p]),
      p.group_uri ? federationByUri(c0, p.group_uri) : undefined,
    ]);
    const url = `${deps.config.origin}${proposalHref(p)}`;
    const summary = `${t(`market.purpose.${p.purpose}` as MessageKey)}: ${formatQuantity(locale, p.available, p.unit)} · ${priceText(c, p)}${p.place_name ? ` · ${p.place_name}` : ""}`;
    const head = html`${economyHead()}
<meta name="description" content="${summary}" />
<meta property="og:type" content="website" />
<meta property="og:title" content="${p.name}" />
<meta property="og:description" content="${summary}" />
<meta property="og:url" content="${safeUrl(url)}" />
<link rel="canonical" href="${safeUrl(url)}" />
${p.local ? "" : html`<link rel="alternate" href="${safeUrl(p.uri)}" />`}`;
    const form = (
      action: string,
      label: string,
      fields: Record<string, string> = {},
      cls = "secondary",
    ) =>
      html`<form method="post" action="${safeUrl(`${proposalHref(p)}/${action}`)}" class="inline">${csrfField(c)}${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}<button type="submit" class="${cls}">${label}</button></form>`;
    const body = html`<p><a href="/economy/market">${t("market.title")}</a></p>
      ${notice(c.req.query("done"))}
      <h1>${purposeBadge(c, p.purpose)} ${p.name}</h1>
      ${p.status === "hidden" ? html`<p class="notice">${t("market.hiddenNotice")}</p>` : ""}
      ${p.status === "closed" ? html`<p class="notice">${t("market.closedNotice")}</p>` : ""}
      ${p.note ? html`<p>${p.note}</p>` : ""}
      ${imagesHtml(p, paths)}
      <dl class="market-facts">
        <dt>${t("market.fact.available")}</dt><dd>${formatQuantity(locale, p.available, p.unit)} ${t("market.fact.of", { total: formatQuantity(locale, p.quantity, p.unit) })}</dd>
        ${Number(p.minimum) ? html`<dt>${t("market.form.minimum")}</dt><dd>${formatQuantity(locale, p.minimum, p.unit)}</dd>` : ""}
        <dt>${t("market.form.reciprocity")}</dt><dd>${priceText(c, p)}${totalText(c, p) ? html` · ${t("market.fact.total", { total: totalText(c, p) })}` : ""}</dd>
        <dt>${t("market.form.category")}</dt><dd><a href="/economy/market?category=${encodeURIComponent(p.category)}">${p.category}</a></dd>
        ${p.place_name || p.latitude !== null ? html`<dt>${t("market.form.place")}</dt><dd>${p.place_name}${p.latitude !== null ? html` (${p.latitude.toFixed(4)}, ${p.longitude?.toFixed(4)})` : ""}</dd>` : ""}
        ${p.available_from || p.available_until ? html`<dt>${t("market.fact.when")}</dt><dd>${p.available_from ?? "…"} – ${p.available_until ?? "…"}</dd>` : ""}
        <dt>${t("market.fact.by")}</dt><dd>${agentLink(c, deps, p)} (${t(`market.agent.${p.agent_kind}` as MessageKey)})</dd>
        ${p.group_uri ? html`<dt>${t("market.form.group")}</dt><dd><a href="${safeUrl(p.group_uri)}">${federation?.name ?? agentLabel(p.group_uri)}</a></dd>` : ""}
        <dt>${t("market.fact.published")}</dt><dd>${timeTag(locale, p.published_at)}</dd>
      </dl>
      <div class="market-actions">
        ${mine && (p.status === "open" || p.status === "closed") ? html`<a class="button secondary" href="${safeUrl(`${proposalHref(p)}/edit`)}">${t("market.edit")}</a>` : ""}
        ${mine && p.status === "open" ? form("status", t("market.close"), { change: "close" }) : ""}
        ${mine && p.status === "closed" ? form("status", t("market.reopen"), { change: "reopen" }) : ""}
        ${mine && (p.status === "open" || p.status === "closed") ? form("status", t("market.withdraw"), { change: "withdraw" }) : ""}
        ${moderates ? form("hide", p.status === "hidden" ? t("market.unhide") : t("market.hide"), { hidden: p.status === "hidden" ? "0" : "1" }) : ""}
      </div>
      ${await agreementsBlock(c, deps, p)}
      ${
        actor && !mine && p.status !== "hidden"
          ? html`<details><summary>${t("market.report")}</summary>
        <form method="post" action="${safeUrl(`${proposalHref(p)}/report`)}" class="stack">${csrfField(c)}
          <div class="field"><label for="f-comment">${t("market.report.why")}</label><textarea id="f-comment" name="comment" maxlength="1000" required></textarea></div>
          ${p.local ? "" : html`<div class="field"><label><input type="checkbox" name="forward" value="on" /> ${t("market.report.forward", { domain: new URL(p.uri).host })}</label><p class="hint">${t("market.report.forward.hint")}</p></div>`}
          <button type="submit" class="secondary">${t("market.report.send")}</button></form></details>`
          : ""
      }`;
    return c.html(layout(c, p.name, body, { head }));
  });

  const own = async (c: Context<WebEnv>) => {
    const viewer = requireViewer(c);
    const { p, mine } = await visible(c);
    if (!mine) throw new InputError(problemText(c, "forbidden"), 403);
    return { viewer, p };
  };

  app.get("/economy/proposals/:id/edit", async (c) => {
    const { p } = await own(c);
    return formPage(c, { values: valuesOf(p), errors: {}, status: 200, editing: p });
  });

  app.post("/economy/proposals/:id/edit", async (c) => {
    const { viewer, p } = await own(c);
    const values = await readForm(c);
    const parsed = parseProposalForm(c, values);
    if (!parsed.ok) return formPage(c, { values, errors: parsed.errors, status: 422, editing: p });
    // Editing keeps the pictures it has (the form changes the text).
    const images = JSON.parse(p.images) as unknown[];
    const done = await editProposal(ctx, actorOf(deps, viewer), {
      proposalId: p.id,
      proposal: { ...parsed.value, images },
    });
    if (!done.ok) {
      if (
        done.reason === "invalid" ||
        done.reason === "unknown-group" ||
        done.reason === "unknown-spec"
      )
        return formPage(c, {
          values,
          errors: { quantity: problemText(c, done.reason) },
          status: 422,
          editing: p,
        });
      throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    }
    return redirectHere(c, `${proposalHref(p)}${doneQuery(c.get("t")("market.saved"))}`, 303);
  });

  app.post("/economy/proposals/:id/status", async (c) => {
    const { viewer, p } = await own(c);
    const change = (await readForm(c)).change;
    if (change !== "close" && change !== "reopen" && change !== "withdraw")
      throw new InputError(problemText(c, "invalid"), 422);
    const done = await changeProposalStatus(ctx, actorOf(deps, viewer), {
      proposalId: p.id,
      change,
    });
    if (!done.ok) throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    if (change === "withdraw")
      return redirectHere(c, `/economy/coop${doneQuery(c.get("t")("market.withdrawn"))}`, 303);
    return redirectHere(c, `${proposalHref(p)}${doneQuery(c.get("t")("market.saved"))}`, 303);
  });

  app.post("/economy/proposals/:id/hide", async (c) => {
    const viewer = requireViewer(c);
    const { p } = await visible(c);
    const hidden = (await readForm(c)).hidden;
    if (hidden !== "0" && hidden !== "1") throw new InputError(problemText(c, "invalid"), 422);
    const done = await setProposalHidden(ctx, actorOf(deps, viewer), {
      proposalId: p.id,
      hidden: hidden === "1",
    });
    if (!done.ok) throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    return redirectHere(c, `${proposalHref(p)}${doneQuery(c.get("t")("market.saved"))}`, 303);
  });

  app.post("/economy/proposals/:id/report", async (c) => {
    const viewer = requireViewer(c);
    const { p } = await visible(c);
    const form = await readForm(c);
    const done = await reportProposal(ctx, actorOf(deps, viewer), {
      proposalId: p.id,
      comment: form.comment ?? "",
      // The box of a copy: tell its publisher's node too (an unchecked box sends nothing).
      forward: form.forward === "on",
    });
    if (!done.ok) throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    return redirectHere(c, `${proposalHref(p)}${doneQuery(c.get("t")("market.reported"))}`, 303);
  });

  return app;
}
