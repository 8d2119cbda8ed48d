/** Administration: the co-op's settings, invites and applications (moderators may decide applications). */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import {
  approveApplication,
  listApplications,
  listInvites,
  logAdminAction,
  rejectApplication,
  revokeInvite,
} from "../../accounts/admin.ts";
import { createInvite } from "../../accounts/invites.ts";
import { setupChecklist } from "../../accounts/setup-checklist.ts";
import { type RegistrationMode, registrationModes } from "../../config.ts";
import type { WebEnv } from "../context.ts";
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  field,
  formatDate,
  notice,
  readForm,
  scrollBox,
} from "../forms.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireRole } from "../session.ts";
import { timeTag } from "../time.ts";
import { setupChecklistCard } from "./admin-checklist.ts";
import type { AccountsDeps } from "./deps.ts";

const sections = [
  { path: "/admin", key: "admin.coop", role: "admin" },
  { path: "/admin/invites", key: "admin.invites", role: "admin" },
  { path: "/admin/applications", key: "admin.applications", role: "moderator" },
  { path: "/admin/members", key: "admin.members", role: "admin" },
  { path: "/admin/federation", key: "admin.federation", role: "admin" },
  { path: "/admin/log", key: "admin.log", role: "admin" },
] as const;

export type AdminSection = (typeof sections)[number]["path"];

export function adminLayout(
  c: Context<WebEnv>,
  current: AdminSection,
  body: Html,
  status: 200 | 404 | 422 = 200,
) {
  const t = c.get("t");
  const isAdmin = c.get("viewer")?.role === "admin";
  const section = sections.find((s) => s.path === current);
  const page = html`<h1>${t("admin.title")}</h1>
    <nav aria-label="${t("admin.title")}" class="tabs">
      <ul>
        ${sections
          .filter((s) => isAdmin || s.role === "moderator")
          .map(
            (s) =>
              html`<li><a href="${safeUrl(s.path)}"${s.path === current ? html` aria-current="page"` : ""}>${t(s.key)}</a></li>`,
          )}
      </ul>
    </nav>
    <h2>${section ? t(section.key) : ""}</h2>
    ${body}`;
  return c.html(layout(c, section ? t(section.key) : t("admin.title"), page), status);
}

interface CoopForm {
  name: string;
  description: string;
  rules: string;
  registration: string;
}

function coopForm(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  form: CoopForm,
  errors: FieldErrors,
  ok?: string,
  checklist: Html = html``,
): Html {
  const t = c.get("t");
  return html`${notice(ok)}${checklist}
    <p class="notice${deps.mailer ? " ok" : ""}">${t(deps.mailer ? "admin.mailOn" : "admin.mailOff")}</p>
    ${errorSummary(c, errors)}
    <form method="post" action="/admin" class="stack">
      ${csrfField(c)}
      ${field({ name: "name", label: t("admin.name"), value: form.name, error: errors.name, required: true, maxlength: 100 })}
      ${field({ name: "description", label: t("admin.description"), type: "textarea", value: form.description, error: errors.description, maxlength: 2000 })}
      ${field({ name: "rules", label: t("admin.rules"), type: "textarea", value: form.rules, error: errors.rules, maxlength: 10000 })}
      <fieldset id="registration"${errors.registration ? html` aria-invalid="true" aria-describedby="f-registration-error"` : ""}>
        <legend>${t("admin.registration")}</legend>
        ${registrationModes.map(
          (m) =>
            html`<label class="check"><input type="radio" name="registration" value="${m}"${m === form.registration ? html` checked` : ""} /> ${t(`admin.mode.${m}`)}</label>`,
        )}
        ${errors.registration ? html`<p class="field-error" id="f-registration-error">${errors.registration}</p>` : ""}
      </fieldset>
      <div><button type="submit">${t("admin.save")}</button></div>
    </form>`;
}

