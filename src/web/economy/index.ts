/**
 * The economy's pages (issue 20), registered once in app.ts: the landing page
 * and the co-op's page, the marketplace with its map, offers and needs, the
 * catalogue and watches (market), then the agreements' and the ledger's pages,
 * which their areas add here.
 */
import { Hono } from "hono";
import type { WebEnv } from "../context.ts";
import { cataloguePages } from "./catalogue-pages.ts";
import { landingPages } from "./landing.ts";
import { marketListPages } from "./market-list.ts";
import { proposalPages } from "./market-proposal.ts";
import { type EconomyDeps, economyStylesheet, economyStylesheetPath } from "./market-render.ts";
import { watchPages } from "./watch-pages.ts";

export function economyPages(deps: EconomyDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.get(economyStylesheetPath, (c) => {
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.body(economyStylesheet, 200, { "Content-Type": "text/css; charset=utf-8" });
  });
  app.route("/", landingPages(deps));
  app.route("/", marketListPages(deps));
  app.route("/", proposalPages(deps));
  app.route("/", cataloguePages(deps));
  app.route("/", watchPages(deps));
  return app;
}
