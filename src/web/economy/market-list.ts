/**
 * The marketplace (/economy/market): offers and needs, newest first, with the
 * filters in a plain GET form (what, category, words, reciprocity, federation,
 * dates, distance from a point) and two views of the same results — the list,
 * and the map (server SVG) with the list below it. Filters that do not parse
 * answer 400 with the form and what was wrong; nothing is guessed.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { federationsHere } from "../../economy/market/publishing.ts";
import { categoriesInUse, type SearchInput, searchProposals } from "../../economy/market/search.ts";
import type { WebEnv } from "../context.ts";
import { errorSummary } from "../forms.ts";
import { layout } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { marketMap } from "./market-map.ts";
import { type EconomyDeps, economyHead, proposalList } from "./market-render.ts";

type Query = Record<string, string>;
const FILTERS = [
  "purpose",
  "category",
  "q",
  "reciprocity",
  "group",
  "from",
  "until",
  "lat",
  "lon",
  "km",
  "view",
] as const;

/** The query's filters as the search's input, or what is wrong with them. */
function searchInput(
  q: Query,
):
  | { ok: true; input: SearchInput; centre: { latitude: number; longitude: number } | null }
  | { ok: false } {
  const input: Record<string, unknown> = {};
  if (q.purpose) input.purpose = q.purpose;
  if (q.category) input.category = q.category;
  if (q.q) input.q = q.q;
  if (q.reciprocity) input.reciprocity = q.reciprocity;
  if (q.group) input.groupUri = q.group;
  if (q.from) input.from = q.from;
  if (q.until) input.until = q.until;
  let centre = null;
  if (q.lat || q.lon || q.km) {
    const [latitude, longitude, km] = [q.lat, q.lon, q.km || "25"].map((s) =>
      Number((s ?? "").replace(",", ".")),
    );
    if (![latitude, longitude, km].every((n) => Number.isFinite(n)) || !q.lat || !q.lon)
      return { ok: false };
    centre = { latitude: latitude as number, longitude: longitude as number };
    input.near = { ...centre, km };
  }
  if (q.max_id) input.maxId = q.max_id;
  input.limit = q.view === "map" ? 100 : 20;
  return { ok: true, input: input as SearchInput, centre };
}

export function marketListPages(deps: EconomyDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/economy/market", async (c) => {
    const t = c.get("t");
    const q: Query = Object.create(null);
    for (const k of [...FILTERS, "max_id"] as const) {
      const v = c.req.query(k);
      if (v !== undefined) q[k] = v.slice(0, 300);
    }
    const parsed = searchInput(q);
    const found = parsed.ok ? await searchProposals(deps, parsed.input) : ({ ok: false } as const);
    const [categories, federations] = await Promise.all([
      categoriesInUse(deps),
      federationsHere({ db: deps.db, origin: deps.config.origin }),
    ]);
    const view = q.view === "map" ? "map" : "list";
    const withView = (v: string) => {
      const params = new URLSearchParams();
      for (const k of FILTERS) if (q[k] && k !== "view") params.set(k, q[k]);
      if (v === "map") params.set("view", "map");
      const s = params.toString();
      return `/economy/market${s ? `?${s}` : ""}`;
    };
    const opt = (name: string, value: string, label: string) =>
      html`<option value="${value}"${q[name] === value ? html` selected` : ""}>${label}</option>`;
    const body = html`<p><a href="/economy">${t("pillar.economy")}</a></p>
      <h1>${t("market.title")}</h1>
      ${found.ok ? "" : errorSummary(c, {}, t("market.error.filters"))}
      <form method="get" action="/economy/market" class="market-filters" aria-label="${t("market.filters")}">
        <div class="field"><label for="m-purpose">${t("market.form.purpose")}</label><select id="m-purpose" name="purpose">${opt("purpose", "", t("market.filter.any"))}${opt("purpose", "offer", t("market.purpose.offer"))}${opt("purpose", "request", t("market.purpose.request"))}</select></div>
        <div class="field"><label for="m-category">${t("market.form.category")}</label><select id="m-category" name="category">${opt("category", "", t("market.filter.any"))}${categories.map((k) => opt("category", k, k))}</select></div>
        <div class="field"><label for="m-q">${t("market.filter.words")}</label><input id="m-q" name="q" type="search" maxlength="100" value="${q.q ?? ""}" /></div>
        <details class="market-more"${q.reciprocity || q.group || q.from || q.until || q.lat || q.lon || q.km ? html` open` : ""}><summary>${t("market.filter.more")}</summary><div class="market-filters">
        <div class="field"><label for="m-reciprocity">${t("market.form.reciprocity")}</label><select id="m-reciprocity" name="reciprocity">${opt("reciprocity", "", t("market.filter.any"))}${opt("reciprocity", "gift", t("market.reciprocity.gift"))}${opt("reciprocity", "credit", t("market.reciprocity.credit"))}${opt("reciprocity", "money", t("market.reciprocity.money"))}</select></div>
        ${federations.length ? html`<div class="field"><label for="m-group">${t("market.form.group")}</label><select id="m-group" name="group">${opt("group", "", t("market.filter.any"))}${federations.map((f) => opt("group", f.uri, f.name))}</select></div>` : ""}
        <div class="field"><label for="m-from">${t("market.form.from")}</label><input id="m-from" name="from" type="date" value="${q.from ?? ""}" /></div>
        <div class="field"><label for="m-until">${t("market.form.until")}</label><input id="m-until" name="until" type="date" value="${q.until ?? ""}" /></div>
        <div class="field"><label for="m-lat">${t("market.form.latitude")}</label><input id="m-lat" name="lat" inputmode="decimal" value="${q.lat ?? ""}" /></div>
        <div class="field"><label for="m-lon">${t("market.form.longitude")}</label><input id="m-lon" name="lon" inputmode="decimal" value="${q.lon ?? ""}" /></div>
        <div class="field"><label for="m-km">${t("market.filter.km")}</label><input id="m-km" name="km" inputmode="decimal" value="${q.km ?? ""}" /></div>
        </div></details>
        ${view === "map" ? html`<input type="hidden" name="view" value="map" />` : ""}
        <div class="actions"><button type="submit">${t("market.filter.apply")}</button> <a href="/economy/market">${t("market.filter.clear")}</a></div>
      </form>
      <p class="market-views">${t("market.view")}: <a href="${safeUrl(withView("list"))}"${view === "list" ? html` aria-current="page"` : ""}>${t("market.view.list")}</a> · <a href="${safeUrl(withView("map"))}"${view === "map" ? html` aria-current="page"` : ""}>${t("market.view.map")}</a>
        · <a href="/economy/proposals/new">${t("market.new")}</a> · <a href="/economy/watches">${t("market.watches.title")}</a></p>
      ${
        found.ok
          ? html`${view === "map" ? marketMap(c, found.items, parsed.ok ? parsed.centre : null) : ""}
            <h2>${t("market.results")}</h2>
            ${proposalList(c, found.items, t("market.none"))}
            ${found.next ? html`<nav class="pager"><a rel="next" href="${safeUrl(`${withView(view)}${withView(view).includes("?") ? "&" : "?"}max_id=${encodeURIComponent(found.next)}`)}">${t("market.more")}</a></nav>` : ""}`
          : ""
      }`;
    return c.html(
      layout(c, t("market.title"), body, { head: economyHead() }),
      found.ok ? 200 : 400,
    );
  });

  return app;
}
