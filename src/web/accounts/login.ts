/**
 * Logging in and out. Guesses are limited per address, per (account, address)
 * and per account (accounts/auth.ts); a refused one says how long to wait.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { authenticate, findByLogin } from "../../accounts/auth.ts";
import { createSession, endSession } from "../../accounts/sessions.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, field, notice, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { clearSessionCookie, currentSessionId, setSessionCookie } from "../session.ts";
import { type AccountsDeps, clientIp, safeNext, tooManyAttempts } from "./deps.ts";
import { sendVerification } from "./mails.ts";

function loginPage(
  c: Context<WebEnv>,
  form: { login?: string; next?: string; message?: string; ok?: string },
  status: 200 | 401 | 403 | 422 | 429 = 200,
) {
  const t = c.get("t");
  const body = html`<h1>${t("login.title")}</h1>
    ${notice(form.ok)}
    ${errorSummary(c, {}, form.message)}
    <form method="post" action="/login" class="stack">
      ${csrfField(c)}
      <input type="hidden" name="next" value="${form.next ?? ""}" />
      ${field({ name: "login", label: t("login.username"), value: form.login, required: true, autocomplete: "username", maxlength: 254 })}
      ${field({ name: "password", label: t("login.password"), type: "password", required: true, autocomplete: "current-password" })}
      <div><button type="submit">${t("login.submit")}</button></div>
    </form>
    <p><a href="/password/reset">${t("login.forgot")}</a></p>
    <p>${t("login.noAccount")} <a href="/signup">${t("nav.signup")}</a></p>`;
  return c.html(layout(c, t("login.title"), body), status);
}

export function loginPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/login", (c) => {
    if (c.get("viewer")) return redirectHere(c, safeNext(c.req.query("next")), 303);
    return loginPage(c, { next: c.req.query("next") ?? "", ok: okMessage(c) });
  });

  app.post("/login", async (c) => {
    const t = c.get("t");
    const form = await readForm(c);
    const login = (form.login ?? "").trim().slice(0, 254);
    const password = (form.password ?? "").slice(0, 1000);
    const next = safeNext(form.next);
    if (!login || !password) {
      return loginPage(c, { login, next, message: t("login.invalid") }, 422);
    }
    const result = await authenticate(deps.db, login, password, {
      passwordCost: deps.config.passwordCost,
      requireVerifiedEmail: deps.mailer !== null,
      limiter: deps.limiter,
      source: clientIp(c, deps.config.trustedProxies),
    });
    if (!result.ok) {
      if (result.reason === "limited") {
        const message = tooManyAttempts(c, result.retryAfterMs);
        return loginPage(c, { login, next, message }, 429);
      }
      if (result.reason === "invalid")
        return loginPage(c, { login, next, message: t("login.invalid") }, 401);
      const account = await findByLogin(deps.db, login);
      if (result.reason === "unverified" && account && deps.mailer) {
        await sendVerification(c, deps, account);
      }
      return loginPage(c, { login, next, message: t(`login.${result.reason}`) }, 403);
    }
    const session = await createSession(
      deps.db,
      result.value.id,
      c.req.header("user-agent") ?? "",
      deps.clock,
    );
    setSessionCookie(c, deps.config, session.token);
    return redirectHere(c, next, 303);
  });

  app.post("/logout", async (c) => {
    const viewer = c.get("viewer");
    const sessionId = currentSessionId(c);
    if (viewer && sessionId) await endSession(deps.db, viewer.id, sessionId);
    clearSessionCookie(c, deps.config);
    return redirectHere(c, "/", 303);
  });

  return app;
}

/** Messages other pages pass to the login page after a redirect (a fixed set, never free text). */
function okMessage(c: Context<WebEnv>): string | undefined {
  const t = c.get("t");
  const done = c.req.query("done");
  if (done === "verified") return t("verify.done");
  if (done === "reset") return t("reset.done");
  if (done === "deleted") return t("delete.done");
  if (done === "applied") return t("signup.applied");
  return undefined;
}
