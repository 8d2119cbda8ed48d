/**
 * Agreements on one node: respond, accept (taking from what is available),
 * reject, withdraw, fulfil with economic events that move stocks, the thread,
 * reports, export and deletion. Bad input changes nothing. SQLite, or
 * PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../../test/support/db.ts";
import { publishProposal, VEG_SPEC } from "../../../test/support/economy.ts";
import { createAccount } from "../../accounts/accounts.ts";
import type { Db } from "../../db/database.ts";
import { fixedClock } from "../../kernel/clock.ts";
import { coopUri, memberUri } from "../../kernel/uris.ts";
import { acceptAgreement, cancelAgreement, rejectAgreement } from "./answers.ts";
import type { Acting, AgreementsContext } from "./context.ts";
import { agreementsContributor } from "./data.ts";
import { recordEconomicEvent, recordLedgerPayment } from "./fulfilment.ts";
import { hideMessage, postMessage, reportMessage } from "./messages.ts";
import { offerAgreement } from "./offers.ts";
import { agreementsOf, agreementView, stocksOf } from "./reads.ts";

const ORIGIN = "https://one.example";
let handle: Db;
let ctx: AgreementsContext;
let coopAdmin: Acting;
let bea: Acting;
let cyd: Acting;
before(async () => {
  handle = await testDatabase();
  ctx = { db: handle.db, origin: ORIGIN, clock: fixedClock(new Date("2026-03-02T09:00:00Z")) };
  const made = async (username: string, role: "admin" | "member") => {
    const r = await createAccount(
      handle.db,
      { username, email: `${username}@example.test`, password: "long enough pass", role },
      { passwordCost: 8 },
    );
    assert.ok(r.ok);
    return r.value.id;
  };
  coopAdmin = {
    accountId: await made("ada", "admin"),
    username: "ada",
    role: "admin",
    agentUri: coopUri(ORIGIN),
  };
  bea = {
    accountId: await made("bea", "member"),
    username: "bea",
    role: "member",
    agentUri: memberUri(ORIGIN, "bea"),
  };
  cyd = {
    accountId: await made("cyd", "member"),
    username: "cyd",
    role: "member",
    agentUri: memberUri(ORIGIN, "cyd"),
  };
});
after(() => handle.close());

const available = async (id: string) =>
  await handle.db
    .selectFrom("econ_proposals")
    .select(["available", "status"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
const counts = async () => ({
  agreements: (await handle.db.selectFrom("econ_agreements").select("id").execute()).length,
  events: (await handle.db.selectFrom("econ_events").select("id").execute()).length,
  messages: (await handle.db.selectFrom("econ_messages").select("id").execute()).length,
  outbox: (await handle.db.selectFrom("outbox_events").select("id").execute()).length,
});

test("respond, accept, fulfil: available falls, stocks move, the agreement is fulfilled", async () => {
  const p = await publishProposal(handle.db, ORIGIN);
  const offered = await offerAgreement(ctx, bea, {
    proposalId: p.id,
    quantity: 2_500,
    note: "Friday",
  });
  assert.ok(offered.ok);
  let view = await agreementView(ctx, offered.value.id);
  assert.ok(view);
  assert.equal(view.agreement.status, "offered");
  assert.equal(view.agreement.total_price, 625); // 2.5 kg × 2.50
  assert.deepEqual(
    view.commitments.map((c) => [c.reciprocal, c.provider_uri, c.receiver_uri, c.quantity, c.unit]),
    [
      [0, coopUri(ORIGIN), bea.agentUri, 2_500, "kilogram"],
      [1, bea.agentUri, coopUri(ORIGIN), 625, "EUR"],
    ],
  );
  // Offering takes nothing yet.
  assert.equal((await available(p.id)).available, 10_000);

  // Only the proposal's agent answers; a member cannot act for the co-op.
  assert.deepEqual(await acceptAgreement(ctx, bea, offered.value.id), {
    ok: false,
    reason: "not-allowed",
  });
  assert.deepEqual(
    await acceptAgreement(ctx, { ...cyd, agentUri: coopUri(ORIGIN) }, offered.value.id),
    { ok: false, reason: "not-allowed" },
  );
  const accepted = await acceptAgreement(ctx, coopAdmin, offered.value.id);
  assert.ok(accepted.ok);
  assert.equal((await available(p.id)).available, 7_500);
  assert.deepEqual(await acceptAgreement(ctx, coopAdmin, offered.value.id), {
    ok: false,
    reason: "already-answered",
  });

  view = await agreementView(ctx, offered.value.id);
  assert.ok(view);
  const primary = view.commitments.find((c) => c.reciprocal === 0);
  assert.ok(primary);
  // A stranger cannot record; a party records a part, then the rest.
  assert.deepEqual(
    await recordEconomicEvent(ctx, cyd, {
      agreementId: offered.value.id,
      commitmentId: primary.id,
      quantity: 1_000,
      note: "",
    }),
    { ok: false, reason: "not-allowed" },
  );
  const part = await recordEconomicEvent(ctx, coopAdmin, {
    agreementId: offered.value.id,
    commitmentId: primary.id,
    quantity: 1_000,
    note: "first crate",
  });
  assert.deepEqual(part, {
    ok: true,
    value: { id: part.ok ? part.value.id : "", fulfilled: false },
  });
  const rest = await recordEconomicEvent(ctx, bea, {
    agreementId: offered.value.id,
    commitmentId: primary.id,
    quantity: 1_500,
    note: "",
  });
  assert.ok(rest.ok && rest.value.fulfilled);
  view = await agreementView(ctx, offered.value.id);
  assert.equal(view?.agreement.status, "fulfilled");
  assert.equal(view?.events.length, 2);
  const coopStock = await stocksOf(ctx, coopUri(ORIGIN));
  const beaStock = await stocksOf(ctx, bea.agentUri);
  assert.deepEqual(
    coopStock.map((s) => [s.spec_uri, s.on_hand]),
    [[VEG_SPEC, -2_500]],
  );
  assert.deepEqual(
    beaStock.map((s) => [s.spec_uri, s.on_hand, s.name]),
    [[VEG_SPEC, 2_500, "Vegetables"]],
  );
  const types = (
    await handle.db.selectFrom("outbox_events").select("type").orderBy("id").execute()
  ).map((e) => e.type);
  assert.deepEqual(types, [
    "economy.agreement.offered",
    "economy.agreement.accepted",
    "economy.proposal.updated",
    "economy.event.recorded",
    "economy.event.recorded",
    "economy.agreement.fulfilled",
  ]);
  // No more events once fulfilled.
  assert.deepEqual(
    await recordEconomicEvent(ctx, bea, {
      agreementId: offered.value.id,
      commitmentId: primary.id,
      quantity: 1,
      note: "",
    }),
    { ok: false, reason: "not-accepted" },
  );
});

test("credit is given in return by the ledger: never by hand, counted once when it pays", async () => {
  const p = await publishProposal(handle.db, ORIGIN, {
    reciprocity: "credit",
    unit_price: 300,
    currency: "hours",
  });
  const offered = await offerAgreement(ctx, cyd, { proposalId: p.id, quantity: 2_000, note: "" });
  assert.ok(offered.ok);
  const id = offered.value.id;
  assert.ok((await acceptAgreement(ctx, coopAdmin, id)).ok);
  const commitments = (await agreementView(ctx, id))?.commitments ?? [];
  const [primary, inReturn] = [0, 1].map((r) => commitments.find((c) => c.reciprocal === r));
  assert.ok(primary && inReturn);
  assert.equal(inReturn.quantity, 600);
  // A party's word is not a payment in credit: only the ledger moves credit.
  assert.deepEqual(
    await recordEconomicEvent(ctx, cyd, {
      agreementId: id,
      commitmentId: inReturn.id,
      quantity: 600,
      note: "paid",
    }),
    { ok: false, reason: "paid-by-ledger" },
  );
  const delivered = await recordEconomicEvent(ctx, coopAdmin, {
    agreementId: id,
    commitmentId: primary.id,
    quantity: 2_000,
    note: "",
  });
  assert.ok(delivered.ok && delivered.value.fulfilled);
  // The ledger paid (credit/settle.ts calls this with the transfer): in return, 600 of 600.
  const now = "2026-03-02T10:00:00.000Z";
  const paid = await recordLedgerPayment(handle.db, ORIGIN, {
    agreementId: id,
    amount: 600,
    note: "",
    now,
  });
  assert.ok(paid);
  const again = await recordLedgerPayment(handle.db, ORIGIN, {
    agreementId: id,
    amount: 600,
    note: "",
    now,
  });
  assert.equal(again, null, "a settlement seen twice counts once");
  const view = await agreementView(ctx, id);
  assert.deepEqual(
    view?.commitments.map((c) => [c.reciprocal, c.fulfilled, c.quantity]),
    [
      [0, 2_000, 2_000],
      [1, 600, 600],
    ],
  );
  const payment = view?.events.find((e) => e.id === paid.id);
  assert.equal(payment?.action, "transfer");
  assert.equal(payment?.commitment_id, inReturn.id);
  assert.equal(view?.agreement.status, "fulfilled");
  // Told to the other party like any event; fulfilled once only.
  const told = await handle.db
    .selectFrom("outbox_events")
    .select(["type", "payload"])
    .where("type", "in", ["economy.event.recorded", "economy.agreement.fulfilled"])
    .execute();
  const mine = told.filter((e) => JSON.stringify(e.payload).includes(id)).map((e) => e.type);
  assert.deepEqual(mine.sort(), [
    "economy.agreement.fulfilled",
    "economy.event.recorded",
    "economy.event.recorded",
  ]);
});

test("bad offers change nothing", async () => {
  const p = await publishProposal(handle.db, ORIGIN, { available: 3_000, minimum: 1_000 });
  const before = await counts();
  const tries: [Parameters<typeof offerAgreement>[2], Acting, string][] = [
    [{ proposalId: p.id, quantity: 0, note: "" }, bea, "bad-quantity"],
    [{ proposalId: p.id, quantity: -5, note: "" }, bea, "bad-quantity"],
    [{ proposalId: p.id, quantity: 1.5, note: "" }, bea, "bad-quantity"],
    [{ proposalId: p.id, quantity: 500, note: "" }, bea, "below-minimum"],
    [{ proposalId: p.id, quantity: 3_001, note: "" }, bea, "not-enough-available"],
    [{ proposalId: p.id, quantity: 1_000, note: "x".repeat(2001) }, bea, "note-too-long"],
    [{ proposalId: "nope", quantity: 1_000, note: "" }, bea, "proposal-not-found"],
    [{ proposalId: p.id, quantity: 1_000, note: "" }, coopAdmin, "own-proposal"],
    [
      { proposalId: p.id, quantity: 1_000, note: "" },
      { ...bea, agentUri: coopUri(ORIGIN) },
      "not-allowed",
    ],
  ];
  for (const [input, who, reason] of tries)
    assert.deepEqual(await offerAgreement(ctx, who, input), { ok: false, reason }, reason);
  assert.deepEqual(await counts(), before);
  const closed = await publishProposal(handle.db, ORIGIN, { status: "closed" });
  assert.deepEqual(
    await offerAgreement(ctx, bea, { proposalId: closed.id, quantity: 1_000, note: "" }),
    { ok: false, reason: "proposal-closed" },
  );
  const expired = await publishProposal(handle.db, ORIGIN, {
    available_until: "2026-03-01T00:00:00.000Z",
  });
  assert.deepEqual(
    await offerAgreement(ctx, bea, { proposalId: expired.id, quantity: 1_000, note: "" }),
    { ok: false, reason: "proposal-closed" },
  );
});

test("the last units go to one responder; reject and withdraw take nothing", async () => {
  const p = await publishProposal(handle.db, ORIGIN, { available: 2_000, minimum: 0 });
  const one = await offerAgreement(ctx, bea, { proposalId: p.id, quantity: 2_000, note: "" });
  const two = await offerAgreement(ctx, cyd, { proposalId: p.id, quantity: 2_000, note: "" });
  const three = await offerAgreement(ctx, cyd, { proposalId: p.id, quantity: 1_000, note: "" });
  assert.ok(one.ok && two.ok && three.ok);
  assert.ok((await acceptAgreement(ctx, coopAdmin, one.value.id)).ok);
  assert.deepEqual(await available(p.id), { available: 0, status: "closed" });
  assert.deepEqual(await acceptAgreement(ctx, coopAdmin, two.value.id), {
    ok: false,
    reason: "proposal-closed",
  });
  assert.equal((await agreementView(ctx, two.value.id))?.agreement.status, "offered");
  const rejected = await rejectAgreement(ctx, coopAdmin, two.value.id, "All gone");
  assert.ok(rejected.ok);
  const view = await agreementView(ctx, two.value.id);
  assert.equal(view?.agreement.status, "rejected");
  assert.equal(view?.agreement.answer_note, "All gone");
  // Only the responder withdraws, and only an unanswered offer.
  assert.deepEqual(await cancelAgreement(ctx, bea, three.value.id), {
    ok: false,
    reason: "not-allowed",
  });
  assert.ok((await cancelAgreement(ctx, cyd, three.value.id)).ok);
  assert.deepEqual(await cancelAgreement(ctx, cyd, three.value.id), {
    ok: false,
    reason: "already-answered",
  });
  const mine = await agreementsOf(ctx, [cyd.agentUri]);
  assert.deepEqual(
    mine
      .filter((a) => a.proposal_id === p.id)
      .map((a) => a.status)
      .sort(),
    ["cancelled", "rejected"],
  );
});

test("the thread: parties only, reports to moderators, hiding", async () => {
  const p = await publishProposal(handle.db, ORIGIN);
  const a = await offerAgreement(ctx, bea, { proposalId: p.id, quantity: 1_000, note: "" });
  assert.ok(a.ok);
  const said = await postMessage(ctx, bea, {
    agreementId: a.value.id,
    body: "  Can I pick up at 6?  ",
  });
  assert.ok(said.ok);
  assert.ok((await postMessage(ctx, coopAdmin, { agreementId: a.value.id, body: "Yes" })).ok);
  const before = await counts();
  assert.deepEqual(await postMessage(ctx, cyd, { agreementId: a.value.id, body: "Me too" }), {
    ok: false,
    reason: "not-allowed",
  });
  assert.deepEqual(await postMessage(ctx, bea, { agreementId: a.value.id, body: "   " }), {
    ok: false,
    reason: "bad-body",
  });
  assert.deepEqual(
    await postMessage(ctx, bea, { agreementId: a.value.id, body: "x".repeat(5001) }),
    { ok: false, reason: "bad-body" },
  );
  assert.deepEqual(await counts(), before);
  const view = await agreementView(ctx, a.value.id);
  assert.deepEqual(
    view?.messages.map((m) => [m.author_uri, m.body]),
    [
      [bea.agentUri, "Can I pick up at 6?"],
      [coopUri(ORIGIN), "Yes"],
    ],
  );
  const reported = await reportMessage(
    ctx,
    { accountId: coopAdmin.accountId, uri: memberUri(ORIGIN, "ada") },
    { messageId: said.value.id, comment: "Rude" },
  );
  assert.ok(reported.ok);
  assert.deepEqual(
    await hideMessage(
      ctx,
      { role: "member", uri: bea.agentUri },
      { messageId: said.value.id, hidden: true },
    ),
    { ok: false, reason: "not-allowed" },
  );
  assert.ok(
    (
      await hideMessage(
        ctx,
        { role: "admin", uri: memberUri(ORIGIN, "ada") },
        { messageId: said.value.id, hidden: true },
      )
    ).ok,
  );
  const report = await handle.db
    .selectFrom("reports")
    .select(["status", "target_uri"])
    .where("id", "=", reported.value.id)
    .executeTakeFirstOrThrow();
  assert.equal(report.status, "resolved");
  const hidden = await agreementView(ctx, a.value.id);
  assert.equal(hidden?.messages[0]?.hidden, 1);
});

test("export holds a member's agreements; deletion keeps them, attributed to the co-op", async () => {
  const contributor = agreementsContributor(ORIGIN);
  const exported = (await contributor.export(handle.db, bea.accountId)) as {
    agreements: { responder_uri: string }[];
    messages: unknown[];
    stocks: { on_hand: number }[];
  };
  assert.ok(exported.agreements.length >= 3);
  assert.ok(exported.agreements.every((a) => a.responder_uri === bea.agentUri));
  assert.ok(exported.messages.length >= 1);
  assert.deepEqual(
    exported.stocks.map((s) => s.on_hand),
    [2_500],
  );
  const count = exported.agreements.length;
  await handle.db
    .transaction()
    .execute((trx) => contributor.erase(trx, bea.accountId, "2026-03-03T00:00:00.000Z"));
  const left = await handle.db
    .selectFrom("econ_agreements")
    .select(["responder_uri", "account_id"])
    .where("responder_uri", "in", [bea.agentUri, coopUri(ORIGIN)])
    .execute();
  assert.equal(left.filter((a) => a.responder_uri === bea.agentUri).length, 0);
  assert.equal(left.filter((a) => a.responder_uri === coopUri(ORIGIN)).length, count);
  assert.ok(left.every((a) => a.account_id !== bea.accountId));
  assert.equal((await stocksOf(ctx, bea.agentUri)).length, 0);
  const authored = await handle.db
    .selectFrom("econ_messages")
    .select("author_uri")
    .where("author_uri", "=", bea.agentUri)
    .execute();
  assert.equal(authored.length, 0);
});
