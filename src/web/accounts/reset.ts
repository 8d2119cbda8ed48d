/** Password reset: by a mailed link where mail is configured, otherwise by a link an admin issues. */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { findByEmail } from "../../accounts/accounts.ts";
import { isDeleted } from "../../accounts/data.ts";
import { checkNewPassword, resetPassword } from "../../accounts/passwords-change.ts";
import { limits } from "../../accounts/rate-limits.ts";
import { peekAccountToken } from "../../accounts/tokens.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field, notice, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { type AccountsDeps, clientIp, tooManyAttempts } from "./deps.ts";
import { sendPasswordReset } from "./mails.ts";
import { invalidLink } from "./signup.ts";

function requestPage(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  state: { sent?: boolean; message?: string },
  status: 200 | 422 | 429 = 200,
) {
  const t = c.get("t");
  const body = deps.mailer
    ? html`<h1>${t("reset.title")}</h1>
        ${state.sent ? notice(t("reset.sent")) : html`<p class="lead">${t("reset.lead")}</p>`}
        ${errorSummary(c, {}, state.message)}
        <form method="post" action="/password/reset" class="stack">
          ${csrfField(c)}
          ${field({ name: "email", label: t("reset.email"), type: "email", required: true, autocomplete: "email", maxlength: 254 })}
          <div><button type="submit">${t("reset.submit")}</button></div>
        </form>`
    : html`<h1>${t("reset.title")}</h1><p class="notice">${t("reset.noMail")}</p>`;
  return c.html(layout(c, t("reset.title"), body), status);
}

function newPasswordPage(
  c: Context<WebEnv>,
  token: string,
  errors: FieldErrors = {},
  status: 200 | 422 = 200,
) {
  const t = c.get("t");
  const body = html`<h1>${t("reset.newTitle")}</h1>
    ${errorSummary(c, errors)}
    <form method="post" action="/password/reset/${token}" class="stack">
      ${csrfField(c)}
      ${field({ name: "password", label: t("reset.newPassword"), type: "password", error: errors.password, hint: t("signup.passwordHint"), required: true, autocomplete: "new-password" })}
      ${field({ name: "confirmation", label: t("reset.confirm"), type: "password", error: errors.confirmation, required: true, autocomplete: "new-password" })}
      <div><button type="submit">${t("reset.save")}</button></div>
    </form>`;
  return c.html(layout(c, t("reset.newTitle"), body), status);
}

export function resetPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/password/reset", (c) => requestPage(c, deps, {}));

  app.post("/password/reset", async (c) => {
    if (!deps.mailer) return requestPage(c, deps, {}, 422);
    const ip = clientIp(c, deps.config.trustedProxies);
    const allowed = await deps.limiter.reserve([{ limit: limits.resetPerIp, subject: ip }]);
    if (!allowed.ok)
      return requestPage(c, deps, { message: tooManyAttempts(c, allowed.retryAfterMs) }, 429);
    const form = await readForm(c);
    const account = await findByEmail(deps.db, (form.email ?? "").slice(0, 300));
    // The answer is the same whether or not the address is known, so it reveals no member.
    if (account && !isDeleted(account) && account.status !== "suspended") {
      await sendPasswordReset(c, deps, account);
    }
    return requestPage(c, deps, { sent: true });
  });

  app.get("/password/reset/:token", async (c) => {
    const token = c.req.param("token");
    if (!(await peekAccountToken(deps.db, token, "reset", deps.clock)))
      return invalidLink(c, "reset.invalid");
    return newPasswordPage(c, token);
  });

  app.post("/password/reset/:token", async (c) => {
    const t = c.get("t");
    const token = c.req.param("token");
    if (!(await peekAccountToken(deps.db, token, "reset", deps.clock)))
      return invalidLink(c, "reset.invalid");
    const form = await readForm(c);
    const password = (form.password ?? "").slice(0, 2000);
    const problem = checkNewPassword(password, form.confirmation ?? "");
    if (problem === "invalid-password")
      return newPasswordPage(c, token, { password: t("signup.error.invalid-password") }, 422);
    if (problem === "mismatch")
      return newPasswordPage(c, token, { confirmation: t("reset.mismatch") }, 422);
    if (!(await resetPassword(deps.db, token, password, deps.config.passwordCost, deps.clock)))
      return invalidLink(c, "reset.invalid");
    return redirectHere(c, "/login?done=reset", 303);
  });

  return app;
}
