/**
 * Settling fulfilled agreements paid in credit, on agreement rows written as
 * agreements (src/economy/agreements) writes them: the receiver's co-op pays the
 * provider's co-op the total price, once, with the agreement's Offer and Accept
 * as the two sides' signatures; on a ledger elsewhere the payer's node records
 * the request it will send.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  balancesOf,
  type CreditFixture,
  coopAt,
  creditFixture,
  OUR_COOP,
} from "../../../test/support/credit.ts";
import { newId } from "../../kernel/ids.ts";
import { settleAgreement, settlementParties } from "./settle.ts";

let f: CreditFixture;
before(async () => {
  f = await creditFixture({ coops: 2 });
});
after(() => f.handle.close());

async function agreement(input: {
  purpose: "offer" | "request";
  proposer: string;
  responder: string;
  groupUri: string | null;
  reciprocity?: "credit" | "gift";
  status?: "fulfilled" | "accepted";
  price?: number;
}) {
  const at = f.clock.now().toISOString();
  const proposalId = newId();
  await f.handle.db
    .insertInto("econ_proposals")
    .values({
      id: proposalId,
      uri: `https://x.example/proposals/${proposalId}`,
      local: 0,
      purpose: input.purpose,
      agent_uri: input.proposer,
      agent_kind: "person",
      account_id: null,
      group_uri: input.groupUri,
      spec_id: null,
      spec_uri: "https://x.example/specs/bread",
      name: "Bread",
      note: "",
      category: "food",
      unit: "one",
      quantity: 10_000,
      available: 5_000,
      minimum: 0,
      place_name: "",
      latitude: null,
      longitude: null,
      available_from: null,
      available_until: null,
      reciprocity: input.reciprocity ?? "credit",
      unit_price: 300,
      currency: "hours",
      action: "transfer",
      images: "[]",
      status: "open",
      published_at: at,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const id = newId();
  await f.handle.db
    .insertInto("econ_agreements")
    .values({
      id,
      uri: `https://x.example/agreements/${id}`,
      local: 1,
      proposal_id: proposalId,
      proposal_uri: `https://x.example/proposals/${proposalId}`,
      proposer_uri: input.proposer,
      responder_uri: input.responder,
      account_id: null,
      status: input.status ?? "fulfilled",
      quantity: 5_000,
      reciprocity: input.reciprocity ?? "credit",
      total_price: input.price ?? 1_500,
      currency: "hours",
      note: "",
      offer_activity_uri: `${input.responder}/offers/${id}`,
      answer_activity_uri: `${input.proposer}/accepts/${id}`,
      transfer_id: null,
      accepted_at: at,
      fulfilled_at: at,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

const person = (coop: string, name: string) => coop.replace("/users/coop", `/users/${name}`);
const fed = () => `${f.ctx.origin}/groups/fed`;

test("an offer's responder pays its proposer, through their co-ops, once", async () => {
  const id = await agreement({
    purpose: "offer",
    proposer: person(coopAt(1), "baker"),
    responder: person(coopAt(2), "cook"),
    groupUri: fed(),
  });
  const settled = await settleAgreement(f.ctx, { agreementId: id });
  assert.ok(settled.ok && settled.value.kind === "settled", JSON.stringify(settled));
  const b = await balancesOf(f.handle.db, f.ledger.id);
  assert.equal(b.of(coopAt(2)), -1_500);
  assert.equal(b.of(coopAt(1)), 1_500);
  const row = await f.handle.db
    .selectFrom("econ_agreements as a")
    .innerJoin("credit_transfers as t", "t.id", "a.transfer_id")
    .select(["t.payer_activity_uri", "t.payee_activity_uri", "t.agreement_uri", "a.uri"])
    .where("a.id", "=", id)
    .executeTakeFirstOrThrow();
  // The responder (the payer) sent the Offer; the proposer (the payee) the Accept.
  assert.equal(row.payer_activity_uri, `${person(coopAt(2), "cook")}/offers/${id}`);
  assert.equal(row.payee_activity_uri, `${person(coopAt(1), "baker")}/accepts/${id}`);
  assert.equal(row.agreement_uri, row.uri);
  const again = await settleAgreement(f.ctx, { agreementId: id });
  assert.deepEqual(again, { ok: true, value: { kind: "skipped", why: "already settled" } });
  assert.equal((await balancesOf(f.handle.db, f.ledger.id)).of(coopAt(2)), -1_500);
});

test("a request's proposer pays; gifts, unfinished and unknown agreements are left", async () => {
  const parties = settlementParties({
    purpose: "request",
    proposer_uri: person(coopAt(1), "a"),
    responder_uri: person(coopAt(2), "b"),
    offer_activity_uri: "https://coop2.example/o",
    answer_activity_uri: "https://coop1.example/a",
  });
  assert.equal(parties.payer, coopAt(1));
  assert.equal(parties.payee, coopAt(2));
  assert.equal(parties.payerActivityUri, "https://coop1.example/a");
  const gift = await agreement({
    purpose: "offer",
    proposer: person(coopAt(1), "a"),
    responder: person(coopAt(2), "b"),
    groupUri: fed(),
    reciprocity: "gift",
  });
  const open = await agreement({
    purpose: "offer",
    proposer: person(coopAt(1), "a"),
    responder: person(coopAt(2), "b"),
    groupUri: fed(),
    status: "accepted",
  });
  for (const id of [gift, open]) {
    const r = await settleAgreement(f.ctx, { agreementId: id });
    assert.ok(r.ok && r.value.kind === "skipped");
  }
  assert.deepEqual(await settleAgreement(f.ctx, { agreementId: "nope" }), {
    ok: false,
    reason: "not-found",
  });
});

test("a settlement past the payer's limit is refused with the reason and can be retried", async () => {
  const id = await agreement({
    purpose: "offer",
    proposer: person(coopAt(1), "a"),
    responder: person(OUR_COOP, "b"),
    groupUri: fed(),
    price: 10_001,
  });
  const r = await settleAgreement(f.ctx, { agreementId: id });
  assert.ok(r.ok && r.value.kind === "refused" && r.value.reason === "payer-over-debit-limit");
  const a = await f.handle.db
    .selectFrom("econ_agreements")
    .select("transfer_id")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(a.transfer_id, null);
});

test("a ledger elsewhere: only the payer's node asks it, once", async () => {
  const elsewhere = "https://coop1.example/groups/market";
  const ours = await agreement({
    purpose: "offer",
    proposer: person(coopAt(1), "a"),
    responder: person(OUR_COOP, "b"),
    groupUri: elsewhere,
  });
  const first = await settleAgreement(f.ctx, { agreementId: ours });
  assert.ok(first.ok && first.value.kind === "requested");
  const second = await settleAgreement(f.ctx, { agreementId: ours });
  assert.deepEqual(second, first);
  const requests = await f.handle.db.selectFrom("credit_requests").selectAll().execute();
  assert.equal(requests.length, 1);
  assert.equal(requests[0]?.ledger_uri, `${elsewhere}/ledger`);
  assert.equal(requests[0]?.payer_uri, OUR_COOP);
  assert.equal((await f.events("credit.transfer.requested")).length, 1);
  const theirs = await agreement({
    purpose: "request",
    proposer: person(coopAt(1), "a"),
    responder: person(OUR_COOP, "b"),
    groupUri: elsewhere,
  });
  const r = await settleAgreement(f.ctx, { agreementId: theirs });
  assert.ok(r.ok && r.value.kind === "skipped");
});
