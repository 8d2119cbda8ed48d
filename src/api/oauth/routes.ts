/**
 * OAuth 2 (RFC 6749) as Mastodon apps use it: POST /api/v1/apps registers an
 * app; /oauth/authorize shows the consent page to the logged-in member (login
 * through the web session first) and redirects back with a code; /oauth/token
 * exchanges it (authorization_code with PKCE per RFC 7636, client_credentials,
 * refresh_token); /oauth/revoke (RFC 7009) ends a token.
 */
import { timingSafeEqual } from "node:crypto";
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { WebEnv } from "../../web/context.ts";
import type { api as apiEn } from "../../web/i18n/en/api.ts";
import { layout } from "../../web/layout.ts";
import { redirectHere } from "../../web/redirect.ts";
import { requireToken } from "../auth.ts";
import type { ApiContext, ApiDeps, ApiEnv } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { readParams } from "../params.ts";
import { serializeApplication } from "../serializers/application.ts";
import { parseScopes, within } from "./scopes.ts";
import {
  createApp,
  findApp,
  issueCode,
  issueToken,
  OOB_URI,
  redirectUrisOf,
  refresh,
  revoke,
  secretMatches,
  takeCode,
  verifierMatches,
} from "./store.ts";

type ApiMessage = keyof typeof apiEn;

