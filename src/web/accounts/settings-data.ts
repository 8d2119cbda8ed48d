/** A member's sessions, their data export and deleting their account. */

import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { deleteAccount, exportAccount } from "../../accounts/data.ts";
import { confirmPassword } from "../../accounts/password-checks.ts";
import { endAllSessions, endSession, listSessions } from "../../accounts/sessions.ts";
import { CSV_EXPORTS, mastodonCsv } from "../../social/mastodon-csv.ts";
import type { WebEnv } from "../context.ts";
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  field,
  notice,
  readForm,
  scrollBox,
} from "../forms.ts";
import type { Html } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { clearSessionCookie, currentSessionId, requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import { type AccountsDeps, sessionGuard, tooManyAttempts } from "./deps.ts";
import { settingsLayout } from "./settings.ts";

export function accountDataPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/settings/sessions", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const locale = c.get("locale");
    const sessions = await listSessions(deps.db, viewer.id);
    const current = currentSessionId(c);
    const body = html`<p>${t("sessions.lead")}</p>
      ${scrollBox(
        t("settings.sessions"),
        html`<table>
        <thead><tr><th scope="col">${t("sessions.device")}</th><th scope="col">${t("sessions.started")}</th><th scope="col">${t("sessions.lastSeen")}</th><th scope="col"><span class="visually-hidden">${t("admin.actions")}</span></th></tr></thead>
        <tbody>
          ${sessions.map(
            (s) => html`<tr>
              <td>${describeAgent(s.user_agent)}${s.id === current ? html` <strong>(${t("sessions.this")})</strong>` : ""}</td>
              <td>${timeTag(locale, s.created_at)}</td>
              <td>${timeTag(locale, s.last_seen_at)}</td>
              <td><form method="post" action="/settings/sessions/${s.id}/end" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t("sessions.end")}</button></form></td>
            </tr>`,
          )}
        </tbody>
      </table>`,
      )}
      <form method="post" action="/settings/sessions/end-all" class="stack">
        ${csrfField(c)}
        <p class="hint">${t("sessions.endAllHint")}</p>
        <div><button type="submit" class="danger">${t("sessions.endAll")}</button></div>
      </form>`;
    return settingsLayout(c, "/settings/sessions", body);
  });

  app.post("/settings/sessions/end-all", async (c) => {
    const viewer = requireViewer(c);
    await endAllSessions(deps.db, viewer.id, { clock: deps.clock });
    clearSessionCookie(c, deps.config);
    return redirectHere(c, "/login", 303);
  });

  app.post("/settings/sessions/:id/end", async (c) => {
    const viewer = requireViewer(c);
    const id = c.req.param("id");
    if (!(await endSession(deps.db, viewer.id, id))) {
      return settingsLayout(
        c,
        "/settings/sessions",
        notice(c.get("t")("sessions.unknown"), ""),
        404,
      );
    }
    if (id === currentSessionId(c)) {
      clearSessionCookie(c, deps.config);
      return redirectHere(c, "/login", 303);
    }
    return redirectHere(c, "/settings/sessions", 303);
  });

  app.get("/settings/export", (c) => {
    requireViewer(c);
    const t = c.get("t");
    const body = html`<p>${t("export.lead")}</p>
      <p><a class="button" href="/settings/export.json" download>${t("export.download")}</a></p>
      <h2>${t("export.mastodon")}</h2>
      <p>${t("export.mastodonLead")}</p>
      <ul>${CSV_EXPORTS.map(
        (name) =>
          html`<li><a href="/settings/export/${name}.csv" download>${t(`export.csv.${name}`)}</a></li>`,
      )}</ul>`;
    return settingsLayout(c, "/settings/export", body);
  });

  app.get("/settings/export/:file{[a-z_]+\\.csv}", async (c) => {
    const viewer = requireViewer(c);
    const name = c.req.param("file").replace(/\.csv$/, "");
    const which = CSV_EXPORTS.find((e) => e === name);
    if (!which) return c.notFound();
    const where = { db: deps.db, origin: deps.config.origin, domain: deps.config.domain };
    const body = await mastodonCsv(where, viewer.id, which);
    c.header("Content-Disposition", `attachment; filename="${which}.csv"`);
    c.header("Cache-Control", "no-store");
    return c.body(body, 200, { "Content-Type": "text/csv; charset=utf-8" });
  });

  app.get("/settings/export.json", async (c) => {
    const viewer = requireViewer(c);
    const archive = await exportAccount(deps.db, viewer.id, deps.contributors, deps.clock);
    const day = deps.clock.now().toISOString().slice(0, 10);
    c.header("Content-Disposition", `attachment; filename="synco-${viewer.username}-${day}.json"`);
    c.header("Cache-Control", "no-store");
    return c.body(JSON.stringify(archive, null, 2), 200, {
      "Content-Type": "application/json; charset=utf-8",
    });
  });

  app.get("/settings/delete", (c) => {
    requireViewer(c);
    return settingsLayout(c, "/settings/delete", deleteForm(c, {}));
  });

  app.post("/settings/delete", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await readForm(c);
    const errors: FieldErrors = {};
    // A wrong password is a guess, charged to this session only (accounts/password-checks.ts).
    const verdict = await confirmPassword(
      deps.db,
      viewer.id,
      (form.password ?? "").slice(0, 2000),
      sessionGuard(c, deps, viewer.id),
    );
    if (typeof verdict === "object") {
      const errors = { password: tooManyAttempts(c, verdict.retryAfterMs) };
      return settingsLayout(c, "/settings/delete", deleteForm(c, errors), 429);
    }
    if (verdict === "wrong") errors.password = t("password.wrong");
    if (form.confirm !== "yes") errors.confirm = t("delete.mustConfirm");
    if (Object.keys(errors).length > 0)
      return settingsLayout(c, "/settings/delete", deleteForm(c, errors), 422);
    const result = await deleteAccount(deps.db, viewer.id, {
      contributors: deps.contributors,
      dataDir: deps.config.dataDir,
      s3: deps.config.s3,
      clock: deps.clock,
    });
    if (!result.ok) {
      return settingsLayout(c, "/settings/delete", deleteForm(c, {}, t("delete.lastAdmin")), 422);
    }
    clearSessionCookie(c, deps.config);
    return redirectHere(c, "/login?done=deleted", 303);
  });

  return app;
}

