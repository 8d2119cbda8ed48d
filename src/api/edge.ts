/**
 * What browser-based apps (Phanpy, Elk) need from every response before any
 * route runs: CORS on the paths Mastodon opens to other origins, and an opener
 * policy on the login and consent pages that keeps an app's popup attached.
 */
import type { MiddlewareHandler } from "hono";

/**
 * Mastodon's list (config/initializers/cors.rb): the API, token exchange and
 * revocation, discovery documents, NodeInfo, and actor documents.
 */
const corsPath =
  /^\/(?:api\/.*|oauth\/(?:token|revoke)|\.well-known\/.*|nodeinfo\/.*|users\/[^/]+|@[^/]+)\/?$/;

/** Access-Control-Allow-Origin: * (no credentials: apps send bearer tokens, not cookies). */
export function corsForApps(): MiddlewareHandler {
  return async (c, next) => {
    if (!corsPath.test(c.req.path)) return next();
    if (c.req.method === "OPTIONS") {
      return c.body(null, 204, {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Headers":
          c.req.header("access-control-request-headers") ??
          "Authorization, Content-Type, Idempotency-Key",
        "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
        "Access-Control-Max-Age": "7200",
      });
    }
    await next();
    const set = () => {
      c.res.headers.set("Access-Control-Allow-Origin", "*");
      c.res.headers.set(
        "Access-Control-Expose-Headers",
        "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id",
      );
    };
    try {
      set();
    } catch {
      // A response built elsewhere (Fedify's) may have immutable headers: copy it.
      c.res = new Response(c.res.body, c.res);
      set();
    }
  };
}

/**
 * The pages an app's login popup walks through: the login page, then the consent
 * page. With Cross-Origin-Opener-Policy: same-origin there, the browser severs the
 * popup from the app that opened it, which then sees `popup.closed` and gives up
 * (Phanpy). `unsafe-none` keeps the opener; these pages hold no secret an opener
 * could read, and framing stays forbidden by X-Frame-Options. Registered before
 * secureHeaders so its answer is the last word on this one header.
 */
const popupPath = /^\/(?:oauth\/authorize|login)\/?$/;

export function popupOpenerPolicy(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (popupPath.test(c.req.path)) c.res.headers.set("Cross-Origin-Opener-Policy", "unsafe-none");
  };
}