function msg(c: ApiContext, key: ApiMessage, params: Record<string, string> = {}): string {
  return c.get("t")(key, params);
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** An OAuth error response (RFC 6749 §5.2), which Mastodon also uses for /oauth/token. */
const oauthError = (c: ApiContext, status: 400 | 401, error: string, description: string) =>
  c.json({ error, error_description: description }, status);

function validRedirect(uri: string): boolean {
  if (uri === OOB_URI) return true;
  try {
    const u = new URL(uri);
    return !u.hash && u.protocol !== "javascript:" && u.protocol !== "data:";
  } catch {
    return false;
  }
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The client's credentials from the body or HTTP Basic (RFC 6749 §2.3.1). */
function clientCredentials(c: ApiContext, params: Record<string, unknown>) {
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (basic) {
    const [id = "", secret = ""] = Buffer.from(basic, "base64").toString().split(":");
    return { clientId: decodeURIComponent(id), clientSecret: decodeURIComponent(secret) };
  }
  return { clientId: str(params.client_id), clientSecret: str(params.client_secret) };
}

export function oauthRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.post("/api/v1/apps", async (c) => {
    const p = await readParams(c);
    const name = str(p.client_name).trim();
    if (!name || name.length > 200)
      throw new ApiError(422, "Validation failed: Application name can't be blank");
    const raw = p.redirect_uris;
    const uris = (Array.isArray(raw) ? raw.map(str) : str(raw).split(/\s+/)).filter(Boolean);
    if (uris.length === 0 || !uris.every(validRedirect))
      throw new ApiError(422, "Validation failed: Redirect URI must be an absolute URI.");
    const scopes = parseScopes(str(p.scopes));
    if (!scopes) throw new ApiError(422, "Validation failed: Scopes must be valid scopes");
    const website = str(p.website).trim() || null;
    const created = await createApp(
      deps.db,
      { name, website, redirectUris: uris, scopes },
      deps.clock,
    );
    return c.json(
      serializeApplication(created, {
        clientId: created.client_id,
        clientSecret: created.clientSecret,
      }),
    );
  });

  app.get("/api/v1/apps/verify_credentials", async (c) => {
    const token = requireToken(c, "read");
    const found = await findApp(deps.db, { id: token.appId });
    if (!found) throw new ApiError(401, "The access token is invalid");
    return c.json(serializeApplication(found));
  });

  /** What authorize needs, checked; problems are shown on a page (never redirected, §4.1.2.1). */
  async function authorizeRequest(c: ApiContext, p: Record<string, unknown>) {
    const found = await findApp(deps.db, { clientId: str(p.client_id) });
    const redirectUri = str(p.redirect_uri) || (found ? (redirectUrisOf(found)[0] ?? "") : "");
    if (
      !found ||
      !redirectUrisOf(found).includes(redirectUri) ||
      str(p.response_type || "code") !== "code"
    )
      return { ok: false, problem: msg(c, "api.authorize.badClient") } as const;
    const scopes = parseScopes(str(p.scope));
    if (!scopes || !within(scopes, found.scopes.split(" ")))
      return { ok: false, problem: msg(c, "api.authorize.badScope") } as const;
    const method = str(p.code_challenge_method) || (str(p.code_challenge) ? "plain" : "");
    if (method && method !== "S256" && method !== "plain")
      return { ok: false, problem: msg(c, "api.authorize.badClient") } as const;
    return {
      ok: true,
      app: found,
      redirectUri,
      scopes,
      state: str(p.state),
      challenge: str(p.code_challenge) || null,
      method: method || null,
    } as const;
  }

  const page = (c: ApiContext, title: string, body: ReturnType<typeof html>, status = 200) =>
    c.html(layout(c as unknown as Context<WebEnv>, title, body), status as 200);

  app.get("/oauth/authorize", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) {
      const url = new URL(c.req.url);
      return redirectHere(
        c,
        `/login?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`,
        303,
      );
    }
    const p = Object.fromEntries(new URL(c.req.url).searchParams);
    const req = await authorizeRequest(c, p);
    if (!req.ok) return page(c, req.problem, html`<p class="notice">${req.problem}</p>`, 400);
    const title = msg(c, "api.authorize.title", { app: req.app.name });
    const scopeText = (s: string) =>
      s in { read: 1, write: 1, follow: 1, push: 1, profile: 1 }
        ? msg(c, `api.scope.${s}` as ApiMessage)
        : msg(c, "api.scope.granular", { scope: s });
    const hidden = Object.entries({
      client_id: req.app.client_id,
      redirect_uri: req.redirectUri,
      scope: req.scopes.join(" "),
      state: req.state,
      response_type: "code",
      code_challenge: req.challenge ?? "",
      code_challenge_method: req.method ?? "",
    }).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`);
    const body = html`<h1>${title}</h1>
      <p>${msg(c, "api.authorize.lead", { app: req.app.name, account: `@${viewer.username}` })}</p>
      ${req.app.website ? html`<p>${msg(c, "api.authorize.website", { website: req.app.website })}</p>` : ""}
      <p>${msg(c, "api.authorize.scopes")}</p>
      <ul>${req.scopes.map((s) => html`<li>${scopeText(s)}</li>`)}</ul>
      <form method="post" action="/oauth/authorize" class="stack">
        <input type="hidden" name="_csrf" value="${c.get("csrfToken")}" />
        ${hidden}
        <div><button type="submit" name="decision" value="approve">${msg(c, "api.authorize.approve")}</button>
        <button type="submit" name="decision" value="deny" class="secondary">${msg(c, "api.authorize.deny")}</button></div>
      </form>`;
    return page(c, title, body);
  });

  app.post("/oauth/authorize", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) throw new ApiError(401, "Log in first");
    const p = await readParams(c);
    // /oauth/ is exempt from the web CSRF check (apps POST to /oauth/token); this form is not.
    if (!sameString(str(p._csrf), c.get("csrfToken") ?? ""))
      throw new ApiError(403, "Invalid CSRF token");
    const req = await authorizeRequest(c, p);
    if (!req.ok) return page(c, req.problem, html`<p class="notice">${req.problem}</p>`, 400);
    const back = (query: Record<string, string>) => {
      const url = new URL(req.redirectUri);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      if (req.state) url.searchParams.set("state", req.state);
      return c.redirect(url.href, 303);
    };
    if (str(p.decision) !== "approve") {
      if (req.redirectUri === OOB_URI) return redirectHere(c, "/", 303);
      return back({ error: "access_denied", error_description: "The member denied the request" });
    }
    const code = await issueCode(
      deps.db,
      {
        appId: req.app.id,
        accountId: viewer.id,
        redirectUri: req.redirectUri,
        scopes: req.scopes,
        challenge: req.challenge,
        challengeMethod: req.method,
      },
      deps.clock,
    );
    if (req.redirectUri === OOB_URI) {
      const title = msg(c, "api.authorize.title", { app: req.app.name });
      return page(
        c,
        title,
        html`<h1>${title}</h1><p>${msg(c, "api.authorize.code")}</p><p><code class="oauth-code">${code}</code></p>`,
      );
    }
    return back({ code });
  });

  app.post("/oauth/token", async (c) => {
    const p = await readParams(c);
    const { clientId, clientSecret } = clientCredentials(c, p);
    const found = clientId ? await findApp(deps.db, { clientId }) : undefined;
    if (!found) return oauthError(c, 401, "invalid_client", "Client authentication failed");
    const grant = str(p.grant_type);
    const secretOk = clientSecret !== "" && secretMatches(found, clientSecret);
    // A public client (no secret) must prove itself with PKCE instead (RFC 7636 §1).
    if (clientSecret !== "" && !secretOk)
      return oauthError(c, 401, "invalid_client", "Client authentication failed");
    const tokenAnswer = (t: Awaited<ReturnType<typeof issueToken>>) =>
      c.json({
        access_token: t.accessToken,
        token_type: "Bearer",
        scope: t.scopes.join(" "),
        created_at: Math.floor(Date.parse(t.createdAt) / 1000),
        ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
      });
    if (grant === "authorization_code") {
      const code = await takeCode(deps.db, str(p.code), deps.clock);
      if (!code || code.app_id !== found.id)
        return oauthError(
          c,
          400,
          "invalid_grant",
          "The authorization code is invalid, expired or used",
        );
      if (str(p.redirect_uri) && str(p.redirect_uri) !== code.redirect_uri)
        return oauthError(c, 400, "invalid_grant", "The redirect URI does not match");
      if (code.code_challenge) {
        if (!verifierMatches(code.code_challenge, code.code_challenge_method, str(p.code_verifier)))
          return oauthError(c, 400, "invalid_grant", "The code verifier does not match");
      } else if (!secretOk)
        return oauthError(c, 401, "invalid_client", "Client authentication failed");
      return tokenAnswer(
        await issueToken(
          deps.db,
          {
            appId: found.id,
            accountId: code.account_id,
            scopes: code.scopes.split(" "),
          },
          deps.clock,
        ),
      );
    }
    if (grant === "client_credentials") {
      if (!secretOk) return oauthError(c, 401, "invalid_client", "Client authentication failed");
      const scopes = parseScopes(str(p.scope));
      if (!scopes || !within(scopes, found.scopes.split(" ")))
        return oauthError(c, 400, "invalid_scope", "The requested scope is invalid");
      return tokenAnswer(
        await issueToken(deps.db, { appId: found.id, accountId: null, scopes }, deps.clock),
      );
    }
    if (grant === "refresh_token") {
      // Every app is issued a secret at registration, so every app is confidential and must
      // authenticate to refresh (RFC 6749 §6): a leaked refresh token alone is worth nothing.
      if (!secretOk) return oauthError(c, 401, "invalid_client", "Client authentication failed");
      const renewed = await refresh(deps.db, found.id, str(p.refresh_token), deps.clock);
      if (!renewed) return oauthError(c, 400, "invalid_grant", "The refresh token is invalid");
      return tokenAnswer(renewed);
    }
    return oauthError(c, 400, "unsupported_grant_type", "The grant type is not supported");
  });

  app.post("/oauth/revoke", async (c) => {
    const p = await readParams(c);
    const { clientId, clientSecret } = clientCredentials(c, p);
    const found = clientId ? await findApp(deps.db, { clientId }) : undefined;
    if (!found || (clientSecret !== "" && !secretMatches(found, clientSecret)))
      return c.json(
        {
          error: "unauthorized_client",
          error_description: "You are not authorized to revoke this token",
        },
        403,
      );
    await revoke(deps.db, found.id, str(p.token), deps.clock);
    return c.json({});
  });

  return app;
}
