/** Signing up and confirming an email address. Every attempt counts against per-IP and per-address limits. */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { emailSchema } from "../../accounts/accounts.ts";
import { limits } from "../../accounts/rate-limits.ts";
import {
  MAX_REASON,
  type Registration,
  type RegistrationField,
  register,
} from "../../accounts/registration.ts";
import { createSession } from "../../accounts/sessions.ts";
import { consumeAccountToken, peekAccountToken } from "../../accounts/tokens.ts";
import type { RegistrationMode } from "../../config.ts";
import { tellStaffOfApplication } from "../../social/staff-notices.ts";
import type { WebEnv } from "../context.ts";
import { coopMarkdown } from "../coop-text.ts";
import { csrfField, errorSummary, type FieldErrors, field, notice, readForm } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { setSessionCookie } from "../session.ts";
import { type AccountsDeps, clientIp, tooManyAttempts } from "./deps.ts";
import { sendVerification } from "./mails.ts";

type Status = 200 | 403 | 404 | 422 | 429;

async function signupPage(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  form: Partial<Registration>,
  errors: FieldErrors = {},
  status: Status = 200,
  message?: string,
) {
  const t = c.get("t");
  const coop = await deps.coop.get();
  const mode: RegistrationMode = coop.registration;
  if (mode === "closed") {
    const body = html`<h1>${t("signup.title")}</h1>
      <p class="notice">${t("signup.closed")}</p>`;
    return c.html(layout(c, t("signup.title"), body), status === 200 ? 403 : status);
  }
  const lead =
    mode === "invite"
      ? t("signup.modeInvite")
      : mode === "approval"
        ? t("signup.modeApproval")
        : "";
  const body = html`<h1>${t("signup.title")}</h1>
    ${lead ? html`<p class="lead">${lead}</p>` : ""}
    ${errorSummary(c, errors, message)}
    <form method="post" action="/signup" class="stack">
      ${csrfField(c)}
      ${
        mode !== "open"
          ? field({
              name: "invite",
              label: t("signup.invite"),
              value: form.invite,
              error: errors.invite,
              required: mode === "invite",
              ...(mode === "invite" ? {} : { hint: t("signup.inviteOptional") }),
              autocomplete: "off",
              maxlength: 100,
            })
          : ""
      }
      ${field({ name: "username", label: t("signup.username"), value: form.username, error: errors.username, hint: t("signup.usernameHint"), required: true, autocomplete: "username", maxlength: 30 })}
      ${field({ name: "email", label: t("signup.email"), type: "email", value: form.email, error: errors.email, required: true, autocomplete: "email", maxlength: 254 })}
      ${field({ name: "password", label: t("signup.password"), type: "password", error: errors.password, hint: t("signup.passwordHint"), required: true, autocomplete: "new-password" })}
      ${
        mode === "approval"
          ? field({
              name: "reason",
              label: t("signup.reason"),
              type: "textarea",
              value: form.reason,
              error: errors.reason,
              hint: t("signup.reasonHint"),
              required: true,
              maxlength: MAX_REASON,
            })
          : ""
      }
      ${
        coop.rules
          ? html`<details class="card rules"><summary>${t("signup.rules")}</summary><div class="rules">${coopMarkdown(coop.rules, new URL(c.req.url).origin)}</div></details>`
          : ""
      }
      <div><button type="submit">${t("signup.submit")}</button></div>
    </form>`;
  return c.html(layout(c, t("signup.title"), body), status);
}