function inviteForm(
  c: Context<WebEnv>,
  form: { uses: string; days: string },
  errors: FieldErrors,
): Html {
  const t = c.get("t");
  return html`${errorSummary(c, errors)}
    <form method="post" action="/admin/invites" class="stack">
      ${csrfField(c)}
      ${field({ name: "uses", label: t("admin.inviteUses"), type: "number", value: form.uses, error: errors.uses, hint: t("admin.inviteUsesHint"), required: true })}
      ${field({ name: "days", label: t("admin.inviteDays"), type: "number", value: form.days, error: errors.days, hint: t("admin.inviteDaysHint"), required: true })}
      <div><button type="submit">${t("admin.inviteCreate")}</button></div>
    </form>`;
}

async function invitesPage(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  form: { uses: string; days: string },
  errors: FieldErrors,
  ok?: string,
  status: 200 | 404 | 422 = 200,
) {
  const t = c.get("t");
  const locale = c.get("locale");
  const invites = await listInvites(deps.db);
  const body = html`${notice(ok)}${inviteForm(c, form, errors)}
    ${
      invites.length === 0
        ? html`<p class="muted">${t("admin.none")}</p>`
        : html`<h3>${t("admin.inviteList")}</h3>
    ${scrollBox(
      t("admin.inviteList"),
      html`<table>
      <thead><tr><th scope="col">${t("admin.inviteLink")}</th><th scope="col">${t("admin.inviteUses")}</th><th scope="col">${t("admin.inviteExpires")}</th><th scope="col">${t("admin.inviteBy")}</th><th scope="col"><span class="visually-hidden">${t("admin.actions")}</span></th></tr></thead>
      <tbody>${invites.map(
        (i) => html`<tr>
          <td><code class="break">${deps.config.origin}/signup?invite=${i.code}</code></td>
          <td>${i.uses} / ${i.max_uses ?? "∞"}</td>
          <td>${i.expires_at ? formatDate(locale, i.expires_at) : t("admin.inviteNever")}</td>
          <td>${i.createdBy ? html`@${i.createdBy}` : "—"}</td>
          <td><form method="post" action="/admin/invites/${i.code}/revoke" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t("admin.inviteRevoke")}</button></form></td>
        </tr>`,
      )}</tbody>
    </table>`,
    )}`
    }`;
  return adminLayout(c, "/admin/invites", body, status);
}

async function applicationsPage(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  ok?: string,
  status: 200 | 404 = 200,
) {
  const t = c.get("t");
  const locale = c.get("locale");
  const applications = await listApplications(deps.db);
  const body = html`${status === 200 ? notice(ok) : notice(ok, "")}
    ${applications.length === 0 ? html`<p class="muted">${t("admin.none")}</p>` : ""}
    ${applications.map(
      (a) => html`<section class="card application" aria-labelledby="app-${a.id}">
        <h3 id="app-${a.id}">@${a.username}</h3>
        <dl class="fields">
          <dt>${t("signup.email")}</dt><dd>${a.email}</dd>
          <dt>${t("admin.applied")}</dt><dd>${timeTag(locale, a.created_at)}</dd>
          ${a.invite_code ? html`<dt>${t("admin.invitedWith")}</dt><dd>${a.invitedBy ? `@${a.invitedBy}` : a.invite_code.slice(0, 6)}</dd>` : ""}
        </dl>
        <p class="prewrap reason">${a.reason}</p>
        <div class="actions">
          <form method="post" action="/admin/applications/${a.id}/approve" class="inline">${csrfField(c)}<button type="submit">${t("admin.approve")}</button></form>
          <form method="post" action="/admin/applications/${a.id}/reject" class="inline">${csrfField(c)}<button type="submit" class="danger">${t("admin.reject")}</button></form>
        </div>
      </section>`,
    )}`;
  return adminLayout(c, "/admin/applications", body, status);
}

