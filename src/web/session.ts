/**
 * Sessions and CSRF for the web pages.
 *
 * - `sessionMiddleware` reads the `synco_session` cookie and sets `viewer`, the
 *   page language (the member's own setting wins over Accept-Language) and
 *   `csrfToken`. Visitors without a session get a signed pre-session cookie
 *   (`synco_csrf`) so the login and sign-up forms are protected too.
 * - `csrfProtection` refuses (403) every unsafe request to a web route whose
 *   `_csrf` field (or X-CSRF-Token header) does not match. Machine endpoints
 *   (/api/, /oauth/, /.well-known/, /nodeinfo/, inboxes) are exempt.
 * - `requireViewer(c)` returns the member or ends the request: a redirect to
 *   /login for a page, 401 otherwise. `requireRole(c, role)` also checks the role (403).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import type { Kysely } from "kysely";
import { findSession, SESSION_LIFETIME_MS } from "../accounts/sessions.ts";
import type { Config } from "../config.ts";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { InputError } from "../kernel/errors.ts";
import { newToken } from "../kernel/ids.ts";
import { isUnsafeKey } from "../kernel/object-keys.ts";
import type { Viewer, WebEnv } from "./context.ts";
import { negotiateLocale, translator } from "./i18n/i18n.ts";
import { redirectHere } from "./redirect.ts";

export const SESSION_COOKIE = "synco_session";
export const PRE_SESSION_COOKIE = "synco_csrf";

/** The session id behind each request, for pages that act on "this session". */
const sessionIds = new WeakMap<Request, string>();

export function currentSessionId(c: Context<WebEnv>): string | undefined {
  return sessionIds.get(c.req.raw);
}

function sign(secret: string, value: string): string {
  return createHmac("sha256", secret).update(value).digest("base64url");
}

function secure(config: Config): boolean {
  return config.origin.startsWith("https:");
}

export function setSessionCookie(c: Context<WebEnv>, config: Config, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secure(config),
    path: "/",
    maxAge: Math.floor(SESSION_LIFETIME_MS / 1000),
  });
}

export function clearSessionCookie(c: Context<WebEnv>, config: Config): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secure(config) });
}

export function sessionMiddleware(deps: {
  db: Kysely<Schema>;
  config: Config;
  clock?: Clock;
}): MiddlewareHandler<WebEnv> {
  const { db, config } = deps;
  const clock = deps.clock ?? systemClock;
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    let preSession: string | undefined;
    let newNonce: string | undefined;
    const session = token ? await findSession(db, token, clock) : undefined;
    if (session) {
      sessionIds.set(c.req.raw, session.sessionId);
      c.set("viewer", {
        id: session.accountId,
        username: session.username,
        displayName: session.displayName,
        role: session.role,
      });
      c.set("csrfToken", sign(config.secret, `session:${session.sessionId}`));
      const locale = negotiateLocale(c.req.header("accept-language"), session.language);
      c.set("locale", locale);
      c.set("t", translator(locale));
    } else {
      if (token) clearSessionCookie(c, config);
      c.set("viewer", null);
      let nonce = getCookie(c, PRE_SESSION_COOKIE);
      if (!nonce || !/^[\w-]{20,64}$/.test(nonce)) nonce = newToken(18);
      else preSession = nonce;
      c.set("csrfToken", sign(config.secret, `visitor:${nonce}`));
      newNonce = preSession ? undefined : nonce;
    }
    await next();
    // Only pages carry forms, so only pages set the pre-session cookie (not images, API, feeds),
    // and not a page that says it is the same for every visitor (Cache-Control: public, as the
    // public article page does): it has no form for them, and a Set-Cookie would keep shared
    // caches from storing it.
    if (
      newNonce &&
      (c.res.headers.get("content-type") ?? "").startsWith("text/html") &&
      !(c.res.headers.get("cache-control") ?? "").startsWith("public")
    ) {
      setCookie(c, PRE_SESSION_COOKIE, newNonce, {
        httpOnly: true,
        sameSite: "Lax",
        secure: secure(config),
        path: "/",
      });
    }
    // requireViewer ends a page request with a redirect to the login page.
    if (c.error instanceof LoginRequired && c.error.redirectTo) {
      c.res = redirectHere(c, c.error.redirectTo, 303);
    }
  };
}

/** Paths that machines POST to; they authenticate otherwise (signatures, OAuth tokens). */
export function isMachineEndpoint(path: string): boolean {
  return (
    path.startsWith("/api/") ||
    path.startsWith("/oauth/") ||
    path.startsWith("/.well-known/") ||
    path.startsWith("/nodeinfo/") ||
    path === "/inbox" ||
    path.endsWith("/inbox")
  );
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function csrfProtection(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || isMachineEndpoint(c.req.path)) return next();
    const expected = c.get("csrfToken");
    let given = c.req.header("x-csrf-token");
    if (!given) {
      const type = c.req.header("content-type") ?? "";
      if (
        type.startsWith("application/x-www-form-urlencoded") ||
        type.startsWith("multipart/form-data")
      ) {
        // Hono caches the parsed body, so the handler's own parseBody() does not read it twice.
        const body = await c.req.parseBody();
        // Every page's form passes here: a field named like a prototype goes no further.
        if (Object.keys(body).some(isUnsafeKey))
          throw new InputError(c.get("t")("form.unsafeName"), 400);
        given = typeof body._csrf === "string" ? body._csrf : undefined;
      }
    }
    if (!expected || !given || !sameString(given, expected)) {
      throw new InputError(c.get("t")("auth.csrf"), 403);
    }
    return next();
  };
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Thrown by requireViewer; answered with a redirect (pages) or 401 (everything else). */
export class LoginRequired extends HTTPException {
  readonly redirectTo: string | undefined;
  constructor(message: string, redirectTo: string | undefined) {
    super(401, { message });
    this.redirectTo = redirectTo;
  }
}

/** The logged-in member; otherwise the request ends (redirect to /login for a page, or 401). */
export function requireViewer(c: Context<WebEnv>): Viewer {
  const viewer = c.get("viewer");
  if (viewer) return viewer;
  const url = new URL(c.req.url);
  const isPage =
    c.req.method === "GET" &&
    !isMachineEndpoint(url.pathname) &&
    !(c.req.header("accept") ?? "").includes("json");
  const next = `${url.pathname}${url.search}`;
  throw new LoginRequired(
    c.get("t")("auth.required"),
    isPage ? `/login?next=${encodeURIComponent(next)}` : undefined,
  );
}

const rank = { member: 0, moderator: 1, admin: 2 } as const;

/** The logged-in member if their role is at least `role` (admins may do what moderators may); else 403. */
export function requireRole(c: Context<WebEnv>, role: "admin" | "moderator"): Viewer {
  const viewer = requireViewer(c);
  if (rank[viewer.role] < rank[role]) throw new InputError(c.get("t")("auth.forbidden"), 403);
  return viewer;
}
