/**
 * A member changes their email address (Settings, Email address), and the page a
 * confirmation link opens. With mail the change waits for the link sent to the new
 * address, and the old address is told once it is done; without mail it applies
 * at once. A wrong password counts against the login budget, as elsewhere.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import {
  checkEmailChange,
  confirmEmailChange,
  type EmailProblem,
  peekEmailChange,
  setEmail,
} from "../../accounts/email-change.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field, notice, readForm } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { type AccountsDeps, sessionGuard, tooManyAttempts } from "./deps.ts";
import { sendEmailChange, sendEmailChanged } from "./mails.ts";
import { settingsLayout } from "./settings.ts";
import { invalidLink } from "./signup.ts";

const problemKey: Record<EmailProblem, MessageKey> = {
  "invalid-email": "signup.error.invalid-email",
  "email-taken": "signup.error.email-taken",
  "same-email": "email.same",
  "wrong-password": "password.wrong",
};

async function recipient(deps: AccountsDeps, accountId: string) {
  return deps.db
    .selectFrom("accounts")
    .select(["id", "username", "email", "language", "display_name"])
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
}

export function emailSettingsPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/settings/email", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const { email } = await recipient(deps, viewer.id);
    const sentTo = c.req.query("sent");
    const ok =
      c.req.query("done") === "changed"
        ? t("email.changed", { email })
        : sentTo
          ? t("email.sent", { email: sentTo })
          : undefined;
    return settingsLayout(c, "/settings/email", emailForm(c, email, {}, "", ok));
  });

  app.post("/settings/email", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await readForm(c);
    const wanted = (form.email ?? "").trim().slice(0, 254);
    const account = await recipient(deps, viewer.id);
    const checked = await checkEmailChange(
      deps.db,
      viewer.id,
      { email: wanted, password: (form.password ?? "").slice(0, 2000) },
      sessionGuard(c, deps, viewer.id),
    );
    if (!checked.ok && "retryAfterMs" in checked) {
      const errors = { password: tooManyAttempts(c, checked.retryAfterMs) };
      return settingsLayout(c, "/settings/email", emailForm(c, account.email, errors, wanted), 429);
    }
    if (!checked.ok) {
      const errors: FieldErrors = {};
      for (const [name, problem] of Object.entries(checked.problems))
        errors[name] = t(problemKey[problem]);
      return settingsLayout(c, "/settings/email", emailForm(c, account.email, errors, wanted), 422);
    }
    if (deps.mailer) {
      await sendEmailChange(c, deps, account, checked.email);
      return redirectHere(c, `/settings/email?sent=${encodeURIComponent(checked.email)}`, 303);
    }
    if (!(await setEmail(deps.db, viewer.id, checked.email))) {
      const errors = { email: t("signup.error.email-taken") };
      return settingsLayout(c, "/settings/email", emailForm(c, account.email, errors, wanted), 422);
    }
    return redirectHere(c, "/settings/email?done=changed", 303);
  });

  // Opening the link shows a button; only the POST changes anything (mail scanners GET links).
  app.get("/confirm-email/:token", async (c) => {
    const t = c.get("t");
    const token = c.req.param("token");
    const change = await peekEmailChange(deps.db, token, deps.clock);
    if (!change?.email) return invalidLink(c, "email.invalid");
    const body = html`<h1>${t("email.confirm.title")}</h1>
      <p>${t("email.confirm.lead", { email: change.email })}</p>
      <form method="post" action="/confirm-email/${token}" class="stack">
        ${csrfField(c)}
        <div><button type="submit">${t("email.confirm.submit")}</button></div>
      </form>`;
    return c.html(layout(c, t("email.confirm.title"), body));
  });

  app.post("/confirm-email/:token", async (c) => {
    const t = c.get("t");
    const result = await confirmEmailChange(deps.db, c.req.param("token"), deps.clock);
    if (!result.ok && result.problem === "invalid") return invalidLink(c, "email.invalid");
    if (!result.ok) {
      const body = html`<h1>${t("error.title")}</h1>
        <p class="notice">${t("signup.error.email-taken")}</p>`;
      return c.html(layout(c, t("error.title"), body), 409);
    }
    const account = await recipient(deps, result.accountId);
    await sendEmailChanged(c, deps, { ...account, email: result.oldEmail }, result.email);
    return redirectHere(c, "/settings/email?done=changed", 303);
  });

  return app;
}

function emailForm(
  c: Context<WebEnv>,
  current: string,
  errors: FieldErrors,
  wanted = "",
  ok?: string,
): Html {
  const t = c.get("t");
  return html`${notice(ok)}
    <p>${t("email.current", { email: current })}</p>
    ${errorSummary(c, errors)}
    <form method="post" action="/settings/email" class="stack">
      ${csrfField(c)}
      ${field({ name: "email", label: t("email.new"), type: "email", value: wanted, error: errors.email, required: true, autocomplete: "email" })}
      ${field({ name: "password", label: t("email.password"), type: "password", error: errors.password, required: true, autocomplete: "current-password" })}
      <div><button type="submit">${t("email.save")}</button></div>
    </form>`;
}
