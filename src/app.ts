/**
 * The composition root: builds the database, the capabilities and the HTTP app
 * from a Config. Everything a running node holds is reachable from a SyncoNode.
 */

import type { Server } from "node:http";
import { getLogger } from "@logtape/logtape";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { CoopSettingsStore } from "./accounts/coop.ts";
import { type AccountDataContributor, accountsContributor } from "./accounts/data.ts";
import { smtpMailer } from "./accounts/mail.ts";
import { RateLimiter } from "./accounts/rate-limits.ts";
import { apiContributor } from "./api/account-data.ts";
import { trackWrites, WriteClock } from "./api/cache.ts";
import { corsForApps, popupOpenerPolicy } from "./api/edge.ts";
import { apiRoutes, StreamingHub } from "./api/index.ts";
import { discoveryRoutes } from "./api/routes/discovery.ts";
import { instanceRoutes } from "./api/routes/instance.ts";
import { applyBudgetDecision } from "./commons/budget-decisions.ts";
import { commonsContributor } from "./commons/data.ts";
import { sweepWithdrawnRows } from "./commons/queries.ts";
import type { Config } from "./config.ts";
import { type Db, openDatabase } from "./db/database.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { agreementsContributor } from "./economy/agreements/data.ts";
import { creditContributor } from "./economy/credit/data.ts";
import { marketContributor } from "./economy/market/data.ts";
import { computeDue } from "./economy/opsroom/computed.ts";
import { opsroomContributor } from "./economy/opsroom/data.ts";
import { escalateDue } from "./economy/opsroom/escalation.ts";
import { sweepAlarmMail } from "./economy/opsroom/mail.ts";
import { planRoundsContributor } from "./economy/plan-rounds/data.ts";
import { sweepPlanRounds } from "./economy/plan-rounds/sweep.ts";
import { applyWeightsDecision } from "./economy/plan-rounds/weights.ts";
import { federationContributor } from "./federation/account-data.ts";
import { budgetingFederationMiddleware } from "./federation/budgeting/serve.ts";
import { commonsFederationMiddleware } from "./federation/commons/serve.ts";
import { releaseSigner } from "./federation/commons-signer.ts";
import { creditFederationMiddleware } from "./federation/credit/serve.ts";
import { creditRequestsMiddleware } from "./federation/credit/serve-requests.ts";
import { decisionFederationMiddleware } from "./federation/decisions/serve.ts";
import { economyFederationMiddleware } from "./federation/economy/serve.ts";
import { groupFederationMiddleware } from "./federation/groups/serve.ts";
import type { FederationGateway } from "./federation/index.ts";
import { indicatorsFederationMiddleware } from "./federation/indicators/serve.ts";
import { cachedFederationDocuments, federationMiddleware } from "./federation/middleware.ts";
import { planRoundsFederationMiddleware } from "./federation/plan-rounds/serve.ts";
import { federationGateway } from "./federation-gateway.ts";
import { countWaitingProcesses } from "./governance/budgeting/processes/counting.ts";
import { budgetingContributor } from "./governance/budgeting/processes/data.ts";
import { sweepPhases } from "./governance/budgeting/processes/phases.ts";
import { onDecisionClosed } from "./governance/decisions/closing.ts";
import { decisionsContributor } from "./governance/decisions/data.ts";
import { decisionFederationContributor } from "./governance/decisions/federation-data.ts";
import { sweepDecisions } from "./governance/decisions/sweep.ts";
import { groupsContributor } from "./groups/data.ts";
import { type Clock, systemClock } from "./kernel/clock.ts";
import { mediaContributor } from "./media/data.ts";
import { FeedCache } from "./media/feeds/cache.ts";
import { newslettersContributor } from "./media/newsletters/data.ts";
import { startNewsletterSender } from "./media/newsletters/sender.ts";
import { smtpTransport } from "./media/newsletters/smtp.ts";
import { publishDueArticles } from "./media/scheduler.ts";
import { RequestMetrics } from "./metrics.ts";
import { movingContributor } from "./moving/data.ts";
import { observabilityRoutes, observeRequests } from "./observability.ts";
import { socialContributor } from "./social/data.ts";
import { mailNotices } from "./social/notice-mail.ts";
import { unreadCount } from "./social/notifications.ts";
import { closeEndedPolls } from "./social/polls.ts";
import { accountPages } from "./web/accounts/index.ts";
import { assetRoutes } from "./web/assets.ts";
import { budgetingPages } from "./web/budgeting/pages.ts";
import { budgetVotePages } from "./web/budgeting/vote-pages.ts";
import { commonsPages } from "./web/commons/pages.ts";
import { CONTENT_SECURITY_POLICY } from "./web/content-security.ts";
import type { WebEnv } from "./web/context.ts";
import { decisionFederationPages, remoteDecisionHead } from "./web/decision-federation/pages.ts";
import { decisionReminderMail } from "./web/decision-mail.ts";
import { decisionPages, decisionThreadHead } from "./web/decisions/pages.ts";
import { agreementPages } from "./web/economy/agreements.ts";
import { economyPages } from "./web/economy/index.ts";
import { ledgerPages } from "./web/economy/ledger-pages.ts";
import { notFound, onError } from "./web/errors.ts";
import { networkPages } from "./web/federation/pages.ts";
import { newsletterLinkPages } from "./web/feeds/newsletter-links.ts";
import { newsletterComposer } from "./web/feeds/newsletter-mail.ts";
import { newsletterContext, newsletterPages } from "./web/feeds/newsletter-pages.ts";
import { feedPages } from "./web/feeds/routes.ts";
import { coopFederationPages } from "./web/groups/federations.ts";
import { groupManagePages } from "./web/groups/manage.ts";
import { groupPages } from "./web/groups/pages.ts";
import { remoteGroupPages } from "./web/groups/remote.ts";
import { groupReportPages } from "./web/groups/reports.ts";
import { groupThreadPages } from "./web/groups/thread-pages.ts";
import { negotiateLocale, translator } from "./web/i18n/i18n.ts";
import { articleVisitorPages } from "./web/media/article-visitors.ts";
import { commentModerationPages } from "./web/media/comment-moderation.ts";
import { editorPages } from "./web/media/editor.ts";
import { mediaPages } from "./web/media/pages.ts";
import { publicationPages } from "./web/media/publications.ts";
import { RenderedCache } from "./web/media/rendered-cache.ts";
import { revisionPages } from "./web/media/revisions.ts";
import { workflowPages } from "./web/media/workflow-pages.ts";
import { movingPages } from "./web/moving/pages.ts";
import { noticeMail } from "./web/notice-mail.ts";
import { opsroomAlarmMail } from "./web/opsroom/mail.ts";
import { opsroomPages } from "./web/opsroom/pages.ts";
import { opsroomWall } from "./web/opsroom/wall.ts";
import { homePages } from "./web/pages/home.ts";
import { personActionPages } from "./web/people/actions.ts";
import { peoplePages } from "./web/people/pages.ts";
import { planRoundPages } from "./web/plan-rounds/pages.ts";
import { searchPages } from "./web/search/pages.ts";
import { csrfProtection, sessionMiddleware } from "./web/session.ts";
import { filterPages } from "./web/social/filters.ts";
import { moderationPages } from "./web/social/moderation-pages.ts";
import { notificationPages } from "./web/social/notifications-page.ts";
import { socialPages } from "./web/social/pages.ts";
import { postActionPages } from "./web/social/post-actions.ts";
import { profileSection } from "./web/social/profile.ts";
import { formBodyLimit } from "./web/uploads.ts";
import { startWorker, type WorkerOptions } from "./worker.ts";

