/** The ballot, results and import pages of participatory budgeting, mounted together (app.ts). */
import { Hono } from "hono";
import type { WebEnv } from "../context.ts";
import type { GroupsDeps } from "../groups/render.ts";
import { ballotPages } from "./ballot-page.ts";
import { importPages } from "./import-page.ts";
import { resultsPages } from "./results-page.ts";
import { ballotScriptRoute } from "./vote-common.ts";

/** Mount before the process pages: /budgets/import must not be read as a process id. */
export function budgetVotePages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.route("/", ballotScriptRoute());
  app.route("/", importPages(deps));
  app.route("/", ballotPages(deps));
  app.route("/", resultsPages(deps));
  return app;
}