export function adminPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/admin", async (c) => {
    requireRole(c, "admin");
    const settings = await deps.coop.get();
    const ok = c.req.query("done") === "saved" ? c.get("t")("settings.saved") : undefined;
    const checklist = setupChecklistCard(c, await setupChecklist(deps.db));
    return adminLayout(c, "/admin", coopForm(c, deps, settings, {}, ok, checklist));
  });

  app.post("/admin", async (c) => {
    const viewer = requireRole(c, "admin");
    const t = c.get("t");
    const raw = await readForm(c);
    const form: CoopForm = {
      name: (raw.name ?? "").trim(),
      description: (raw.description ?? "").trim(),
      rules: (raw.rules ?? "").trim(),
      registration: raw.registration ?? "",
    };
    const errors: FieldErrors = {};
    if (!form.name || form.name.length > 100) errors.name = t("admin.nameRequired");
    if (form.description.length > 2000) errors.description = t("form.tooLong", { max: 2000 });
    if (form.rules.length > 10000) errors.rules = t("form.tooLong", { max: 10000 });
    if (!registrationModes.includes(form.registration as RegistrationMode))
      errors.registration = t("form.required");
    if (Object.keys(errors).length > 0)
      return adminLayout(c, "/admin", coopForm(c, deps, form, errors), 422);
    const before = await deps.coop.get();
    await deps.coop.update({ ...form, registration: form.registration as RegistrationMode });
    const changed = (Object.keys(form) as (keyof CoopForm)[]).filter((k) => before[k] !== form[k]);
    if (changed.length > 0) {
      await logAdminAction(
        deps.db,
        {
          actorId: viewer.id,
          action: "coop.update",
          details: {
            changed,
            ...(changed.includes("registration") ? { registration: form.registration } : {}),
          },
        },
        deps.clock,
      );
    }
    return redirectHere(c, "/admin?done=saved", 303);
  });

  app.get("/admin/invites", (c) => {
    requireRole(c, "admin");
    return invitesPage(c, deps, { uses: "1", days: "7" }, {});
  });

  app.post("/admin/invites", async (c) => {
    const viewer = requireRole(c, "admin");
    const t = c.get("t");
    const form = await readForm(c);
    const values = { uses: (form.uses ?? "").trim(), days: (form.days ?? "").trim() };
    const errors: FieldErrors = {};
    const uses = wholeNumber(values.uses);
    const days = wholeNumber(values.days);
    if (uses === undefined) errors.uses = t("admin.inviteBad");
    if (days === undefined) errors.days = t("admin.inviteBad");
    if (uses === undefined || days === undefined)
      return invitesPage(c, deps, values, errors, undefined, 422);
    const now = deps.clock.now();
    const code = await deps.db.transaction().execute(async (trx) => {
      const code = await createInvite(trx, {
        now,
        createdBy: viewer.id,
        maxUses: uses === 0 ? null : uses,
        expiresAt: days === 0 ? null : new Date(now.getTime() + days * 86_400_000),
      });
      await logAdminAction(
        trx,
        {
          actorId: viewer.id,
          action: "invite.create",
          target: code.slice(0, 6),
          details: { uses, days },
        },
        deps.clock,
      );
      return code;
    });
    const link = `${deps.config.origin}/signup?invite=${code}`;
    return invitesPage(c, deps, { uses: "1", days: "7" }, {}, t("admin.inviteCreated", { link }));
  });

  app.post("/admin/invites/:code/revoke", async (c) => {
    const viewer = requireRole(c, "admin");
    const t = c.get("t");
    if (!(await revokeInvite(deps.db, viewer.id, c.req.param("code"), deps.clock)))
      return invitesPage(c, deps, { uses: "1", days: "7" }, {}, undefined, 404);
    return invitesPage(c, deps, { uses: "1", days: "7" }, {}, t("admin.inviteRevoked"));
  });

  app.get("/admin/applications", (c) => {
    requireRole(c, "moderator");
    return applicationsPage(c, deps);
  });

  app.post("/admin/applications/:id/:decision{approve|reject}", async (c) => {
    const viewer = requireRole(c, "moderator");
    const t = c.get("t");
    const decide = c.req.param("decision") === "approve" ? approveApplication : rejectApplication;
    const result = await decide(deps.db, viewer.id, c.req.param("id"), deps.clock);
    if (!result.ok) return applicationsPage(c, deps, t("admin.noSuchApplication"), 404);
    const key = c.req.param("decision") === "approve" ? "admin.approved" : "admin.rejected";
    return applicationsPage(c, deps, t(key, { name: result.username }));
  });

  return app;
}

function wholeNumber(text: string): number | undefined {
  if (!/^\d{1,4}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 1000 ? n : undefined;
}
