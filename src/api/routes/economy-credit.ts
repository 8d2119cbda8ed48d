/**
 * The mutual-credit ledger for apps, under /api/synco/v1/economy/ledgers
 * (docs/economy.md, "Mutual credit"): ledgers hosted here with their accounts,
 * the journal page by page, the audit, opening a ledger and setting limits
 * (the group's admins), paying from this co-op's account (its admins), and
 * asking a ledger elsewhere for a transfer (/economy/credit-requests). Amounts
 * are integers in hundredths of the ledger's unit. Reading is `read`, writing `write`.
 */
import { Hono } from "hono";
import { accountsOf, setLimits } from "../../economy/credit/accounts.ts";
import type { CreditContext } from "../../economy/credit/context.ts";
import { auditLedger, journalPage, MAX_JOURNAL_PAGE } from "../../economy/credit/journal.ts";
import { createLedger, findLedger, type Ledger } from "../../economy/credit/ledgers.ts";
import { requestTransfer } from "../../economy/credit/requests.ts";
import { payFromOurCoop } from "../../economy/credit/transfers.ts";
import { findGroupById } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { optionalUser, requireUser } from "../auth.ts";
import type { ApiDeps, ApiEnv } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";
import { readParams } from "../params.ts";

const PREFIX = "/api/synco/v1/economy";

const PROBLEMS: Record<string, [number, string]> = {
  invalid: [422, "Invalid input"],
  "not-found": [404, "Record not found"],
  forbidden: [
    403,
    "Only the group's admins (limits, a new ledger) or this co-op's admins (payments) may do this",
  ],
  exists: [409, "This group runs a ledger already"],
  "not-a-federation": [422, "Only a federation of co-ops runs a ledger"],
  "limit-below-balance": [409, "The balance already lies outside these limits"],
  "not-a-member": [422, "Both co-ops must be active members of the federation"],
  "no-account": [422, "This co-op has no account in the ledger"],
  "same-account": [422, "A co-op cannot pay itself"],
  "already-settled": [409, "This agreement is settled already"],
  "not-affiliated": [422, "This co-op is not an active member of that federation"],
};

const problem = (reason: string) => {
  const [status, text] = PROBLEMS[reason] ?? [422, reason];
  return new ApiError(status as 422, text);
};

