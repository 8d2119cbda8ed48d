/**
 * The ledger pages of a federation group hosted here (issue 20), at the same
 * address as the ledger's ActivityStreams collection (federation/credit/serve.ts
 * answers those who ask for JSON): /groups/:name/ledger shows the accounts,
 * balances and limits, the balance-over-time chart with its table, the journal
 * and the refused transfers; forms open the ledger and set limits (group
 * admins) and pay from this co-op's account (its admins). Exports and the
 * audit are in ledger-exports.ts. No JavaScript; bad input re-renders with 422
 * and writes nothing.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { accountOf, accountsOf, setLimits, syncAccounts } from "../../economy/credit/accounts.ts";
import type { CreditContext } from "../../economy/credit/context.ts";
import { balanceHistory, journalPage, refusedTransfers } from "../../economy/credit/journal.ts";
import {
  createLedger,
  isLedgerAdmin,
  type Ledger,
  ledgerOfGroup,
  updateLedger,
} from "../../economy/credit/ledgers.ts";
import { payFromOurCoop } from "../../economy/credit/transfers.ts";
import type { Group } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import { coopUri } from "../../kernel/uris.ts";
import { moneyInput, parseMoney } from "../budgeting/render.ts";
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
import { doneQuery, type GroupsDeps, groupFromPath, groupName } from "../groups/render.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import { balanceChart } from "./ledger-chart.ts";
import { ledgerExportPages } from "./ledger-exports.ts";
import { remoteLedgerPages } from "./ledger-remote.ts";
import { amountIn, coopName, problemStatus, problemText, refusalText } from "./ledger-render.ts";

const t = (c: Context<WebEnv>) => c.get("t");
const JOURNAL_PAGE = 50;

export const creditContext = (deps: GroupsDeps): CreditContext => ({
  db: deps.db,
  origin: deps.config.origin,
  domain: deps.config.domain,
  clock: deps.clock,
});

/** The group of the path if the viewer may read it (404 otherwise, as for its threads). */
export async function readableGroup(c: Context<WebEnv>, deps: GroupsDeps): Promise<Group> {
  const group = await groupFromPath(c, deps);
  if (!(await canRead(deps.db, deps.config.origin, group, c.get("viewer") ?? null)))
    throw new InputError(t(c)("error.notFound"), 404);
  return group;
}

export async function ledgerFromPath(c: Context<WebEnv>, deps: GroupsDeps) {
  const group = await readableGroup(c, deps);
  const ledger = await ledgerOfGroup(deps.db, group.id);
  if (!ledger) throw new InputError(t(c)("credit.none"), 404);
  return { group, ledger };
}

/** The form's amount ("12.50") as hundredths, or null. */
const amountField = (raw: string | undefined, zero = false) => {
  const v = parseMoney(raw ?? "");
  return v === null || (!zero && v === 0) ? null : v;
};

function settingsForm(
  c: Context<WebEnv>,
  action: string,
  v: Record<string, string>,
  errors: FieldErrors,
  submit: string,
): Html {
  const unit = v.unit || "…";
  return html`<form method="post" action="${safeUrl(action)}" class="stack">${csrfField(c)}
    ${field({ name: "unit", label: t(c)("credit.unit"), value: v.unit ?? "", error: errors.unit, hint: t(c)("credit.unit.hint"), required: true })}
    ${field({ name: "defaultDebitLimit", label: t(c)("credit.defaultDebitLimit"), value: v.defaultDebitLimit ?? "", error: errors.defaultDebitLimit, hint: t(c)("credit.limit.hint", { unit }) })}
    ${field({ name: "defaultCreditLimit", label: t(c)("credit.defaultCreditLimit"), value: v.defaultCreditLimit ?? "", error: errors.defaultCreditLimit })}
    <button type="submit">${submit}</button></form>`;
}

function parseSettings(c: Context<WebEnv>, v: Record<string, string>) {
  const errors: FieldErrors = {};
  const unit = (v.unit ?? "").trim();
  if (!/^[\p{L}\p{N} ._-]{1,24}$/u.test(unit)) errors.unit = t(c)("credit.error.unit");
  const debit = amountField(v.defaultDebitLimit, true);
  const credit = amountField(v.defaultCreditLimit, true);
  if (debit === null) errors.defaultDebitLimit = t(c)("credit.error.limit");
  if (credit === null) errors.defaultCreditLimit = t(c)("credit.error.limit");
  return {
    errors,
    settings: { unit, defaultDebitLimit: debit ?? 0, defaultCreditLimit: credit ?? 0 },
  };
}

