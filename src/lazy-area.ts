/**
 * An area of the node (its pages, the client API) imported and built on the first
 * request that may need it, not at start: the modules of every area made ~100 MB
 * and most of a restart's CPU before a node answered anything (issue 24).
 *
 * Mounted where `app.route("/", area)` stood, it keeps the order of the chain: a
 * request outside the area's path prefixes goes on at once; one inside is answered
 * by the area's own Hono app, and one the area does not answer (no route, or every
 * handler passed on) goes on to what follows, as it did through the routes before.
 * The area's handlers see what the node's middleware set (viewer, locale, t, coop…),
 * the body the CSRF check already read, and the connection (c.env); the node's
 * error handler answers their errors; the metrics count the area's route pattern.
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { WebEnv } from "./web/context.ts";

export interface LazyAreaParameters {
  /** For the logs and errors: "the social pages". */
  readonly name: string;
  /**
   * Could a request for this path be one of the area's (`prefixed`, `exactly`)?
   * test/lazy-areas.test.ts checks every route of every area against it.
   */
  readonly covers: (path: string) => boolean;
  /** Imports the area's modules and builds its app (once; again only if it failed). */
  readonly build: () => Promise<Hono<WebEnv>>;
}

/** What an area's dispatch carries besides the connection: the node's context, and whether it passed. */
interface AreaEnv {
  outer: Context<WebEnv>;
  passed: boolean;
  route: string;
}

/** The route pattern an area answered with, by the node's context (read by the metrics). */
const answered = new WeakMap<Context, string>();

/** The route pattern of the area handler that answered this request, if one did. */
export const areaRoute = (c: Context): string | undefined => answered.get(c);

/** Paths under one of these prefixes ("/groups/" covers "/groups" too). */
export function prefixed(...prefixes: string[]): (path: string) => boolean {
  return (path) => {
    for (const prefix of prefixes) {
      if (path.startsWith(prefix)) return true;
      if (prefix.endsWith("/") && path.length === prefix.length - 1 && prefix.startsWith(path))
        return true;
    }
    return false;
  };
}

/** These paths only. */
export function exactly(...paths: string[]): (path: string) => boolean {
  return (path) => paths.includes(path);
}

/** The area's app inside one that hands the node's context in and passes misses back out. */
async function areaApp(area: LazyAreaParameters): Promise<Hono<WebEnv>> {
  const routes = await area.build();
  // strict: false as the node's app (a trailing slash names the same page).
  const app = new Hono<WebEnv>({ strict: false });
  app.use(async (c, next) => {
    const env = c.env as unknown as AreaEnv;
    const outer = env.outer;
    for (const [key, value] of Object.entries(outer.var))
      c.set(key as keyof WebEnv["Variables"], value);
    // The CSRF check may have read the form already: the handler's parseBody() reuses it.
    c.req.bodyCache = outer.req.bodyCache;
    await next();
    env.route = routePath(c);
  });
  app.route("/", routes);
  app.notFound((c) => {
    (c.env as unknown as AreaEnv).passed = true;
    return new Response(null, { status: 404 });
  });
  // Rethrown: the node's onError answers it as it answers any other route's error.
  app.onError((error) => {
    throw error;
  });
  return app;
}

export function lazyArea(area: LazyAreaParameters): MiddlewareHandler<WebEnv> {
  let app: Promise<Hono<WebEnv>> | null = null;
  return async (c, next) => {
    if (!area.covers(c.req.path)) return next();
    app ??= areaApp(area).catch((error: unknown) => {
      app = null;
      throw new Error(`Loading ${area.name} failed`, { cause: error });
    });
    const built = await app;
    const env: AreaEnv = { ...(c.env as object), outer: c, passed: false, route: "" };
    const response = await built.fetch(c.req.raw, env);
    if (env.passed) return next();
    if (env.route && env.route !== "/*") answered.set(c, env.route);
    return response;
  };
}
