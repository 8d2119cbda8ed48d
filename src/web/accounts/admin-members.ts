/** Administration: members and their roles, admin-issued password reset links, and the log of admin actions. */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { Role } from "../../accounts/accounts.ts";
import { listAdminActions, listMembers, logAdminAction, setRole } from "../../accounts/admin.ts";
import { issueAccountToken } from "../../accounts/tokens.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, notice, readForm, scrollBox } from "../forms.ts";
import { en } from "../i18n/en/index.ts";
import type { MessageKey, Translate } from "../i18n/i18n.ts";
import { requireRole } from "../session.ts";
import { timeTag } from "../time.ts";
import { adminLayout } from "./admin.ts";
import type { AccountsDeps } from "./deps.ts";

const roles = ["member", "moderator", "admin"] as const satisfies readonly Role[];

async function membersPage(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  message?: { text: string; ok: boolean },
  status: 200 | 404 | 422 = 200,
) {
  const t = c.get("t");
  const locale = c.get("locale");
  const members = await listMembers(deps.db);
  const body = html`${message ? notice(message.text, message.ok ? "ok" : "") : ""}
    ${scrollBox(
      t("admin.members"),
      html`<table class="members">
      <thead><tr><th scope="col">${t("admin.member")}</th><th scope="col">${t("admin.role")}</th><th scope="col">${t("admin.status")}</th><th scope="col">${t("admin.joined")}</th><th scope="col">${t("admin.actions")}</th></tr></thead>
      <tbody>${members.map(
        (m) => html`<tr>
          <td><a href="/@${m.username}">@${m.username}</a>${m.display_name ? html`<br /><span class="muted">${m.display_name}</span>` : ""}<br /><span class="muted">${m.email}</span></td>
          <td>
            <form method="post" action="/admin/members/${m.id}/role" class="role-form">
              ${csrfField(c)}
              <label class="visually-hidden" for="role-${m.id}">${t("admin.role")} @${m.username}</label>
              <select id="role-${m.id}" name="role">
                ${roles.map((r) => html`<option value="${r}"${r === m.role ? html` selected` : ""}>${t(`role.${r}`)}</option>`)}
              </select>
              <button type="submit" class="secondary">${t("admin.setRole")}</button>
            </form>
          </td>
          <td data-label="${t("admin.status")}">${t(`status.${m.status}` as MessageKey)}</td>
          <td data-label="${t("admin.joined")}">${timeTag(locale, m.created_at)}</td>
          <td><form method="post" action="/admin/members/${m.id}/reset-link" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t("admin.resetLink")}</button></form></td>
        </tr>`,
      )}</tbody>
    </table>`,
    )}`;
  return adminLayout(c, "/admin/members", body, status);
}

export function adminMemberPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/admin/members", (c) => {
    requireRole(c, "admin");
    return membersPage(c, deps);
  });

  app.post("/admin/members/:id/role", async (c) => {
    const viewer = requireRole(c, "admin");
    const t = c.get("t");
    const form = await readForm(c);
    const role = roles.find((r) => r === form.role);
    if (!role) return membersPage(c, deps, { text: t("form.required"), ok: false }, 422);
    const result = await setRole(deps.db, viewer.id, c.req.param("id"), role, deps.clock);
    if (!result.ok) {
      return result.reason === "last-admin"
        ? membersPage(c, deps, { text: t("admin.lastAdmin"), ok: false }, 422)
        : membersPage(c, deps, { text: t("admin.noSuchMember"), ok: false }, 404);
    }
    return membersPage(c, deps, {
      text: t("admin.roleChanged", { name: result.username, role: t(`role.${role}`) }),
      ok: true,
    });
  });

  app.post("/admin/members/:id/reset-link", async (c) => {
    const viewer = requireRole(c, "admin");
    const t = c.get("t");
    const member = await deps.db
      .selectFrom("accounts")
      .select(["id", "username"])
      .where("id", "=", c.req.param("id"))
      .where("status", "in", ["active", "pending", "suspended"])
      .executeTakeFirst();
    if (!member) return membersPage(c, deps, { text: t("admin.noSuchMember"), ok: false }, 404);
    const token = await issueAccountToken(deps.db, member.id, "reset", {
      createdBy: viewer.id,
      clock: deps.clock,
    });
    await logAdminAction(
      deps.db,
      { actorId: viewer.id, action: "member.reset-link", target: member.username },
      deps.clock,
    );
    const link = `${deps.config.origin}/password/reset/${token}`;
    return membersPage(c, deps, {
      text: t("admin.resetLinkCreated", { name: member.username, link }),
      ok: true,
    });
  });

  app.get("/admin/log", async (c) => {
    requireRole(c, "admin");
    const t = c.get("t");
    const locale = c.get("locale");
    const actions = await listAdminActions(deps.db);
    const body =
      actions.length === 0
        ? html`<p class="muted">${t("admin.none")}</p>`
        : scrollBox(
            t("admin.log"),
            html`<table class="admin-log">
      <thead><tr><th scope="col">${t("admin.when")}</th><th scope="col">${t("admin.who")}</th><th scope="col">${t("admin.what")}</th><th scope="col">${t("admin.target")}</th></tr></thead>
      <tbody>${actions.map(
        (a) => html`<tr>
          <td>${timeTag(locale, a.created_at)}</td>
          <td>${a.actor ? `@${a.actor}` : "—"}</td>
          <td>${actionLabel(t, a.action)}${Object.keys(a.details).length > 0 ? html` <span class="muted">(${describeDetails(a.details)})</span>` : ""}</td>
          <td>${a.target ?? ""}</td>
        </tr>`,
      )}</tbody>
    </table>`,
          );
    return adminLayout(c, "/admin/log", body);
  });

  return app;
}

/** Known actions in words; anything newer is shown as its code. */
function actionLabel(t: Translate, action: string) {
  const key = `admin.action.${action}`;
  return key in en ? t(key as MessageKey) : html`<code>${action}</code>`;
}

/** Details as "key: value" pairs, e.g. "from: member · to: admin". */
function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join(" · ");
}