function deleteForm(c: Context<WebEnv>, errors: FieldErrors, message?: string): Html {
  const t = c.get("t");
  return html`<p>${t("delete.lead")}</p>
    <ul class="consequences">
      <li>${t("delete.what1")}</li>
      <li>${t("delete.what2")}</li>
      <li>${t("delete.what3")}</li>
      <li><a href="/settings/export">${t("delete.what4")}</a></li>
    </ul>
    ${errorSummary(c, errors, message)}
    <form method="post" action="/settings/delete" class="stack">
      ${csrfField(c)}
      ${field({ name: "password", label: t("delete.password"), type: "password", error: errors.password, required: true, autocomplete: "current-password" })}
      <div class="field">
        <label class="check"><input type="checkbox" name="confirm" value="yes" required${errors.confirm ? html` aria-invalid="true" aria-describedby="f-confirm-error"` : ""} /> ${t("delete.confirm")}</label>
        ${errors.confirm ? html`<p class="field-error" id="f-confirm-error">${errors.confirm}</p>` : ""}
      </div>
      <div><button type="submit" class="danger">${t("delete.submit")}</button></div>
    </form>`;
}

/** A short name for a browser from its User-Agent, e.g. "Firefox on Linux". */
function describeAgent(agent: string): string {
  if (!agent) return "?";
  const browser = /Edg\//.test(agent)
    ? "Edge"
    : /Firefox\//.test(agent)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(agent)
        ? "Chromium"
        : /Safari\//.test(agent)
          ? "Safari"
          : (agent.split(/[ /]/)[0] ?? agent);
  const os = /Android/.test(agent)
    ? "Android"
    : /iPhone|iPad/.test(agent)
      ? "iOS"
      : /Windows/.test(agent)
        ? "Windows"
        : /Mac OS X/.test(agent)
          ? "macOS"
          : /Linux/.test(agent)
            ? "Linux"
            : "";
  return os ? `${browser} · ${os}` : browser;
}