/** A whole number from JSON or a form ("12" too), or undefined. */
const int = (v: unknown) =>
  typeof v === "number"
    ? v
    : typeof v === "string" && /^-?\d{1,15}$/.test(v)
      ? Number(v)
      : undefined;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export function creditRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const ctx: CreditContext = {
    db: deps.db,
    origin: deps.config.origin,
    domain: deps.config.domain,
    clock: deps.clock,
  };

  /** The ledger if the caller may read its group (404 otherwise). */
  async function readable(
    id: string,
    me: { id: string; username: string } | null,
  ): Promise<Ledger> {
    const ledger = await findLedger(deps.db, id);
    const group = ledger && (await findGroupById(deps.db, ledger.group_id));
    if (!ledger || !group || !(await canRead(deps.db, deps.config.origin, group, me)))
      throw notFound();
    return ledger;
  }

  const serializeLedger = async (l: Ledger) => ({
    id: l.id,
    uri: l.uri,
    unit: l.unit,
    amounts_in: "hundredths of the unit",
    default_debit_limit: l.default_debit_limit,
    default_credit_limit: l.default_credit_limit,
    last_seq: l.last_seq,
    accounts: (await accountsOf(deps.db, l.id)).map((a) => ({
      id: a.id,
      coop: a.coop_uri,
      balance: a.balance,
      debit_limit: a.debit_limit,
      credit_limit: a.credit_limit,
    })),
  });

  app.get(`${PREFIX}/ledgers`, async (c) => {
    const me = optionalUser(c, "read");
    const rows = await deps.db
      .selectFrom("credit_ledgers")
      .selectAll()
      .orderBy("id")
      .limit(200)
      .execute();
    const out = [];
    for (const l of rows) {
      const group = await findGroupById(deps.db, l.group_id);
      if (group && (await canRead(deps.db, deps.config.origin, group, me)))
        out.push({ id: l.id, uri: l.uri, group: group.name, unit: l.unit, last_seq: l.last_seq });
    }
    return c.json(out);
  });

  app.post(`${PREFIX}/ledgers`, async (c) => {
    const me = requireUser(c, "write");
    const p = await readParams(c);
    const groupId = str(p.group_id);
    if (!groupId) throw unprocessable("group_id is required");
    const made = await createLedger(ctx, me, {
      groupId,
      settings: {
        unit: str(p.unit),
        defaultDebitLimit: int(p.default_debit_limit),
        defaultCreditLimit: int(p.default_credit_limit),
      },
    });
    if (!made.ok) throw problem(made.reason);
    const ledger = await findLedger(deps.db, made.value.id);
    if (!ledger) throw notFound();
    return c.json(await serializeLedger(ledger), 201);
  });

  app.get(`${PREFIX}/ledgers/:id`, async (c) => {
    const ledger = await readable(c.req.param("id"), optionalUser(c, "read"));
    return c.json(await serializeLedger(ledger));
  });

  app.get(`${PREFIX}/ledgers/:id/journal`, async (c) => {
    const ledger = await readable(c.req.param("id"), optionalUser(c, "read"));
    const after = int(c.req.query("after") ?? "0");
    const limit = int(c.req.query("limit") ?? "50");
    if (
      after === undefined ||
      after < 0 ||
      limit === undefined ||
      limit < 1 ||
      limit > MAX_JOURNAL_PAGE
    )
      throw unprocessable(
        `after (a journal number) and limit (1 to ${MAX_JOURNAL_PAGE}) must be whole numbers`,
      );
    const lines = await journalPage(deps.db, ledger.id, { afterSeq: after, limit });
    return c.json(lines);
  });

  app.get(`${PREFIX}/ledgers/:id/audit`, async (c) => {
    const ledger = await readable(c.req.param("id"), optionalUser(c, "read"));
    const report = await auditLedger(deps.db, ledger);
    return c.json({
      ok: report.ok,
      transfers: report.transfers,
      balances: Object.fromEntries(report.balances),
      problems: report.problems,
    });
  });

  app.put(`${PREFIX}/ledgers/:id/accounts/:account/limits`, async (c) => {
    const me = requireUser(c, "write");
    const ledger = await readable(c.req.param("id"), me);
    const p = await readParams(c);
    const done = await setLimits(ctx, me, {
      ledgerId: ledger.id,
      accountId: c.req.param("account"),
      limits: { debitLimit: int(p.debit_limit), creditLimit: int(p.credit_limit) },
    });
    if (!done.ok) throw problem(done.reason);
    return c.json(await serializeLedger(ledger));
  });

  app.post(`${PREFIX}/ledgers/:id/transfers`, async (c) => {
    const me = requireUser(c, "write");
    const ledger = await readable(c.req.param("id"), me);
    const p = await readParams(c);
    const payee = str(p.payee_account_id);
    if (!payee) throw unprocessable("payee_account_id is required");
    const paid = await payFromOurCoop(ctx, me, {
      ledgerId: ledger.id,
      payeeAccountId: payee,
      amount: int(p.amount),
      memo: str(p.memo) ?? "",
    });
    if (!paid.ok) throw problem(paid.reason);
    const t = paid.value;
    // A refusal is an outcome, kept in the journal's refused list: 409 with the reason.
    return c.json(
      { id: t.id, uri: t.uri, status: t.status, seq: t.seq, refused_reason: t.reason },
      t.status === "completed" ? 201 : 409,
    );
  });

  app.post(`${PREFIX}/credit-requests`, async (c) => {
    const me = requireUser(c, "write");
    const p = await readParams(c);
    const asked = await requestTransfer(ctx, me, {
      groupUri: str(p.group_uri),
      payeeUri: str(p.payee_uri),
      amount: int(p.amount),
      memo: str(p.memo) ?? "",
    });
    if (!asked.ok) throw problem(asked.reason);
    return c.json({ id: asked.value.id }, 202);
  });

  return app;
}