export function ledgerPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = creditContext(deps);
  const origin = deps.config.origin;

  async function page(
    c: Context<WebEnv>,
    group: Group,
    ledger: Ledger,
    extra: { errors?: FieldErrors; form?: Record<string, string>; status?: 200 | 422 } = {},
  ) {
    const viewer = c.get("viewer");
    const admin = viewer ? await isLedgerAdmin(deps.db, origin, group, viewer) : false;
    const coopAdmin = viewer?.role === "admin";
    // Co-ops that joined since the last use get their accounts (a write only when one did).
    await syncAccounts(ctx, ledger.id);
    const [accounts, history, refused] = await Promise.all([
      accountsOf(deps.db, ledger.id),
      balanceHistory(deps.db, ledger.id),
      refusedTransfers(deps.db, ledger.id, 10),
    ]);
    const before = Number(c.req.query("before")) || undefined;
    const journal = await journalPage(deps.db, ledger.id, {
      beforeSeq: before,
      limit: JOURNAL_PAGE,
      newestFirst: true,
    });
    const amount = amountIn(c, ledger.unit);
    const name = (uri: string) => coopName(c, origin, uri);
    const ours = accounts.find((a) => a.coop_uri === coopUri(origin));
    const base = `/groups/${group.name}/ledger`;
    const accountsTable = html`<table class="figures">
      <thead><tr><th scope="col">${t(c)("credit.account")}</th><th scope="col">${t(c)("credit.balance")}</th><th scope="col">${t(c)("credit.debitLimit")}</th><th scope="col">${t(c)("credit.creditLimit")}</th></tr></thead>
      <tbody>${accounts.map(
        (a) =>
          html`<tr><th scope="row">${name(a.coop_uri)}</th><td>${amount(a.balance)}</td><td>−${amount(a.debit_limit)}</td><td>${amount(a.credit_limit)}</td></tr>`,
      )}</tbody></table>`;
    const limitsForms = admin
      ? html`<details><summary>${t(c)("credit.limits.set")}</summary>${accounts.map(
          (
            a,
          ) => html`<form method="post" action="${safeUrl(`${base}/accounts/${a.id}/limits`)}" class="inline-fields">${csrfField(c)}
            <fieldset><legend>${name(a.coop_uri)}</legend>
            <div class="field"><label for="d-${a.id}">${t(c)("credit.debitLimit")}</label><input id="d-${a.id}" name="debitLimit" value="${moneyInput(a.debit_limit)}" required /></div>
            <div class="field"><label for="c-${a.id}">${t(c)("credit.creditLimit")}</label><input id="c-${a.id}" name="creditLimit" value="${moneyInput(a.credit_limit)}" required /></div>
            <button type="submit" class="secondary">${t(c)("credit.save")}</button></fieldset></form>`,
        )}</details>`
      : "";
    const payees = accounts.filter((a) => a !== ours);
    const errors = extra.errors ?? {};
    const form = extra.form ?? {};
    const payForm =
      ours && coopAdmin && payees.length
        ? html`<section aria-labelledby="pay"><h2 id="pay">${t(c)("credit.pay")}</h2>
          <p>${t(c)("credit.pay.lead", { coop: c.get("coop").name, balance: amount(ours.balance) })}</p>
          ${errorSummary(c, errors)}
          <form method="post" action="${safeUrl(`${base}/transfers`)}" class="stack">${csrfField(c)}
            <div class="field"><label for="f-payee">${t(c)("credit.pay.to")}</label>
            <select id="f-payee" name="payee" required>${payees.map((a) => html`<option value="${a.id}"${form.payee === a.id ? html` selected` : ""}>${name(a.coop_uri)}</option>`)}</select>
            ${errors.payee ? html`<p class="field-error">${errors.payee}</p>` : ""}</div>
            ${field({ name: "amount", label: `${t(c)("credit.amount")} (${ledger.unit})`, value: form.amount ?? "", error: errors.amount, required: true })}
            ${field({ name: "memo", label: t(c)("credit.memo"), value: form.memo ?? "", error: errors.memo })}
            <button type="submit">${t(c)("credit.pay.submit")}</button></form></section>`
        : "";
    const oldest = journal.at(-1);
    const body = html`<p><a href="/groups/${group.name}">${groupName(c, group)}</a></p>
      <h1>${t(c)("credit.title", { group: groupName(c, group) })}</h1>
      ${notice(c.req.query("done"))}
      <p class="lead">${t(c)("credit.lead", { unit: ledger.unit })}</p>
      <h2>${t(c)("credit.accounts")}</h2>
      ${scrollBox(t(c)("credit.accounts"), accountsTable)}
      ${limitsForms}
      ${payForm}
      <h2>${t(c)("credit.chart")}</h2>
      ${balanceChart(history, { caption: t(c)("credit.chart"), transfer: t(c)("credit.chart.transfer"), nameOf: name, amount })}
      <h2>${t(c)("credit.journal")}</h2>
      ${
        journal.length
          ? scrollBox(
              t(c)("credit.journal"),
              html`<table class="figures"><thead><tr><th scope="col">${t(c)("credit.seq")}</th><th scope="col">${t(c)("credit.when")}</th><th scope="col">${t(c)("credit.payer")}</th><th scope="col">${t(c)("credit.payee")}</th><th scope="col">${t(c)("credit.amount")}</th><th scope="col">${t(c)("credit.memo")}</th></tr></thead>
              <tbody>${journal.map(
                (l) =>
                  html`<tr><th scope="row">${l.seq}</th><td>${timeTag(c.get("locale"), l.completedAt)}</td><td>${name(l.payer)}</td><td>${name(l.payee)}</td><td>${amount(l.amount)}</td><td>${l.memo}${l.agreementUri ? html` <span class="muted">(${t(c)("credit.agreement")})</span>` : ""}</td></tr>`,
              )}</tbody></table>`,
            )
          : html`<p class="muted">${t(c)("credit.journal.none")}</p>`
      }
      ${oldest && oldest.seq > 1 && journal.length === JOURNAL_PAGE ? html`<p><a href="${safeUrl(`${base}?before=${oldest.seq}`)}">${t(c)("credit.journal.older")}</a></p>` : ""}
      ${
        refused.length
          ? html`<h2>${t(c)("credit.refused")}</h2><ul>${refused.map(
              (r) =>
                html`<li>${timeTag(c.get("locale"), r.created_at)}: ${name(r.payer)} → ${name(r.payee)}, ${amount(r.amount)} — ${refusalText(c, r.refused_reason)}</li>`,
            )}</ul>`
          : ""
      }
      <p><a href="${safeUrl(`${base}/audit`)}">${t(c)("credit.audit")}</a>${
        admin || coopAdmin
          ? html` · ${t(c)("credit.export")}: <a href="${safeUrl(`${base}/journal.csv`)}">${t(c)("credit.export.csv")}</a> · <a href="${safeUrl(`${base}/journal.json`)}">${t(c)("credit.export.json")}</a>`
          : ""
      }</p>
      ${
        admin
          ? html`<details><summary>${t(c)("credit.settings")}</summary>${settingsForm(c, `${base}/settings`, { unit: ledger.unit, defaultDebitLimit: moneyInput(ledger.default_debit_limit), defaultCreditLimit: moneyInput(ledger.default_credit_limit) }, {}, t(c)("credit.save"))}</details>`
          : ""
      }`;
    return c.html(
      layout(c, t(c)("credit.title", { group: groupName(c, group) }), body),
      extra.status ?? 200,
    );
  }

  async function openPage(
    c: Context<WebEnv>,
    group: Group,
    v: Record<string, string>,
    errors: FieldErrors,
    status: 200 | 404 | 422,
  ) {
    const viewer = c.get("viewer");
    const admin =
      viewer && group.kind === "federation"
        ? await isLedgerAdmin(deps.db, origin, group, viewer)
        : false;
    const body = html`<p><a href="/groups/${group.name}">${groupName(c, group)}</a></p>
      <h1>${t(c)("credit.title", { group: groupName(c, group) })}</h1>
      <p>${t(c)("credit.none")}</p>
      ${admin ? html`<h2>${t(c)("credit.open")}</h2><p>${t(c)("credit.open.lead")}</p>${errorSummary(c, errors)}${settingsForm(c, `/groups/${group.name}/ledger`, v, errors, t(c)("credit.open"))}` : ""}`;
    return c.html(layout(c, t(c)("credit.title", { group: groupName(c, group) }), body), status);
  }

  app.get("/groups/:name/ledger", async (c) => {
    const group = await readableGroup(c, deps);
    const ledger = await ledgerOfGroup(deps.db, group.id);
    if (!ledger)
      return openPage(
        c,
        group,
        { unit: "", defaultDebitLimit: "100", defaultCreditLimit: "100" },
        {},
        404,
      );
    return page(c, group, ledger);
  });

  app.post("/groups/:name/ledger", async (c) => {
    const viewer = requireViewer(c);
    const group = await readableGroup(c, deps);
    const form = await readForm(c);
    const { errors, settings } = parseSettings(c, form);
    if (Object.keys(errors).length) return openPage(c, group, form, errors, 422);
    const made = await createLedger(ctx, viewer, { groupId: group.id, settings });
    if (!made.ok) throw new InputError(problemText(c, made.reason), problemStatus(made.reason));
    return redirectHere(c, `/groups/${group.name}/ledger${doneQuery(t(c)("credit.opened"))}`, 303);
  });

  app.post("/groups/:name/ledger/settings", async (c) => {
    const viewer = requireViewer(c);
    const { group, ledger } = await ledgerFromPath(c, deps);
    const { errors, settings } = parseSettings(c, await readForm(c));
    if (Object.keys(errors).length) throw new InputError(Object.values(errors).join(" "), 422);
    const saved = await updateLedger(ctx, viewer, { ledgerId: ledger.id, settings });
    if (!saved.ok) throw new InputError(problemText(c, saved.reason), problemStatus(saved.reason));
    return redirectHere(
      c,
      `/groups/${group.name}/ledger${doneQuery(t(c)("credit.settings.saved"))}`,
      303,
    );
  });

  app.post("/groups/:name/ledger/accounts/:id/limits", async (c) => {
    const viewer = requireViewer(c);
    const { group, ledger } = await ledgerFromPath(c, deps);
    const form = await readForm(c);
    const debitLimit = amountField(form.debitLimit, true);
    const creditLimit = amountField(form.creditLimit, true);
    if (debitLimit === null || creditLimit === null)
      throw new InputError(t(c)("credit.error.limit"), 422);
    const saved = await setLimits(ctx, viewer, {
      ledgerId: ledger.id,
      accountId: c.req.param("id"),
      limits: { debitLimit, creditLimit },
    });
    if (!saved.ok) throw new InputError(problemText(c, saved.reason), problemStatus(saved.reason));
    return redirectHere(
      c,
      `/groups/${group.name}/ledger${doneQuery(t(c)("credit.limits.saved"))}`,
      303,
    );
  });

  app.post("/groups/:name/ledger/transfers", async (c) => {
    const viewer = requireViewer(c);
    const { group, ledger } = await ledgerFromPath(c, deps);
    if (viewer.role !== "admin") throw new InputError(t(c)("credit.error.notAdmin"), 403);
    const form = await readForm(c);
    const errors: FieldErrors = {};
    const value = amountField(form.amount);
    if (value === null) errors.amount = t(c)("credit.error.amount");
    const memo = (form.memo ?? "").trim();
    if (memo.length > 500) errors.memo = t(c)("credit.error.memo");
    const payee = form.payee ?? "";
    if (!payee || !(await accountOf(deps.db, ledger.id, coopUri(origin))))
      errors.payee = t(c)("credit.error.payee");
    if (Object.keys(errors).length) return page(c, group, ledger, { errors, form, status: 422 });
    const paid = await payFromOurCoop(ctx, viewer, {
      ledgerId: ledger.id,
      payeeAccountId: payee,
      amount: value,
      memo,
    });
    if (!paid.ok) {
      if (
        paid.reason === "no-account" ||
        paid.reason === "not-a-member" ||
        paid.reason === "same-account"
      )
        return page(c, group, ledger, {
          errors: { payee: problemText(c, paid.reason) },
          form,
          status: 422,
        });
      throw new InputError(problemText(c, paid.reason), problemStatus(paid.reason));
    }
    const done =
      paid.value.status === "completed"
        ? t(c)("credit.paid", {
            amount: amountIn(c, ledger.unit)(value ?? 0),
            seq: String(paid.value.seq),
          })
        : t(c)("credit.pay.refused", { reason: refusalText(c, paid.value.reason) });
    return redirectHere(c, `/groups/${group.name}/ledger${doneQuery(done)}`, 303);
  });

  app.route("/", ledgerExportPages(deps));
  app.route("/", remoteLedgerPages(deps));
  return app;
}
