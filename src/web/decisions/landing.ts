/**
 * The Decisions pillar's page (/decisions): "Decisions waiting for me" across all
 * of the member's groups, then the recent decisions of those groups. A visitor
 * sees what the pillar is and a sign-in link; nothing of any group.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { DecisionListItem } from "../../governance/decisions/listing.ts";
import type { WebEnv } from "../context.ts";
import { formatDate } from "../forms.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { timeLeft } from "./panel.ts";

export const decisionHref = (d: Pick<DecisionListItem, "groupName" | "postId" | "id">) =>
  `/groups/${d.groupName}/threads/${d.postId}#decision-${d.id}`;

/** One decision as a line of a list: title, group, rule, state. */
export function decisionLine(c: Context<WebEnv>, d: DecisionListItem, now: Date): Html {
  const t = c.get("t");
  const locale = c.get("locale");
  const state =
    d.status === "closed"
      ? t("decisions.closedAt", { when: formatDate(locale, d.closedAt ?? d.closesAt) })
      : d.opensAt > now.toISOString()
        ? t("decisions.status.scheduled", { when: formatDate(locale, d.opensAt) })
        : t("decisions.timeLeft", { left: timeLeft(t, now, d.closesAt) });
  return html`<li>
    <a href="${safeUrl(decisionHref(d))}"><strong>${d.title}</strong></a>
    <div class="meta">${t("decisions.inGroup", { group: d.groupTitle })} · ${t(`decisions.rule.${d.rule}` as never)} · ${state}${d.voted ? html` · ✓ ${t("decisions.voted")}` : ""}</div>
  </li>`;
}

export function landingBody(
  c: Context<WebEnv>,
  lists: { waiting: DecisionListItem[]; recent: DecisionListItem[] } | null,
  now: Date,
): Html {
  const t = c.get("t");
  const head = html`<h1>${t("decisions.title")}</h1><p class="lead">${t("decisions.lead")}</p><p><a href="/budgets">${t("budgets.link")}</a></p>`;
  if (!lists)
    return html`${head}<p><a href="/login">${t("nav.login")}</a> — ${t("decisions.signIn")}</p>`;
  return html`${head}
    <section aria-labelledby="waiting">
      <h2 id="waiting">${t("decisions.waiting")}</h2>
      ${
        lists.waiting.length
          ? html`<ul class="decision-list">${lists.waiting.map((d) => decisionLine(c, d, now))}</ul>`
          : html`<p class="muted">${t("decisions.waiting.none")}</p>`
      }
    </section>
    <section aria-labelledby="recent">
      <h2 id="recent">${t("decisions.recent")}</h2>
      ${
        lists.recent.length
          ? html`<ul class="decision-list">${lists.recent.map((d) => decisionLine(c, d, now))}</ul>`
          : html`<p class="muted">${t("decisions.recent.none")}</p>`
      }
      <p><a href="/groups">${t("groups.title")}</a>: ${t("groups.lead")}</p>
    </section>`;
}
