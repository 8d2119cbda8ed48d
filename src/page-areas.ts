/**
 * The node's pages and client API, area by area, in the order they answer: each is
 * imported and built on its first request (lazy-area.ts). The order is the order
 * the routes were mounted in before (a run of mounts became one area), so where two
 * areas share a path (an article's address is a post's; /groups/{name}/… is the
 * opsroom's before the groups'), the first still answers or passes on to the next.
 * Each area's prefixes must cover its routes: test/lazy-areas.test.ts checks them.
 */
import { Hono } from "hono";
import type { CoopSettingsStore } from "./accounts/coop.ts";
import type { RateLimiter } from "./accounts/rate-limits.ts";
import type { ApiDeps } from "./api/deps.ts";
import type { StreamingHub } from "./api/streaming/hub.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import type { FederationGateway } from "./federation/index.ts";
import type { Clock } from "./kernel/clock.ts";
import { exactly, type LazyAreaParameters, prefixed } from "./lazy-area.ts";
import type { NewsletterContext } from "./media/newsletters/context.ts";
import type { WebEnv } from "./web/context.ts";
import type { NewsletterPagesDeps } from "./web/feeds/newsletter-pages.ts";
import type { RenderedCache } from "./web/media/rendered-cache.ts";

export interface PageAreasParameters {
  readonly db: Db;
  readonly config: Config;
  readonly coop: CoopSettingsStore;
  readonly federation: FederationGateway;
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  readonly apiDeps: ApiDeps;
  /** The streaming hub, built with the client API (its SSE routes are the API's). */
  readonly streaming: () => Promise<StreamingHub>;
  readonly articleCache: RenderedCache;
  readonly newsletterDeps: NewsletterPagesDeps;
  /** The newsletters' context (imported with the newsletter pages, once). */
  readonly newsletters: () => Promise<NewsletterContext>;
}

/** A Hono app answering with these apps' routes, in this order. */
function inOrder(...apps: Hono<WebEnv>[]): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  for (const routes of apps) app.route("/", routes);
  return app;
}

const feedPath = /\/feed\.(?:rss|atom|json)$/;

/**
 * Feeds (RSS, Atom, JSON Feed) of a member, a group, a tag and the local timeline:
 * the same for every reader and polled often, answered before the federation,
 * locale and session middleware (a miss falls through to the 404 page).
 */
export function feedArea(p: PageAreasParameters): LazyAreaParameters {
  return {
    name: "the feeds",
    covers: (path) => feedPath.test(path),
    build: async () => {
      const [{ feedPages }, { FeedCache }] = await Promise.all([
        import("./web/feeds/routes.ts"),
        import("./media/feeds/cache.ts"),
      ]);
      return feedPages({
        db: p.db,
        config: p.config,
        clock: p.clock,
        cache: new FeedCache(),
        coopName: async () => (await p.coop.get()).name,
      });
    },
  };
}

/**
 * The public article page for visitors without a session, from memory (its cache
 * is the node's: writes drop its entries); members and first renders go on to the
 * media pages.
 */
export function articleVisitorArea(p: PageAreasParameters): LazyAreaParameters {
  return {
    name: "the article page for visitors",
    covers: prefixed("/articles/"),
    build: async () =>
      (await import("./web/media/article-visitors.ts")).articleVisitorPages({
        db: p.db,
        coop: p.coop,
        cache: p.articleCache,
      }),
  };
}

/**
 * Uploaded media and the stylesheet and script every page asks for: the same for
 * every reader (no session, locale or co-op name), answered before those layers;
 * a file not found goes on (to the areas' own /static/ files, or the 404 page).
 */
export function assetArea(p: PageAreasParameters): LazyAreaParameters {
  return {
    name: "the media files and stylesheets",
    covers: prefixed("/media/", "/static/"),
    build: async () =>
      (await import("./web/assets.ts")).assetRoutes({
        db: p.db.db,
        config: p.config,
        clock: p.clock,
      }),
  };
}

/** Confirm and one-click unsubscribe links: before the session (the signed token is the authority). */
export function newsletterLinkArea(p: PageAreasParameters): LazyAreaParameters {
  return {
    name: "the newsletter links",
    covers: prefixed("/newsletters/"),
    build: async () => {
      const { newsletterLinkPages } = await import("./web/feeds/newsletter-links.ts");
      return newsletterLinkPages(await p.newsletters());
    },
  };
}

