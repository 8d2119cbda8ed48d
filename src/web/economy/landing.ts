/**
 * The economy's landing page (/economy, the pillar) and a co-op's economy page
 * (/economy/coop): what is on offer and needed, where to publish, the
 * catalogue, the watches; the co-op's own offers and needs, and — from the
 * agreements and ledger areas — its agreements and its balance.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { proposalsOfAgent } from "../../economy/market/reads.ts";
import { searchProposals } from "../../economy/market/search.ts";
import { coopUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { notice } from "../forms.ts";
import { layout } from "../layout.ts";
import { coopAgreementsBlock } from "./agreements-block.ts";
import { ledgerBlock } from "./ledger-render.ts";
import { actorOf, type EconomyDeps, economyHead, proposalList } from "./market-render.ts";

export function landingPages(deps: EconomyDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/economy", async (c) => {
    const t = c.get("t");
    const [offers, needs] = await Promise.all([
      searchProposals(deps, { purpose: "offer", limit: 5 }),
      searchProposals(deps, { purpose: "request", limit: 5 }),
    ]);
    const body = html`<h1>${t("pillar.economy")}</h1>
      <p class="lead">${t("market.lead")}</p>
      <ul class="cards">
        <li class="card"><h2><a href="/economy/market">${t("market.title")}</a></h2><p>${t("market.card.market")}</p><p><a href="/economy/market?view=map">${t("market.view.map")}</a></p></li>
        <li class="card"><h2><a href="/economy/proposals/new">${t("market.new")}</a></h2><p>${t("market.card.publish")}</p><p><a href="/economy/proposals/new?purpose=request">${t("market.newNeed")}</a></p></li>
        <li class="card"><h2><a href="/economy/coop">${t("market.coop.title", { name: c.get("coop").name })}</a></h2><p>${t("market.card.coop")}</p></li>
        <li class="card"><h2><a href="/economy/catalogue">${t("market.catalogue.title")}</a></h2><p>${t("market.card.catalogue")}</p></li>
        <li class="card"><h2><a href="/economy/watches">${t("market.watches.title")}</a></h2><p>${t("market.card.watches")}</p></li>
        ${c.get("viewer") ? html`<li class="card"><h2><a href="/opsroom">${t("ops.title")}</a></h2><p>${t("market.card.opsroom")}</p></li>` : ""}
      </ul>
      <h2>${t("market.latestOffers")}</h2>
      ${proposalList(c, offers.ok ? offers.items : [], t("market.none"))}
      <h2>${t("market.latestNeeds")}</h2>
      ${proposalList(c, needs.ok ? needs.items : [], t("market.none"))}`;
    return c.html(layout(c, t("pillar.economy"), body, { head: economyHead() }));
  });

  app.get("/economy/coop", async (c) => {
    const t = c.get("t");
    const viewer = c.get("viewer") ?? null;
    const coop = coopUri(deps.config.origin);
    const theirs = await proposalsOfAgent(deps, coop);
    const mine = viewer ? await proposalsOfAgent(deps, actorOf(deps, viewer).uri) : [];
    const title = t("market.coop.title", { name: c.get("coop").name });
    const body = html`<p><a href="/economy">${t("pillar.economy")}</a></p>
      ${notice(c.req.query("done"))}
      <h1>${title}</h1>
      ${await ledgerBlock(c, coop, { db: deps.db, origin: deps.config.origin })}
      <h2>${t("market.coop.offers")}</h2>
      ${proposalList(
        c,
        theirs.filter((p) => p.purpose === "offer"),
        t("market.none"),
      )}
      <h2>${t("market.coop.needs")}</h2>
      ${proposalList(
        c,
        theirs.filter((p) => p.purpose === "request"),
        t("market.none"),
      )}
      ${await coopAgreementsBlock(c, deps, coop)}
      ${viewer ? html`<h2>${t("market.coop.mine")}</h2>${proposalList(c, mine, t("market.none"))}` : ""}`;
    return c.html(layout(c, title, body, { head: economyHead() }));
  });

  return app;
}