/** Bodies above this are refused with 413 before anything reads them. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const logger = getLogger(["synco", "media"]);
const POLL_SWEEP_MS = 15_000;
const decisionsLogger = getLogger(["synco", "decisions"]);
/** Scheduled articles go out within this of their time. */
const ARTICLE_SWEEP_MS = 15_000;

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
  /** The streaming hub (WebSocket and SSE): its open connections and subscriptions. */
  streaming: StreamingHub;
  /**
   * Starts background work (queues, outbox relay, housekeeping); returns a function
   * that stops it. `inboxHelper` adds a thread that takes over inbox processing while
   * this one is saturated (inbox-helper.ts): for a process that also answers HTTP.
   */
  startWorker(options?: WorkerOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

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
  // What a member's export holds and what deleting an account erases, area by area.
  const contributors: AccountDataContributor[] = [
    accountsContributor,
    federationContributor,
    socialContributor,
    groupsContributor,
    decisionsContributor(config.origin),
    budgetingContributor(config.origin),
    decisionFederationContributor,
    mediaContributor,
    apiContributor,
    newslettersContributor,
    movingContributor,
    commonsContributor,
    creditContributor,
    marketContributor(config.origin),
    agreementsContributor(config.origin),
    opsroomContributor(config.origin),
    planRoundsContributor(config.origin),
  ];
  // Newsletters go out through the node's SMTP setting; without it they are off (and say so).
  const newsletterTransport = config.smtpUrl
    ? await smtpTransport(config.smtpUrl, config.mailFrom)
    : null;
  const newsletters = { db, config, clock, transport: newsletterTransport };

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
  // Feeds are the same for every reader and polled often: answered before the federation,
  // locale and session middleware (a miss falls through to the 404 page).
  app.route(
    "/",
    feedPages({
      db,
      config,
      clock,
      cache: new FeedCache(),
      coopName: async () => (await coop.get()).name,
    }),
  );
  // The public article page for visitors without a session, from memory; the rest of
  // its requests (members, first renders) go on to the media pages below.
  const articleCache = new RenderedCache();
  db.onWriteCommitted(articleCache.heardWrite);
  app.route("/", articleVisitorPages({ db, coop, cache: articleCache }));
  const limiter = new RateLimiter(db.db, clock);
  // The client API's caches are checked against this process's committed writes.
  const writes = new WriteClock();
  db.onWriteCommitted(writes.heard);
  trackWrites(db.db, writes);
  const apiDeps = { db: db.db, config, coop, federation, limiter, clock, writes };
  app.route("/", discoveryRoutes({ config, federation }));
  // The instance document, asked by every app on start, without a token: answered here,
  // before the layers the rest of the API needs (issue 24).
  app.route("/", instanceRoutes(apiDeps, { early: true }) as unknown as Hono<WebEnv>);
  // Federation first: servers' requests need no locale, co-op name or session, and an
  // inbox POST is the busiest request a node answers. What they pass on gets the rest.
  app.use(cachedFederationDocuments(federation));
  app.use(groupFederationMiddleware(federation));
  app.use(decisionFederationMiddleware(federation));
  app.use(budgetingFederationMiddleware(federation));
  app.use(indicatorsFederationMiddleware(federation));
  app.use(planRoundsFederationMiddleware(federation));
  app.use(creditFederationMiddleware(federation));
  app.use(creditRequestsMiddleware(federation));
  app.use(commonsFederationMiddleware(federation));
  app.use(economyFederationMiddleware(federation));
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
  app.route("/", newsletterLinkPages(newsletterContext(newsletters)));
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
  const streaming = new StreamingHub(apiDeps);
  app.route("/", apiRoutes(apiDeps, streaming) as unknown as Hono<WebEnv>);
  app.route("/", assetRoutes({ db: db.db, config, clock }));
  const social = { db: db.db, config, coop, federation, clock };
  app.route("/", homePages(social));
  app.route(
    "/",
    commonsPages({ db: db.db, config, clock, signer: releaseSigner(db.db, config.origin) }),
  );
  app.route("/", networkPages({ db: db.db, config, federation }));
  // Before the social pages, whose /@username/{id} would take /@username/newsletter.
  app.route("/", newsletterPages(newsletters));
  // Before the social pages: an article's address is a post's, and other posts pass on.
  const mediaDeps = { db: db.db, config, clock, cache: articleCache };
  app.route("/", mediaPages(mediaDeps));
  app.route("/", editorPages(mediaDeps));
  app.route("/", workflowPages(mediaDeps));
  app.route("/", revisionPages(mediaDeps));
  app.route("/", publicationPages(mediaDeps));
  app.route("/", commentModerationPages(mediaDeps));
  app.route("/", socialPages(social));
  app.route("/", notificationPages(social));
  app.route("/", postActionPages(social));
  app.route("/", filterPages(social));
  app.route("/", peoplePages(social));
  app.route("/", personActionPages(social));
  app.route("/", moderationPages(social));
  app.route("/", searchPages(social));
  const groupsBase = { db: db.db, config, federation, clock };
  const groups = {
    ...groupsBase,
    // A thread that carries a decision shows it above its posts.
    threadHead: decisionThreadHead(groupsBase),
    remoteThreadHead: remoteDecisionHead(groupsBase),
  };
  // Before the group pages, whose /groups/{name}/… would take the opsroom's paths.
  const opsroom = { db: db.db, config, clock };
  app.route("/", opsroomWall(opsroom));
  app.route("/", opsroomPages(opsroom));
  app.route("/", planRoundPages({ db: db.db, config, clock }));
  app.route("/", coopFederationPages(groups));
  app.route("/", remoteGroupPages(groups));
  app.route("/", groupManagePages(groups));
  app.route("/", groupThreadPages(groups));
  app.route("/", budgetVotePages(groups));
  app.route("/", decisionPages(groups));
  app.route("/", budgetingPages(groups));
  app.route("/", ledgerPages(groups));
  app.route("/", economyPages(groups));
  app.route("/", agreementPages({ db: db.db, config, clock }));
  app.route("/", decisionFederationPages(groups));
  app.route("/", groupReportPages(groups));
  app.route("/", groupPages(groups));
  app.route("/", movingPages({ db: db.db, config, federation, limiter, clock }));
  app.route(
    "/",
    accountPages({
      db: db.db,
      config,
      coop,
      limiter,
      mailer: config.smtpUrl ? await smtpMailer(config.smtpUrl, config.mailFrom) : null,
      contributors,
      clock,
      profileSection: profileSection(social),
    }),
  );

  return {
    config,
    db,
    coop,
    app,
    federation,
    attachStreaming: (server) => streaming.attach(server),
    streaming,
    startWorker: async (options = {}) => {
      const stop = await startWorker(db, federation, { media: config, ...options });
      const coopName = (await coop.get()).name;
      const stopNewsletters = newsletterTransport
        ? startNewsletterSender(
            newsletterContext(newsletters),
            newsletterTransport,
            newsletterComposer(() => coopName, config.origin),
          )
        : async () => {};
      // Polls whose time is up: poll-ended notifications and a last Update(Question).
      const decisionsCtx = {
        db: db.db,
        origin: config.origin,
        domain: config.domain,
        clock,
      };
      const remind = config.smtpUrl
        ? decisionReminderMail(await smtpMailer(config.smtpUrl, config.mailFrom), config.origin)
        : null;
      // Notices staff and group moderators can act on, by mail (claimed once in the database).
      const mailNotice = config.smtpUrl
        ? noticeMail(await smtpMailer(config.smtpUrl, config.mailFrom), config.origin)
        : null;
      const alarmMail = config.smtpUrl
        ? opsroomAlarmMail(await smtpMailer(config.smtpUrl, config.mailFrom))
        : null;
      let counting: Promise<unknown> | null = null;
      let planning: Promise<unknown> | null = null;
      const polls = setInterval(() => {
        // Each closed poll records its event, which wakes the relay (Db.onOutboxWritten).
        closeEndedPolls(db.db, clock).catch(() => undefined);
        // Decisions due to close, open or remind (once each: the state is in the database).
        sweepDecisions(decisionsCtx, remind).catch((error: unknown) =>
          decisionsLogger.error("Decisions sweep failed: {error}", { error }),
        );
        mailNotices(db.db, config, mailNotice).catch((error: unknown) =>
          logger.error("Mailing notices failed: {error}", { error }),
        );
        // Budgeting processes whose phase ended by date move on (once: claimed in the database).
        sweepPhases(decisionsCtx).catch((error: unknown) =>
          decisionsLogger.error("Budgeting phase sweep failed: {error}", { error }),
        );
        // Alarms left waiting past their group's window go up a level (once: claimed in the database).
        escalateDue({ db: db.db, origin: config.origin, clock }).catch((error: unknown) =>
          logger.error("Opsroom escalation sweep failed: {error}", { error }),
        );
        // Alarm notices mailed to who answers for them (once: claimed in the database).
        if (alarmMail)
          sweepAlarmMail({ db: db.db, origin: config.origin, clock }, alarmMail).catch(
            (error: unknown) => logger.error("Alarm mail sweep failed: {error}", { error }),
          );
        // Indicators computed from the marketplace: each ended period's value, once.
        computeDue({ db: db.db, origin: config.origin, clock }).catch((error: unknown) =>
          logger.error("Computing indicators failed: {error}", { error }),
        );
        // Withdrawn commons rows whose exclusion period has begun (found by a partial index).
        sweepWithdrawnRows(db.db, clock.now()).catch((error: unknown) =>
          logger.error("Sweeping withdrawn commons rows failed: {error}", { error }),
        );
        // Budgets past voting and not counted yet (one count at a time: a large one takes seconds).
        counting ??= countWaitingProcesses(decisionsCtx)
          .catch((error: unknown) => logger.error("Counting budgets failed: {error}", { error }))
          .finally(() => {
            counting = null;
          });
        // Plan rounds: solve in a worker thread, deadlines, agreements (one sweep at a time).
        planning ??= sweepPlanRounds({ db: db.db, origin: config.origin, clock })
          .catch((error: unknown) => logger.error("Plan-round sweep failed: {error}", { error }))
          .finally(() => {
            planning = null;
          });
      }, POLL_SWEEP_MS);
      // Scheduled articles: at once (what fell due while the node was down), then every sweep.
      const media = { db: db.db, origin: config.origin, domain: config.domain, clock };
      const publishDue = () =>
        publishDueArticles(media).catch((error) =>
          logger.error("Publishing scheduled articles failed: {error}", { error }),
        );
      // Stopping waits for a sweep under way, so the database is not closed under it.
      let sweeping = publishDue();
      const articles = setInterval(() => {
        sweeping = sweeping.then(publishDue);
      }, ARTICLE_SWEEP_MS);
      return async () => {
        clearInterval(polls);
        await stopNewsletters();
        clearInterval(articles);
        await sweeping;
        await counting;
        await planning;
        await stop();
      };
    },
    close: async () => {
      streaming.close();
      await db.close();
    },
  };
}
