/**
 * Pieces of the agreement pages: the agreements block of a proposal's page
 * (the respond form; for the proposal's agent, the offers with Accept/Reject),
 * and the words and numbers every agreement page shows. The marketplace's
 * proposal page (market) includes `agreementsBlock`.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Kysely, Selectable } from "kysely";
import type { Config } from "../../config.ts";
import type { EconProposalsTable } from "../../db/schema/economy.ts";
import type { Schema } from "../../db/schema.ts";
import { type AgreementsContext, agentsOf } from "../../economy/agreements/context.ts";
import { type AgreementRow, agreementsOnProposal } from "../../economy/agreements/reads.ts";
import { formatQuantity } from "../../economy/agreements/rules.ts";
import type { Clock } from "../../kernel/clock.ts";
import type { WebEnv } from "../context.ts";
import { csrfField } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";

export interface AgreementsDeps {
  db: Kysely<Schema>;
  config: Pick<Config, "origin">;
  clock: Clock;
}

export const agreementsContext = (deps: AgreementsDeps): AgreementsContext => ({
  db: deps.db,
  origin: deps.config.origin,
  clock: deps.clock,
});

const t = (c: Context<WebEnv>) => c.get("t");

/** An agent URI as people read it: "@name@host". */
export function agentLabel(uri: string): string {
  if (!URL.canParse(uri)) return uri;
  const u = new URL(uri);
  return `@${u.pathname.split("/").filter(Boolean).pop() ?? ""}@${u.host}`;
}

export const statusText = (c: Context<WebEnv>, status: string) =>
  t(c)(`agreements.status.${status}` as MessageKey);

export const priceText = (
  c: Context<WebEnv>,
  a: { reciprocity: string; total_price: number; currency: string },
) =>
  a.reciprocity === "gift"
    ? t(c)("agreements.gift")
    : `${(a.total_price / 100).toFixed(2)} ${a.reciprocity === "credit" ? "credit" : a.currency}`;

/** The "acting as" choice: the co-op (for admins and moderators) or oneself. */
export function agentSelect(c: Context<WebEnv>, origin: string) {
  const viewer = c.get("viewer");
  if (!viewer) return html``;
  const agents = agentsOf(origin, viewer);
  return html`<label>${t(c)("agreements.as")}
    <select name="as">${agents.map((a) => html`<option value="${a}">${agentLabel(a)}</option>`)}</select></label>`;
}

export function agreementsTable(c: Context<WebEnv>, rows: AgreementRow[]) {
  if (rows.length === 0) return html`<p>${t(c)("agreements.none")}</p>`;
  return html`<ul class="agreements">
    ${rows.map(
      (a) => html`<li><a href="/economy/agreements/${a.id}">${a.proposal_name}</a> —
        ${formatQuantity(a.quantity)} ${a.proposal_unit} · ${priceText(c, a)} ·
        <strong>${statusText(c, a.status)}</strong><br /><small>${agentLabel(a.responder_uri)} → ${agentLabel(a.proposer_uri)}</small></li>`,
    )}
  </ul>`;
}

/**
 * The block under a proposal: the viewer's agreements on it (all of them for its
 * agent, with Accept/Reject on the offered ones) and the respond form.
 */
export async function agreementsBlock(
  c: Context<WebEnv>,
  deps: AgreementsDeps,
  proposal: Selectable<EconProposalsTable>,
) {
  const viewer = c.get("viewer");
  if (!viewer) return html``;
  const agents = agentsOf(deps.config.origin, viewer);
  const rows = await agreementsOnProposal(agreementsContext(deps), proposal.id, {
    agents,
    role: viewer.role,
  });
  const isAgent = agents.includes(proposal.agent_uri);
  const answerForms = (a: AgreementRow) =>
    isAgent && a.status === "offered" && a.local === 1
      ? html`<form method="post" action="/economy/agreements/${a.id}/accept" class="inline">${csrfField(c)}<button>${t(c)("agreements.accept")}</button></form>
        <form method="post" action="/economy/agreements/${a.id}/reject" class="inline">${csrfField(c)}<input name="reason" maxlength="2000" aria-label="${t(c)("agreements.reason")}" placeholder="${t(c)("agreements.reason")}" /><button>${t(c)("agreements.reject")}</button></form>`
      : "";
  const respond =
    !isAgent && proposal.status === "open"
      ? html`<form method="post" action="/economy/proposals/${proposal.id}/respond" class="stack">
          ${csrfField(c)}
          <h3>${t(c)("agreements.respond.title")}</h3>
          <label>${t(c)("agreements.quantity")} (${proposal.unit})
            <input name="quantity" inputmode="decimal" required pattern="[0-9]+([.,][0-9]{1,3})?" value="${formatQuantity(Math.max(proposal.minimum, Math.min(1000, proposal.available)))}" /></label>
          <label>${t(c)("agreements.note")} <textarea name="note" maxlength="2000" rows="2"></textarea></label>
          ${agentSelect(c, deps.config.origin)}
          <button>${t(c)("agreements.respond")}</button>
        </form>`
      : "";
  return html`<section aria-labelledby="agreements"><h2 id="agreements">${t(c)("agreements.title")}</h2>
    ${
      rows.length
        ? html`<ul class="agreements">${rows.map(
            (a) =>
              html`<li><a href="/economy/agreements/${a.id}">${agentLabel(a.responder_uri)}: ${formatQuantity(a.quantity)} ${a.proposal_unit}</a> · ${priceText(c, a)} · <strong>${statusText(c, a.status)}</strong> ${answerForms(a)}</li>`,
          )}</ul>`
        : ""
    }
    ${respond}
  </section>`;
}