/** Everything after the session and CSRF middleware, in the order it answers. */
export function pageAreas(p: PageAreasParameters): LazyAreaParameters[] {
  const { db, config, coop, federation, clock, limiter } = p;
  const social = { db: db.db, config, coop, federation, clock };
  const groupsBase = { db: db.db, config, federation, clock };
  return [
    {
      name: "the client API",
      covers: prefixed("/api/", "/oauth/", "/avatars/original", "/headers/original"),
      build: async () => {
        const { apiRoutes } = await import("./api/index.ts");
        return apiRoutes(p.apiDeps, await p.streaming()) as unknown as Hono<WebEnv>;
      },
    },
    {
      name: "the front page",
      covers: exactly("/"),
      build: async () => (await import("./web/pages/home.ts")).homePages(social),
    },
    {
      name: "the commons pages",
      covers: prefixed("/commons"),
      build: async () => {
        const [{ commonsPages }, { releaseSigner }] = await Promise.all([
          import("./web/commons/pages.ts"),
          import("./federation/commons-signer.ts"),
        ]);
        return commonsPages({
          db: db.db,
          config,
          clock,
          signer: releaseSigner(db.db, config.origin),
        });
      },
    },
    {
      name: "the network pages",
      covers: prefixed("/network"),
      build: async () =>
        (await import("./web/federation/pages.ts")).networkPages({ db: db.db, config, federation }),
    },
    {
      // Before the social pages: /@username/newsletter, and an article's address is a
      // post's (other posts pass on).
      name: "the newsletter and media pages",
      covers: prefixed("/@", "/groups/", "/articles/", "/media", "/static/media", "/publications"),
      build: async () => {
        const m = await Promise.all([
          import("./web/feeds/newsletter-pages.ts"),
          import("./web/media/pages.ts"),
          import("./web/media/editor.ts"),
          import("./web/media/workflow-pages.ts"),
          import("./web/media/revisions.ts"),
          import("./web/media/publications.ts"),
          import("./web/media/comment-moderation.ts"),
        ]);
        const media = { db: db.db, config, clock, cache: p.articleCache };
        return inOrder(
          m[0].newsletterPages(p.newsletterDeps),
          m[1].mediaPages(media),
          m[2].editorPages(media),
          m[3].workflowPages(media),
          m[4].revisionPages(media),
          m[5].publicationPages(media),
          m[6].commentModerationPages(media),
        );
      },
    },
    {
      name: "the social pages",
      covers: prefixed(
        "/@",
        "/bookmarks",
        "/posts/",
        "/social",
        "/tags/",
        "/notifications",
        "/rules",
        "/people/",
        "/moderation",
        "/search",
      ),
      build: async () => {
        const m = await Promise.all([
          import("./web/social/pages.ts"),
          import("./web/social/notifications-page.ts"),
          import("./web/social/post-actions.ts"),
          import("./web/social/filters.ts"),
          import("./web/people/pages.ts"),
          import("./web/people/actions.ts"),
          import("./web/social/moderation-pages.ts"),
          import("./web/search/pages.ts"),
        ]);
        return inOrder(
          m[0].socialPages(social),
          m[1].notificationPages(social),
          m[2].postActionPages(social),
          m[3].filterPages(social),
          m[4].peoplePages(social),
          m[5].personActionPages(social),
          m[6].moderationPages(social),
          m[7].searchPages(social),
        );
      },
    },
    {
      // The opsroom and plan rounds before the group pages, whose /groups/{name}/…
      // would take their paths.
      name: "the groups, decisions, budgeting and economy pages",
      covers: prefixed(
        "/groups",
        "/group-posts/",
        "/opsroom",
        "/plan-rounds",
        "/budgets",
        "/decisions",
        "/economy",
        "/static/opsroom",
        "/static/pb-",
        "/static/economy",
      ),
      build: async () => {
        const m = await Promise.all([
          import("./web/opsroom/wall.ts"),
          import("./web/opsroom/pages.ts"),
          import("./web/plan-rounds/pages.ts"),
          import("./web/groups/federations.ts"),
          import("./web/groups/remote.ts"),
          import("./web/groups/manage.ts"),
          import("./web/groups/thread-pages.ts"),
          import("./web/budgeting/vote-pages.ts"),
          import("./web/decisions/pages.ts"),
          import("./web/budgeting/pages.ts"),
          import("./web/economy/ledger-pages.ts"),
          import("./web/economy/index.ts"),
          import("./web/economy/agreements.ts"),
          import("./web/decision-federation/pages.ts"),
          import("./web/groups/reports.ts"),
          import("./web/groups/pages.ts"),
        ]);
        const groups = {
          ...groupsBase,
          // A thread that carries a decision shows it above its posts.
          threadHead: m[8].decisionThreadHead(groupsBase),
          remoteThreadHead: m[13].remoteDecisionHead(groupsBase),
        };
        const plain = { db: db.db, config, clock };
        return inOrder(
          m[0].opsroomWall(plain),
          m[1].opsroomPages(plain),
          m[2].planRoundPages(plain),
          m[3].coopFederationPages(groups),
          m[4].remoteGroupPages(groups),
          m[5].groupManagePages(groups),
          m[6].groupThreadPages(groups),
          m[7].budgetVotePages(groups),
          m[8].decisionPages(groups),
          m[9].budgetingPages(groups),
          m[10].ledgerPages(groups),
          m[11].economyPages(groups),
          m[12].agreementPages(plain),
          m[13].decisionFederationPages(groups),
          m[14].groupReportPages(groups),
          m[15].groupPages(groups),
        );
      },
    },
    {
      name: "the account and admin pages",
      covers: prefixed(
        "/settings",
        "/@",
        "/admin",
        "/confirm-email/",
        "/login",
        "/logout",
        "/password/",
        "/signup",
        "/verify-email/",
      ),
      build: async () => {
        const [{ movingPages }, { accountPages }, { accountDataContributors }, { profileSection }] =
          await Promise.all([
            import("./web/moving/pages.ts"),
            import("./web/accounts/index.ts"),
            import("./account-data-contributors.ts"),
            import("./web/social/profile.ts"),
          ]);
        const mailer = config.smtpUrl
          ? await (await import("./accounts/mail.ts")).smtpMailer(config.smtpUrl, config.mailFrom)
          : null;
        return inOrder(
          movingPages({ db: db.db, config, federation, limiter, clock }),
          accountPages({
            db: db.db,
            config,
            coop,
            limiter,
            mailer,
            contributors: accountDataContributors(config.origin),
            clock,
            profileSection: profileSection(social),
          }),
        );
      },
    },
  ];
}
