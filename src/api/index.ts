/**
 * The Mastodon client API (/api/v1, /api/v2, /oauth) and its streams (WebSocket and SSE).
 * Errors inside it are answered as Mastodon does (`{"error": "…"}`, see errors.ts).
 */
import { Hono } from "hono";
import { tokenMiddleware } from "./auth.ts";
import type { ApiDeps, ApiEnv } from "./deps.ts";
import { apiOnError } from "./errors.ts";
import { oauthRoutes } from "./oauth/routes.ts";
import { accountActionRoutes } from "./routes/account-actions.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { budgetBallotRoutes } from "./routes/budget-ballots.ts";
import { budgetRoutes } from "./routes/budgets.ts";
import { commonsRoutes } from "./routes/commons.ts";
import { commonsFederationRoutes } from "./routes/commons-federation.ts";
import { decisionPollRoutes } from "./routes/decision-polls.ts";
import { decisionRoutes } from "./routes/decisions.ts";
import { economyAgreementRoutes } from "./routes/economy-agreements.ts";
import { creditRoutes } from "./routes/economy-credit.ts";
import { economyMarketRoutes } from "./routes/economy-market.ts";
import { extraRoutes } from "./routes/extras.ts";
import { filterRoutes } from "./routes/filters.ts";
import { groupListRoutes } from "./routes/group-lists.ts";
import { indicatorRoutes } from "./routes/indicators.ts";
import { instanceRoutes } from "./routes/instance.ts";
import { moreRoutes } from "./routes/more.ts";
import { movingRoutes } from "./routes/moving.ts";
import { notificationGroupRoutes } from "./routes/notification-groups.ts";
import { notificationRoutes } from "./routes/notifications.ts";
import { planRoundRoutes } from "./routes/plan-rounds.ts";
import { signupRoutes } from "./routes/signup.ts";
import { statusRoutes } from "./routes/statuses.ts";
import { timelineRoutes } from "./routes/timelines.ts";
import { MISSING_AVATAR, MISSING_HEADER } from "./serializers/account.ts";
import type { StreamingHub } from "./streaming/hub.ts";
import { sseRoutes } from "./streaming/sse.ts";

export type { ApiDeps } from "./deps.ts";
export { StreamingHub } from "./streaming/hub.ts";

// A 1×1 grey PNG: the avatar and header of accounts that have none (Mastodon's missing.png).
const MISSING_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4BwAA0QDQrU5P0gAAAABJRU5ErkJggg==",
  "base64",
);

/** `streaming`: the hub whose server-sent-events routes are served here (the WebSocket is on the server). */
export function apiRoutes(deps: ApiDeps, streaming: StreamingHub): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.onError(apiOnError);
  // CORS for browser apps is answered for the whole node, before any route (edge.ts).
  app.use("/api/*", tokenMiddleware(deps));
  app.use("/oauth/*", tokenMiddleware(deps));
  for (const path of [MISSING_AVATAR, MISSING_HEADER])
    app.get(path, (c) =>
      c.body(MISSING_PNG, 200, {
        "content-type": "image/png",
        "cache-control": "public, max-age=86400",
      }),
    );
  app.route("/", oauthRoutes(deps));
  app.route("/", instanceRoutes(deps));
  app.route("/", extraRoutes(deps));
  app.route("/", filterRoutes(deps));
  app.route("/", accountActionRoutes(deps));
  app.route("/", accountRoutes(deps));
  app.route("/", statusRoutes(deps));
  app.route("/", timelineRoutes(deps));
  // Before moreRoutes: a member's groups, shown as read-only lists.
  app.route("/", groupListRoutes(deps));
  app.route("/", decisionRoutes(deps));
  app.route("/", commonsRoutes(deps));
  app.route("/", indicatorRoutes(deps));
  app.route("/", planRoundRoutes(deps));
  app.route("/", creditRoutes(deps));
  app.route("/", commonsFederationRoutes(deps));
  app.route("/", movingRoutes(deps));
  app.route("/", budgetBallotRoutes(deps));
  app.route("/", budgetRoutes(deps));
  app.route("/", economyMarketRoutes(deps));
  app.route("/", economyAgreementRoutes(deps));
  // Before notificationRoutes (the polls' own): a poll that is a decision counts there.
  app.route("/", decisionPollRoutes(deps));
  app.route("/", notificationGroupRoutes(deps));
  app.route("/", notificationRoutes(deps));
  app.route("/", moreRoutes(deps));
  app.route("/", signupRoutes(deps));
  app.route("/", sseRoutes(streaming));
  app.all("/api/*", (c) => c.json({ error: "Record not found" }, 404));
  return app;
}
