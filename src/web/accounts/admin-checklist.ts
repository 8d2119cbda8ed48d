/**
 * The first steps on /admin after the node's first start (issue 23): each step
 * ticked when the data says it is done (accounts/setup-checklist.ts), with a link
 * to where it is done. Once every step is done the list folds away.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { type SetupStep, setupSteps } from "../../accounts/setup-checklist.ts";
import type { WebEnv } from "../context.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

const where: Record<SetupStep, string> = {
  name: "/admin#f-name",
  rules: "/admin#f-rules",
  registration: "/admin#registration",
  invite: "/admin/invites",
};

export function setupChecklistCard(c: Context<WebEnv>, done: Record<SetupStep, boolean>): Html {
  const t = c.get("t");
  const count = setupSteps.filter((s) => done[s]).length;
  const all = count === setupSteps.length;
  return html`<details class="card setup-checklist"${all ? "" : html` open`}>
    <summary><strong>${t("admin.setup.title")}</strong>
      <span class="muted">${t("admin.setup.progress", { done: count, total: setupSteps.length })}</span></summary>
    <ol class="checklist">${setupSteps.map(
      (step) => html`<li class="${done[step] ? "done" : "todo"}" data-step="${step}">
        <span class="tick" aria-hidden="true">${done[step] ? "✓" : ""}</span>
        <a href="${safeUrl(where[step])}">${t(`admin.setup.${step}`)}</a>
        <span class="visually-hidden">${t(done[step] ? "admin.setup.done" : "admin.setup.todo")}</span>
      </li>`,
    )}</ol>
  </details>`;
}
