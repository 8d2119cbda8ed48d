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
import { formatQuantity as formatPlain } from "../../economy/agreements/rules.ts";
import { formatQuantity, unitById } from "../../economy/market/units.ts";
import type { Clock } from "../../kernel/clock.ts";
import { formatMoney } from "../budgeting/allocation-chart.ts";
import type { WebEnv } from "../context.ts";
import { csrfField } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { safeUrl } from "../safe-url.ts";
import { ledgerPageOf } from "./ledger-render.ts";

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

/** Minor units of what is paid: "€4.50", or credit in its ledger's unit ("18 hours"). */
export const paymentText = (
  c: Context<WebEnv>,
  a: { reciprocity: string; currency: string },
  minor: number,
) => formatMoney(c.get("locale"), a.currency || t(c)("market.credit.unit"), minor);

export const priceText = (
  c: Context<WebEnv>,
  a: { reciprocity: string; total_price: number; currency: string },
) =>
  a.reciprocity === "gift"
    ? t(c)("agreements.gift")
    : `${paymentText(c, a, a.total_price)}${a.reciprocity === "credit" ? ` (${t(c)("market.reciprocity.credit")})` : ""}`;

/** Thousandths of the resource in the page's language with the unit's symbol: "12 kg". */
export const quantityText = (c: Context<WebEnv>, thousandths: number, unit: string) =>
  formatQuantity(c.get("locale"), thousandths, unit);

/** The "acting as" choice: the co-op (for admins and moderators) or oneself. */
export function agentSelect(c: Context<WebEnv>, origin: string) {
  const viewer = c.get("viewer");
  if (!viewer) return html``;
  const agents = agentsOf(origin, viewer);
  return html`<div class="field"><label for="r-as">${t(c)("agreements.as")}</label>
    <select id="r-as" name="as">${agents.map((a) => html`<option value="${a}">${agentLabel(a)}</option>`)}</select></div>`;
}

export function agreementsTable(c: Context<WebEnv>, rows: AgreementRow[]) {
  if (rows.length === 0) return html`<p>${t(c)("agreements.none")}</p>`;
  return html`<ul class="agreements">
    ${rows.map(
      (a) => html`<li><a href="/economy/agreements/${a.id}">${a.proposal_name}</a> —
        ${quantityText(c, a.quantity, a.proposal_unit)} · ${priceText(c, a)} ·
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
          <div class="field"><label for="r-quantity">${t(c)("agreements.quantity")} (${unitById(proposal.unit)?.symbol ?? proposal.unit})</label>
            <input type="text" id="r-quantity" name="quantity" inputmode="decimal" required pattern="[0-9]+([.,][0-9]{1,3})?" value="${formatPlain(Math.max(proposal.minimum, Math.min(1000, proposal.available)))}" /></div>
          <div class="field"><label for="r-note">${t(c)("agreements.note")}</label><textarea id="r-note" name="note" maxlength="2000" rows="2"></textarea></div>
          ${agentSelect(c, deps.config.origin)}
          <button>${t(c)("agreements.respond")}</button>
        </form>`
      : "";
  return html`<section aria-labelledby="agreements"><h2 id="agreements">${t(c)("agreements.title")}</h2>
    ${
      rows.length
        ? html`<ul class="agreements">${rows.map(
            (a) =>
              html`<li><a href="/economy/agreements/${a.id}">${agentLabel(a.responder_uri)}: ${quantityText(c, a.quantity, a.proposal_unit)}</a> · ${priceText(c, a)} · <strong>${statusText(c, a.status)}</strong> ${answerForms(a)}</li>`,
          )}</ul>`
        : isAgent
          ? html`<p class="muted">${t(c)("agreements.none")}</p>`
          : ""
    }
    ${respond}
  </section>`;
}

/**
 * How a credit agreement was paid: the ledger's transfer when the ledger is
 * kept here (on the proposer's node, it settled there), else — once fulfilled —
 * a pointer to the federation's ledger, whose journal shows it.
 */
export async function settlementNote(
  c: Context<WebEnv>,
  deps: AgreementsDeps,
  a: Pick<AgreementRow, "reciprocity" | "transfer_id" | "status" | "proposal_id">,
) {
  if (a.reciprocity !== "credit") return "";
  if (a.transfer_id) {
    const paid = await deps.db
      .selectFrom("credit_transfers as t")
      .innerJoin("credit_ledgers as l", "l.id", "t.ledger_id")
      .select(["t.seq", "l.uri"])
      .where("t.id", "=", a.transfer_id)
      .executeTakeFirst();
    const page = paid && ledgerPageOf(deps.config.origin, paid.uri);
    if (paid && page)
      return html`<p class="notice ok"><a href="${safeUrl(page)}">${t(c)("agreements.settled", { seq: String(paid.seq) })}</a></p>`;
  }
  if (a.status !== "fulfilled") return "";
  const p = await deps.db
    .selectFrom("econ_proposals")
    .select("group_uri")
    .where("id", "=", a.proposal_id)
    .executeTakeFirst();
  const text = t(c)("agreements.settledElsewhere");
  return p?.group_uri && c.get("viewer")?.role === "admin"
    ? html`<p class="muted"><a href="/economy/ledgers/remote?group=${encodeURIComponent(p.group_uri)}">${text}</a></p>`
    : html`<p class="muted">${text}</p>`;
}
