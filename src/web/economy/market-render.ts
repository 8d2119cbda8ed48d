/**
 * Pieces the economy pages share: the deps and the capability context, the
 * viewer as an actor, a proposal as a list item (what, how much, where, for
 * what), its price and quantity as people read them, its images, and what each
 * problem says. The economy stylesheet is served under its content hash.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Context } from "hono";
import { html } from "hono/html";
import type { MarketActor, MarketContext } from "../../economy/market/context.ts";
import { imagesOf, type Proposal } from "../../economy/market/reads.ts";
import type { Found } from "../../economy/market/search.ts";
import { formatQuantity, priceOf } from "../../economy/market/units.ts";
import { memberUri } from "../../kernel/uris.ts";
import { mediaUrl } from "../../storage/images.ts";
import { money } from "../budgeting/render.ts";
import type { WebEnv } from "../context.ts";
import type { GroupsDeps } from "../groups/render.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

export type EconomyDeps = GroupsDeps;

const css = readFileSync(new URL("../static/economy.css", import.meta.url));
export const economyStylesheet = css;
export const economyStylesheetPath = `/static/economy.${createHash("sha256").update(css).digest("base64url").slice(0, 12)}.css`;
export const economyHead = () =>
  html`<link rel="stylesheet" href="${safeUrl(economyStylesheetPath)}" />`;

export const marketContext = (deps: EconomyDeps): MarketContext => ({
  db: deps.db,
  origin: deps.config.origin,
  domain: deps.config.domain,
  clock: deps.clock,
});

export const actorOf = (
  deps: EconomyDeps,
  viewer: { id: string; username: string },
): MarketActor => ({
  uri: memberUri(deps.config.origin, viewer.username),
  accountId: viewer.id,
});

export const proposalHref = (p: Pick<Proposal, "id">) => `/economy/proposals/${p.id}`;

/** "2.50 € / kg", "Gift", "9 ECO / h" (credit in the ledger's unit). */
export function priceText(
  c: Context<WebEnv>,
  p: Pick<Proposal, "reciprocity" | "unit_price" | "currency" | "unit">,
): string {
  const t = c.get("t");
  if (p.reciprocity === "gift") return t("market.reciprocity.gift");
  const per = formatQuantity(c.get("locale"), 1000, p.unit).replace(/^1\s*/, "");
  const amount = money(c.get("locale"), p.unit_price, p.currency || t("market.credit.unit"));
  return `${amount} / ${per}${p.reciprocity === "credit" ? ` (${t("market.reciprocity.credit")})` : ""}`;
}

/** The whole available quantity's price, for the page ("40 kg for 100 €"). */
export const totalText = (c: Context<WebEnv>, p: Proposal) =>
  p.reciprocity === "gift"
    ? ""
    : money(
        c.get("locale"),
        priceOf(Number(p.available), Number(p.unit_price)),
        p.currency || c.get("t")("market.credit.unit"),
      );

export const purposeBadge = (c: Context<WebEnv>, purpose: Proposal["purpose"]) =>
  html`<span class="market-badge ${purpose}">${c.get("t")(`market.purpose.${purpose}` as MessageKey)}</span>`;

/** A proposal as a list item. */
export function proposalLine(c: Context<WebEnv>, p: Proposal | Found): Html {
  const t = c.get("t");
  const locale = c.get("locale");
  const distance = "distanceKm" in p && p.distanceKm !== null ? p.distanceKm : null;
  return html`<li>
    ${purposeBadge(c, p.purpose)}<a href="${safeUrl(proposalHref(p))}"><strong>${p.name}</strong></a>
    <div class="meta">${formatQuantity(locale, p.available, p.unit)} · ${priceText(c, p)} · ${p.category}${
      p.place_name ? html` · ${p.place_name}` : ""
    }${distance !== null ? html` · ${t("market.km", { km: distance < 10 ? distance.toFixed(1) : Math.round(distance) })}` : ""}${
      p.local ? "" : html` · ${t("market.elsewhere", { host: new URL(p.uri).host })}`
    }${p.status !== "open" ? html` · <strong>${t(`market.status.${p.status}` as MessageKey)}</strong>` : ""}</div>
  </li>`;
}

export function proposalList(c: Context<WebEnv>, items: (Proposal | Found)[], empty: string): Html {
  return items.length
    ? html`<ul class="market-list">${items.map((p) => proposalLine(c, p))}</ul>`
    : html`<p class="muted">${empty}</p>`;
}

/** A proposal's images: uploads here by path, a copy's by its http(s) URL. */
export function imagesHtml(p: Proposal, paths: Map<string, string>): Html {
  return html`${imagesOf(p).map((i) => {
    const src = i.mediaId
      ? paths.has(i.mediaId)
        ? mediaUrl(paths.get(i.mediaId) ?? "")
        : null
      : (i.url ?? null);
    return src
      ? html`<img src="${safeUrl(src)}" alt="${i.alt}" loading="lazy" class="market-image" />`
      : "";
  })}`;
}

/** What each problem says to a person, and its status. */
export const problemText = (c: Context<WebEnv>, reason: string) =>
  c.get("t")(
    (
      {
        "not-found": "market.error.notFound",
        forbidden: "market.error.forbidden",
        "wrong-status": "market.error.wrongStatus",
        "unknown-group": "market.error.unknownGroup",
        "unknown-spec": "market.error.unknownSpec",
        "too-many": "market.error.tooMany",
        duplicate: "market.error.duplicate",
        "bad-comment": "market.error.reportComment",
      } as Record<string, MessageKey>
    )[reason] ?? "market.error.invalid",
  );

export const problemStatus = (reason: string): 403 | 404 | 409 | 422 =>
  reason === "forbidden"
    ? 403
    : reason === "not-found"
      ? 404
      : reason === "wrong-status"
        ? 409
        : 422;