export function signupPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/signup", async (c) => {
    // A member who follows an invite link meant for someone else just goes on.
    if (c.get("viewer")) return redirectHere(c, "/", 303);
    return signupPage(c, deps, { invite: c.req.query("invite") ?? "" });
  });

  app.post("/signup", async (c) => {
    const t = c.get("t");
    const raw = await readForm(c);
    const form: Registration = {
      username: (raw.username ?? "").trim().slice(0, 100),
      email: (raw.email ?? "").trim().slice(0, 300),
      password: (raw.password ?? "").slice(0, 2000),
      invite: (raw.invite ?? "").trim().slice(0, 200),
      reason: (raw.reason ?? "").slice(0, MAX_REASON * 2),
      language: c.get("locale"),
    };
    const ip = clientIp(c, deps.config.trustedProxies);
    const email = emailSchema.safeParse(form.email);
    const allowed = await deps.limiter.reserve([
      { limit: limits.signupPerIp, subject: ip },
      ...(email.success ? [{ limit: limits.signupPerAccount, subject: email.data }] : []),
    ]);
    if (!allowed.ok)
      return signupPage(c, deps, form, {}, 429, tooManyAttempts(c, allowed.retryAfterMs));

    const coop = await deps.coop.get();
    const result = await register(deps.db, form, {
      mode: coop.registration,
      passwordCost: deps.config.passwordCost,
      verifyEmail: deps.mailer !== null,
      clock: deps.clock,
      onApplication: tellStaffOfApplication(deps.config.origin, deps.clock),
    });
    if (!result.ok) {
      if (result.reason === "closed") return signupPage(c, deps, form, {}, 403);
      const errors: FieldErrors = {};
      for (const [name, problem] of Object.entries(result.problems)) {
        errors[name as RegistrationField] = t(`signup.error.${problem}` as MessageKey);
      }
      return signupPage(c, deps, form, errors, 422);
    }
    const created = result.value;
    if (created.verifyEmail) {
      const account = {
        ...created,
        email: email.success ? email.data : form.email,
        language: form.language,
        display_name: "",
      };
      await sendVerification(c, deps, account);
      const body = html`<h1>${t("signup.title")}</h1>
        ${notice(t("signup.checkMail", { email: account.email }))}
        ${created.status === "pending" ? notice(t("signup.applied")) : ""}`;
      return c.html(layout(c, t("signup.title"), body));
    }
    if (created.status === "pending") return redirectHere(c, "/login?done=applied", 303);
    const session = await createSession(
      deps.db,
      created.id,
      c.req.header("user-agent") ?? "",
      deps.clock,
    );
    setSessionCookie(c, deps.config, session.token);
    return redirectHere(c, "/settings?done=welcome", 303);
  });

  // The link in the mail opens a page with a button: mail scanners that follow links confirm nothing.
  app.get("/verify-email/:token", async (c) => {
    const t = c.get("t");
    const token = c.req.param("token");
    const accountId = await peekAccountToken(deps.db, token, "verify", deps.clock);
    if (!accountId) return invalidLink(c, "verify.invalid");
    const body = html`<h1>${t("verify.title")}</h1>
      <p>${t("verify.lead")}</p>
      <form method="post" action="/verify-email/${token}" class="stack">
        ${csrfField(c)}
        <div><button type="submit">${t("verify.submit")}</button></div>
      </form>`;
    return c.html(layout(c, t("verify.title"), body));
  });

  app.post("/verify-email/:token", async (c) => {
    const token = c.req.param("token");
    const accountId = await peekAccountToken(deps.db, token, "verify", deps.clock);
    if (!accountId) return invalidLink(c, "verify.invalid");
    const confirmed = await deps.db.transaction().execute(async (trx) => {
      if (!(await consumeAccountToken(trx, token, "verify", accountId, deps.clock))) return false;
      await trx.deleteFrom("email_verifications").where("account_id", "=", accountId).execute();
      return true;
    });
    if (!confirmed) return invalidLink(c, "verify.invalid");
    return redirectHere(c, "/login?done=verified", 303);
  });

  return app;
}

export function invalidLink(c: Context<WebEnv>, key: MessageKey) {
  const t = c.get("t");
  const body = html`<h1>${t("error.title")}</h1><p class="notice">${t(key)}</p>`;
  return c.html(layout(c, t("error.title"), body), 404);
}
