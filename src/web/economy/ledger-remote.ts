/**
 * This co-op's side of ledgers, for its admins (node admins):
 * - /economy/ledgers: the ledgers it has an account in here, and the
 *   federations elsewhere it belongs to (active affiliations);
 * - /economy/ledgers/remote?group=URI: a federation's ledger elsewhere, fetched
 *   (signed) and audited here, with a form to pay another member co-op — sent
 *   as this co-op's Offer (economy/credit/requests.ts); the ledger's journal is
 *   where the outcome shows.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { ledgerUriOf } from "../../economy/credit/ledgers.ts";
import { requestTransfer } from "../../economy/credit/requests.ts";
import { federationByUri } from "../../economy/market/publishing.ts";
import { auditRemoteLedger } from "../../federation/credit/audit.ts";
import { InputError } from "../../kernel/errors.ts";
import { coopUri } from "../../kernel/uris.ts";
import { parseMoney } from "../budgeting/render.ts";
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
import { doneQuery, type GroupsDeps } from "../groups/render.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { balanceChart } from "./ledger-chart.ts";
import { amountIn, coopName, ledgerPageOf } from "./ledger-render.ts";

/** Transfers the chart of a ledger elsewhere draws (as the ledger's own page, the last 200). */
const CHART_TRANSFERS = 200;

const t = (c: Context<WebEnv>) => c.get("t");

