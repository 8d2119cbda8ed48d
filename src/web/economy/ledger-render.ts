/**
 * Pieces the ledger pages share: amounts in the ledger's unit (stored in
 * hundredths), a co-op's name, the problems' messages, and the co-op's balance
 * block (`ledgerBlock`) that the co-op's economy page shows.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { federationsHere } from "../../economy/market/publishing.ts";
import { coopUri, groupPrefix } from "../../kernel/uris.ts";
import { formatMoney } from "../budgeting/allocation-chart.ts";
import type { WebEnv } from "../context.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

/** Hundredths of the unit as the page's language writes them: "12.5 hours". */
export const amountIn = (c: Context<WebEnv>, unit: string) => (minor: number) =>
  formatMoney(c.get("locale"), unit, minor);

/** A co-op as people know it: this node's co-op by its name, others by their host. */
export function coopName(c: Context<WebEnv>, origin: string, uri: string): string {
  if (uri === coopUri(origin)) return c.get("t")("credit.ourCoop", { name: c.get("coop").name });
  return URL.canParse(uri) ? new URL(uri).host : uri;
}

const PROBLEMS: Record<string, MessageKey> = {
  invalid: "credit.error.invalid",
  forbidden: "credit.error.forbidden",
  "not-found": "credit.error.notFound",
  exists: "credit.error.exists",
  "not-a-federation": "credit.error.notFederation",
  "limit-below-balance": "credit.error.limitBelowBalance",
  "not-a-member": "credit.error.notMember",
  "no-account": "credit.error.noAccount",
  "same-account": "credit.error.sameAccount",
  "already-settled": "credit.error.invalid",
};

export const problemText = (c: Context<WebEnv>, reason: string) =>
  c.get("t")(PROBLEMS[reason] ?? "credit.error.invalid");

export const problemStatus = (reason: string) =>
  reason === "forbidden" ? 403 : reason === "not-found" ? 404 : reason === "exists" ? 409 : 422;

export const refusalText = (c: Context<WebEnv>, reason: string | null) =>
  reason ? c.get("t")(`credit.reason.${reason}` as MessageKey) : "";

/** The ledger page of a group hosted here, from its ledger URI. */
export const ledgerPageOf = (origin: string, ledgerUri: string) =>
  ledgerUri.startsWith(groupPrefix(origin)) ? ledgerUri.slice(origin.length) : null;

/**
 * A co-op's balance in every ledger hosted here where it has an account: the
 * block the co-op's economy page shows (web/economy, market's page).
 */
export async function ledgerBlock(
  c: Context<WebEnv>,
  coop: string,
  deps: { db: Kysely<Schema>; origin: string },
): Promise<Html> {
  const t = c.get("t");
  const rows = await deps.db
    .selectFrom("credit_accounts as a")
    .innerJoin("credit_ledgers as l", "l.id", "a.ledger_id")
    .innerJoin("groups as g", "g.id", "l.group_id")
    .select([
      "a.balance",
      "a.debit_limit",
      "a.credit_limit",
      "l.unit",
      "l.uri",
      "g.display_name",
      "g.visibility",
    ])
    .where("a.coop_uri", "=", coop)
    .orderBy("g.display_name")
    .limit(50)
    .execute();
  // A members-only federation's figures are not for everyone who sees the co-op's page.
  const shown = c.get("viewer") ? rows : rows.filter((r) => r.visibility === "public");
  // Ledgers kept elsewhere are read (signed, audited) on their own page, for the co-op's admins.
  const elsewhere =
    c.get("viewer")?.role === "admin" && coop === coopUri(deps.origin)
      ? (await federationsHere(deps)).filter((f) => f.groupId === null)
      : [];
  return html`<section class="ledger-block" aria-labelledby="ledger-block-title">
    <h2 id="ledger-block-title">${t("credit.block.title")}</h2>
    ${
      shown.length + elsewhere.length === 0
        ? html`<p class="muted">${t("credit.block.none")}</p>`
        : html`<ul>${shown.map((r) => {
            const amount = amountIn(c, r.unit);
            const page = ledgerPageOf(deps.origin, r.uri);
            return html`<li>${page ? html`<a href="${safeUrl(page)}">${r.display_name}</a>` : r.display_name}:
              <strong>${amount(r.balance)}</strong>
              <span class="muted">(${t("credit.block.limits", { debit: amount(r.debit_limit), credit: amount(r.credit_limit) })})</span></li>`;
          })}${elsewhere.map(
            (f) =>
              html`<li><a href="/economy/ledgers/remote?group=${encodeURIComponent(f.uri)}">${f.name}</a>
              <span class="muted">${t("credit.block.elsewhere")}</span></li>`,
          )}</ul>`
    }
  </section>`;
}
