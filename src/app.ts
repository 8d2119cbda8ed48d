/**
 * The composition root: builds the database, the capabilities and the HTTP app
 * from a Config. Everything a running node holds is reachable from a SyncoNode.
 */

import type { Server } from "node:http";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { CoopSettingsStore } from "./accounts/coop.ts";
import { RateLimiter } from "./accounts/rate-limits.ts";
import { trackWrites, WriteClock } from "./api/cache.ts";
import type { ApiDeps } from "./api/deps.ts";
import { corsForApps, popupOpenerPolicy } from "./api/edge.ts";
import { discoveryRoutes } from "./api/routes/discovery.ts";
import { instanceRoutes } from "./api/routes/instance.ts";
import type { StreamingHub } from "./api/streaming/hub.ts";
import type { Config } from "./config.ts";
import { type Db, openDatabase } from "./db/database.ts";
import { migrateToLatest } from "./db/migrate.ts";
import type { FederationGateway } from "./federation/index.ts";
import {
  areaFederationDocuments,
  cachedFederationDocuments,
  federationMiddleware,
} from "./federation/middleware.ts";
import { federationGateway } from "./federation-gateway.ts";
import { type DecisionClosedHook, onDecisionClosed } from "./governance/decisions/closing.ts";
import { type Clock, systemClock } from "./kernel/clock.ts";
import { lazyArea } from "./lazy-area.ts";
import type { NewsletterContext } from "./media/newsletters/context.ts";
import { RequestMetrics } from "./metrics.ts";
import { observabilityRoutes, observeRequests } from "./observability.ts";
import {
  articleVisitorArea,
  assetArea,
  feedArea,
  newsletterLinkArea,
  type PageAreasParameters,
  pageAreas,
} from "./page-areas.ts";
import { unreadCount } from "./social/notifications.ts";
import { CONTENT_SECURITY_POLICY } from "./web/content-security.ts";
import type { WebEnv } from "./web/context.ts";
import { notFound, onError } from "./web/errors.ts";
import { negotiateLocale, translator } from "./web/i18n/i18n.ts";
import { RenderedCache } from "./web/media/rendered-cache.ts";
import { csrfProtection, sessionMiddleware } from "./web/session.ts";
import { formBodyLimit } from "./web/uploads.ts";
import { startWorker, type WorkerOptions } from "./worker.ts";

/** Bodies above this are refused with 413 before anything reads them. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface SyncoNode {
  config: Config;
  db: Db;
  coop: CoopSettingsStore;
  app: Hono<WebEnv>;
  /** ActivityPub (Fedify loads on first use). */
  federation: FederationGateway;
  /**
   * Answers the client API's WebSocket stream (/api/v1/streaming) on an HTTP server;
   * returns a function that closes the open streams (call it before server.close()).
   */
  attachStreaming(server: Server): () => void;
  /**
   * The streaming hub (WebSocket and SSE): its open connections and subscriptions.
   * Built with the client API, on its first request or stream (throws before that).
   */
  readonly streaming: StreamingHub;
  /** The pages and client API, loaded on first use, in the order they answer (page-areas.ts). */
  areas: PageAreasParameters;
  /**
   * Starts background work (queues, outbox relay, housekeeping); returns a function
   * that stops it. `inboxHelper` adds a thread that takes over inbox processing while
   * this one is saturated (inbox-helper.ts): for a process that also answers HTTP.
   */
  startWorker(options?: WorkerOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * The decisions' closed hooks, imported when a decision first closes (~50 ms of a
 * start, issue 24). One function each for the whole process: the hooks are a set,
 * so every node built here registers them once, as before.
 */
const applyBudgetDecision: DecisionClosedHook = async (trx, closed) =>
  (await import("./commons/budget-decisions.ts")).applyBudgetDecision(trx, closed);
const applyWeightsDecision: DecisionClosedHook = async (trx, closed) =>
  (await import("./economy/plan-rounds/weights.ts")).applyWeightsDecision(trx, closed);