export function remoteLedgerPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const origin = deps.config.origin;
  const ctx = { db: deps.db, origin, domain: deps.config.domain, clock: deps.clock };
  const ours = coopUri(origin);

  const requireCoopAdmin = (c: Context<WebEnv>) => {
    const viewer = requireViewer(c);
    if (viewer.role !== "admin") throw new InputError(t(c)("credit.error.notAdmin"), 403);
    return viewer;
  };

  /** The affiliation of ?group= (an active one), or 404. */
  async function affiliated(c: Context<WebEnv>) {
    const groupUri = c.req.query("group") ?? "";
    const row = await deps.db
      .selectFrom("coop_affiliations")
      .select("group_uri")
      .where("group_uri", "=", groupUri)
      .where("status", "=", "active")
      .executeTakeFirst();
    if (!row) throw new InputError(t(c)("credit.error.notFound"), 404);
    return row.group_uri;
  }

  app.get("/economy/ledgers", async (c) => {
    requireCoopAdmin(c);
    const here = await deps.db
      .selectFrom("credit_accounts as a")
      .innerJoin("credit_ledgers as l", "l.id", "a.ledger_id")
      .innerJoin("groups as g", "g.id", "l.group_id")
      .select(["l.uri", "g.display_name"])
      .where("a.coop_uri", "=", ours)
      .orderBy("g.display_name")
      .limit(100)
      .execute();
    const elsewhere = await deps.db
      .selectFrom("coop_affiliations")
      .select("group_uri")
      .where("status", "=", "active")
      .orderBy("group_uri")
      .limit(100)
      .execute();
    const body = html`<h1>${t(c)("credit.block.title")}</h1>
      <ul>${here.map((l) => html`<li><a href="${safeUrl(ledgerPageOf(origin, l.uri))}">${l.display_name}</a></li>`)}
      ${elsewhere.map((a) => html`<li><a href="/economy/ledgers/remote?group=${encodeURIComponent(a.group_uri)}">${a.group_uri}</a></li>`)}</ul>
      ${here.length + elsewhere.length === 0 ? html`<p class="muted">${t(c)("credit.block.none")}</p>` : ""}
      <p><a href="/economy/ledgers/audit">${t(c)("credit.audit.remote")}</a></p>`;
    return c.html(layout(c, t(c)("credit.block.title"), body));
  });

  async function remotePage(
    c: Context<WebEnv>,
    groupUri: string,
    form: Record<string, string>,
    errors: FieldErrors,
    status: 200 | 422 = 200,
  ) {
    const ledgerUri = ledgerUriOf(groupUri);
    const audited = await auditRemoteLedger(deps.federation, ledgerUri);
    if (!audited.ok)
      return c.html(
        layout(
          c,
          t(c)("credit.block.title"),
          html`<h1>${groupUri}</h1><p class="field-error" role="alert">${t(c)("credit.audit.remote.failed", { why: audited.reason })}</p>`,
        ),
        502,
      );
    const { ledger, report } = audited;
    // The chart of the journal just read and audited: balances after each of the last transfers.
    const history = audited.transfers
      .slice(-CHART_TRANSFERS)
      .flatMap((tr) =>
        tr.entries.map((e) => ({ seq: tr.seq, at: "", coop: e.coop, balance: e.balanceAfter })),
      );
    const amount = amountIn(c, ledger.unit);
    const name = (uri: string) => coopName(c, origin, uri);
    const payees = ledger.accounts.filter((a) => a.coop !== ours);
    const mine = ledger.accounts.find((a) => a.coop === ours);
    const action = `/economy/ledgers/remote?group=${encodeURIComponent(groupUri)}`;
    const title = (await federationByUri(ctx, groupUri))?.name ?? groupUri;
    const body = html`<p><a href="/economy/coop">${t(c)("market.coop.title", { name: c.get("coop").name })}</a></p>
      <h1>${title}</h1>${notice(c.req.query("done"))}
      <p class="lead">${t(c)("credit.lead", { unit: ledger.unit })}</p>
      ${report.ok ? html`<p class="notice ok">${t(c)("credit.audit.ok", { count: String(report.transfers) })}</p>` : html`<div class="errors" role="alert"><p>${t(c)("credit.audit.bad")}</p><ul>${report.problems.map((p) => html`<li>${p}</li>`)}</ul></div>`}
      <h2>${t(c)("credit.accounts")}</h2>
      ${scrollBox(
        t(c)("credit.accounts"),
        html`<table class="figures"><thead><tr><th scope="col">${t(c)("credit.account")}</th><th scope="col">${t(c)("credit.balance")}</th><th scope="col">${t(c)("credit.debitLimit")}</th><th scope="col">${t(c)("credit.creditLimit")}</th></tr></thead>
        <tbody>${ledger.accounts.map((a) => html`<tr><th scope="row">${name(a.coop)}</th><td>${amount(a.balance)}</td><td>−${amount(a.debitLimit)}</td><td>${amount(a.creditLimit)}</td></tr>`)}</tbody></table>`,
      )}
      ${
        mine && payees.length
          ? html`<h2>${t(c)("credit.pay")}</h2><p>${t(c)("credit.pay.lead", { coop: c.get("coop").name, balance: amount(mine.balance) })}</p>
            ${errorSummary(c, errors)}
            <form method="post" action="${safeUrl(action)}" class="stack">${csrfField(c)}
              <div class="field"><label for="f-payee">${t(c)("credit.pay.to")}</label>
              <select id="f-payee" name="payee" required>${payees.map((a) => html`<option value="${a.coop}"${form.payee === a.coop ? html` selected` : ""}>${name(a.coop)}</option>`)}</select></div>
              ${field({ name: "amount", label: `${t(c)("credit.amount")} (${ledger.unit})`, value: form.amount ?? "", error: errors.amount, required: true })}
              ${field({ name: "memo", label: t(c)("credit.memo"), value: form.memo ?? "", error: errors.memo })}
              <button type="submit">${t(c)("credit.pay.submit")}</button></form>`
          : ""
      }
      <h2>${t(c)("credit.chart")}</h2>
      ${history.length ? balanceChart(history, { caption: t(c)("credit.chart"), transfer: t(c)("credit.chart.transfer"), nameOf: name, amount }) : html`<p class="muted">${t(c)("credit.journal.none")}</p>`}`;
    return c.html(layout(c, title, body), status);
  }

  app.get("/economy/ledgers/remote", async (c) => {
    requireCoopAdmin(c);
    return remotePage(c, await affiliated(c), {}, {});
  });

  app.post("/economy/ledgers/remote", async (c) => {
    const viewer = requireCoopAdmin(c);
    const groupUri = await affiliated(c);
    const form = await readForm(c);
    const errors: FieldErrors = {};
    const value = parseMoney(form.amount ?? "");
    if (!value) errors.amount = t(c)("credit.error.amount");
    const memo = (form.memo ?? "").trim();
    if (memo.length > 500) errors.memo = t(c)("credit.error.memo");
    if (Object.keys(errors).length) return remotePage(c, groupUri, form, errors, 422);
    const asked = await requestTransfer(ctx, viewer, {
      groupUri,
      payeeUri: form.payee ?? "",
      amount: value,
      memo,
    });
    if (!asked.ok) throw new InputError(t(c)("credit.error.payee"), 422);
    return redirectHere(
      c,
      `/economy/ledgers/remote?group=${encodeURIComponent(groupUri)}${doneQuery(t(c)("credit.requested")).replace("?", "&")}`,
      303,
    );
  });

  return app;
}
