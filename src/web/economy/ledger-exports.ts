/**
 * A ledger's exports and audits:
 * - /groups/:name/ledger/journal.csv and .json: the whole journal, for the
 *   group's admins and this co-op's admins (a spreadsheet, an accountant);
 * - /groups/:name/ledger/audit: the journal replayed here, for anyone who may
 *   read the group;
 * - /economy/ledgers/audit: this co-op's admins fetch a ledger hosted
 *   elsewhere (signed, federation/credit/audit.ts) and recompute every balance.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { stream } from "hono/streaming";
import { accountsOf } from "../../economy/credit/accounts.ts";
import type { AuditReport } from "../../economy/credit/audit.ts";
import { auditLedger, journalCsv, wholeJournal } from "../../economy/credit/journal.ts";
import { isLedgerAdmin } from "../../economy/credit/ledgers.ts";
import { auditRemoteLedger } from "../../federation/credit/audit.ts";
import { isHttpUrl } from "../../federation/extension-schemas.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, field, readForm, scrollBox } from "../forms.ts";
import { type GroupsDeps, groupName } from "../groups/render.ts";
import { type Html, layout } from "../layout.ts";
import { requireViewer } from "../session.ts";
import { ledgerFromPath } from "./ledger-pages.ts";
import { amountIn, coopName } from "./ledger-render.ts";

const t = (c: Context<WebEnv>) => c.get("t");

function reportHtml(c: Context<WebEnv>, report: AuditReport, unit: string, origin: string): Html {
  const amount = amountIn(c, unit);
  return html`${
    report.ok
      ? html`<p class="notice ok" role="status">${t(c)("credit.audit.ok", { count: String(report.transfers) })}</p>`
      : html`<div class="errors" role="alert"><p>${t(c)("credit.audit.bad")}</p><ul>${report.problems.map((p) => html`<li>${p}</li>`)}</ul></div>`
  }
  ${scrollBox(
    t(c)("credit.accounts"),
    html`<table class="figures"><thead><tr><th scope="col">${t(c)("credit.account")}</th><th scope="col">${t(c)("credit.balance")}</th></tr></thead>
    <tbody>${[...report.balances].map(([coop, b]) => html`<tr><th scope="row">${coopName(c, origin, coop)}</th><td>${amount(b)}</td></tr>`)}</tbody></table>`,
  )}`;
}

export function ledgerExportPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const origin = deps.config.origin;

  /** The ledger of the path, for a group admin or a co-op admin here. */
  async function exportable(c: Context<WebEnv>) {
    const viewer = requireViewer(c);
    const found = await ledgerFromPath(c, deps);
    if (viewer.role !== "admin" && !(await isLedgerAdmin(deps.db, origin, found.group, viewer)))
      throw new InputError(t(c)("credit.error.forbidden"), 403);
    return found;
  }

  app.get("/groups/:name/ledger/journal.csv", async (c) => {
    const { group, ledger } = await exportable(c);
    c.header("content-type", "text/csv; charset=utf-8");
    c.header("content-disposition", `attachment; filename="ledger-${group.name}.csv"`);
    return stream(c, async (s) => {
      for await (const line of journalCsv(deps.db, ledger.id)) await s.write(line);
    });
  });

  app.get("/groups/:name/ledger/journal.json", async (c) => {
    const { group, ledger } = await exportable(c);
    const accounts = await accountsOf(deps.db, ledger.id);
    const transfers = [];
    for await (const l of wholeJournal(deps.db, ledger.id)) transfers.push(l);
    c.header("content-disposition", `attachment; filename="ledger-${group.name}.json"`);
    return c.json({
      ledger: ledger.uri,
      unit: ledger.unit,
      amountsIn: "hundredths of the unit",
      lastSeq: ledger.last_seq,
      accounts: accounts.map((a) => ({
        coop: a.coop_uri,
        balance: a.balance,
        debitLimit: a.debit_limit,
        creditLimit: a.credit_limit,
      })),
      transfers,
    });
  });

  app.get("/groups/:name/ledger/audit", async (c) => {
    const { group, ledger } = await ledgerFromPath(c, deps);
    const report = await auditLedger(deps.db, ledger);
    const body = html`<p><a href="/groups/${group.name}/ledger">${t(c)("credit.title", { group: groupName(c, group) })}</a></p>
      <h1>${t(c)("credit.audit")}</h1><p>${t(c)("credit.audit.lead")}</p>
      ${reportHtml(c, report, ledger.unit, origin)}`;
    return c.html(layout(c, t(c)("credit.audit"), body));
  });

  const remotePage = (
    c: Context<WebEnv>,
    uri: string,
    result: Html | "",
    status: 200 | 422 | 502 = 200,
  ) => {
    const body = html`<h1>${t(c)("credit.audit.remote")}</h1><p>${t(c)("credit.audit.remote.lead")}</p>
      <form method="post" action="/economy/ledgers/audit" class="stack">${csrfField(c)}
        ${field({ name: "ledger", label: t(c)("credit.audit.remote.uri"), type: "url", value: uri, required: true, maxlength: 2048 })}
        <button type="submit">${t(c)("credit.audit.remote.submit")}</button></form>
      ${result}`;
    return c.html(layout(c, t(c)("credit.audit.remote"), body), status);
  };

  app.get("/economy/ledgers/audit", (c) => {
    const viewer = requireViewer(c);
    if (viewer.role !== "admin") throw new InputError(t(c)("credit.error.notAdmin"), 403);
    return remotePage(c, "", "");
  });

  app.post("/economy/ledgers/audit", async (c) => {
    const viewer = requireViewer(c);
    if (viewer.role !== "admin") throw new InputError(t(c)("credit.error.notAdmin"), 403);
    const uri = ((await readForm(c)).ledger ?? "").trim();
    if (uri.length > 2048 || !isHttpUrl(uri))
      return remotePage(
        c,
        uri.slice(0, 2048),
        html`<p class="field-error">${t(c)("credit.audit.remote.failed", { why: "URL" })}</p>`,
        422,
      );
    const audited = await auditRemoteLedger(deps.federation, uri);
    if (!audited.ok)
      return remotePage(
        c,
        uri,
        html`<p class="field-error" role="alert">${t(c)("credit.audit.remote.failed", { why: audited.reason })}</p>`,
        502,
      );
    return remotePage(c, uri, reportHtml(c, audited.report, audited.ledger.unit, origin));
  });

  return app;
}