export async function createNode(
  config: Config,
  options: { migrate?: boolean; clock?: Clock } = {},
): Promise<SyncoNode> {
  const db = await openDatabase(config.databaseUrl);
  if (options.migrate ?? true) await migrateToLatest(db.db);
  const coop = new CoopSettingsStore(db.db, { registration: config.registration });
  const clock = options.clock ?? systemClock;
  // Decisions that carry an action: a dataset's budget (a set: registering twice is once).
  onDecisionClosed(applyBudgetDecision);
  // A federation's plan-round priority weights (economy/plan-rounds/weights.ts).
  onDecisionClosed(applyWeightsDecision);
  // Newsletters go out through the node's SMTP setting; without it they are off (and say so).
  const newsletterTransport = config.smtpUrl
    ? await (await import("./media/newsletters/smtp.ts")).smtpTransport(
        config.smtpUrl,
        config.mailFrom,
      )
    : null;
  const newsletterDeps = { db, config, clock, transport: newsletterTransport };
  let newsletterContext: Promise<NewsletterContext> | null = null;
  const newsletters = () =>
    (newsletterContext ??= import("./web/feeds/newsletter-pages.ts").then((m) =>
      m.newsletterContext(newsletterDeps),
    ));

  const federation = federationGateway(config, db, coop, clock);

  // strict: false routes /x/ as /x on every route and method, as Mastodon does
  // (Mastodon.py asks for /api/v1/instance/): the path is read that way, the
  // request is untouched (no redirect, so POST bodies and queries stay).
  const app = new Hono<WebEnv>({ strict: false });
  app.onError(onError);
  app.notFound(notFound);
  // First, so every answer (a federation one, a 404, a 500) gets its id and is counted.
  const metrics = new RequestMetrics();
  app.use(observeRequests(metrics));
  // A kept WebFinger, actor or NodeInfo answer, with the headers it was first answered
  // with (CORS, security headers), before the layers that would set them again (issue 24).
  app.use(cachedFederationDocuments(federation));
  app.use(popupOpenerPolicy());
  app.use(corsForApps());
  app.use(
    secureHeaders({
      crossOriginResourcePolicy: false,
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    }),
  );
  // Before the locale and session middleware: probes need no database call, cookie or session.
  app.route("/", observabilityRoutes({ db, config, clock, metrics }));
  const limiter = new RateLimiter(db.db, clock);
  // The client API's caches are checked against this process's committed writes.
  const writes = new WriteClock();
  db.onWriteCommitted(writes.heard);
  trackWrites(db.db, writes);
  const apiDeps: ApiDeps = { db: db.db, config, coop, federation, limiter, clock, writes };
  const articleCache = new RenderedCache();
  db.onWriteCommitted(articleCache.heardWrite);
  // The streaming hub is the client API's (its SSE routes) and the server's (WebSocket).
  let hub: StreamingHub | null = null;
  let hubLoading: Promise<StreamingHub> | null = null;
  const streaming = () =>
    (hubLoading ??= import("./api/streaming/hub.ts").then((m) => {
      hub = new m.StreamingHub(apiDeps);
      return hub;
    }));
  const areas: PageAreasParameters = {
    db,
    config,
    coop,
    federation,
    clock,
    limiter,
    apiDeps,
    streaming,
    articleCache,
    newsletterDeps,
    newsletters,
  };
  // Feeds, the article page for visitors, media files and stylesheets: the same for
  // every reader, before the federation, locale and session middleware (a miss goes
  // on as any request).
  app.use(lazyArea(feedArea(areas)));
  app.use(lazyArea(articleVisitorArea(areas)));
  app.use(lazyArea(assetArea(areas)));
  app.route("/", discoveryRoutes({ config, federation }));
  // The instance document, asked by every app on start, without a token: answered here,
  // before the layers the rest of the API needs (issue 24).
  app.route("/", instanceRoutes(apiDeps, { early: true }) as unknown as Hono<WebEnv>);
  // Federation first: servers' requests need no locale, co-op name or session, and an
  // inbox POST is the busiest request a node answers. What they pass on gets the rest.
  // The areas' documents (groups, decisions, budgeting, …) load on the first request
  // that can be one: a GET asking for ActivityStreams JSON, or a WebFinger.
  app.use(areaFederationDocuments(federation));
  app.use(federationMiddleware(federation));
  app.use(async (c, next) => {
    const locale = negotiateLocale(c.req.header("accept-language"));
    c.set("locale", locale);
    c.set("t", translator(locale));
    const settings = await coop.get();
    c.set("coop", { name: settings.name, description: settings.description });
    await next();
  });
  // Confirm and one-click unsubscribe links: the signed token is the authority (no CSRF token).
  app.use(lazyArea(newsletterLinkArea(areas)));
  // The client API authenticates with bearer tokens, never with the session cookie:
  // its requests skip the session lookup and the signed pre-session nonce (issue 24).
  const session = sessionMiddleware({ db: db.db, config, clock });
  app.use((c, next) => {
    if (!c.req.path.startsWith("/api/")) return session(c, next);
    c.set("viewer", null);
    return next();
  });
  // The header's badge: counted only when a page shows it.
  app.use((c, next) => {
    const viewer = c.get("viewer");
    if (viewer) c.set("unreadNotifications", () => unreadCount(db.db, viewer.id));
    return next();
  });
  app.use(formBodyLimit(bodyLimit({ maxSize: MAX_BODY_BYTES })));
  app.use(csrfProtection());
  // The client API and the pages, each area imported on its first request.
  for (const area of pageAreas(areas)) app.use(lazyArea(area));

  return {
    config,
    db,
    coop,
    app,
    federation,
    attachStreaming: (server) => attachStreamingLazily(server, streaming),
    get streaming() {
      if (!hub) throw new Error("The streaming hub is built with the client API's first request");
      return hub;
    },
    areas,
    startWorker: async (options = {}) => {
      const stop = await startWorker(db, federation, { media: config, ...options });
      const { startNodeSweeps } = await import("./node-sweeps.ts");
      const stopSweeps = await startNodeSweeps({
        db,
        config,
        coop,
        clock,
        newsletterTransport,
        newsletters,
      });
      return async () => {
        await stopSweeps();
        await stop();
      };
    },
    close: async () => {
      hub?.close();
      await db.close();
    },
  };
}

/**
 * Answers WebSocket upgrades through the streaming hub, which is imported on the
 * first one: the hub then takes the server's upgrades, this one included.
 */
function attachStreamingLazily(server: Server, streaming: () => Promise<StreamingHub>) {
  let endStreams = () => {};
  const first = (...upgrade: unknown[]) => {
    server.off("upgrade", first);
    streaming().then(
      (hub) => {
        endStreams = hub.attach(server);
        server.emit("upgrade", ...upgrade);
      },
      () => (upgrade[1] as { destroy(): void }).destroy(),
    );
  };
  server.on("upgrade", first);
  return () => endStreams();
}
