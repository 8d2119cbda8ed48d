/**
 * FEP-0837 across two real nodes (127.0.203.x): the co-op of A publishes an
 * offer (Create(Proposal) to its followers), the co-op of B responds from its
 * copy (Offer(Agreement)), A accepts (Accept with the finalized Agreement) and
 * records the delivery (an EconomicEvent, by reference): both nodes see the
 * agreement fulfilled and the stocks moved on each side; the thread's messages
 * reach the other party; a rejection carries its reason; the agreement's
 * document is served to its parties' servers only.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { recordEvent } from "../src/db/outbox.ts";
import { acceptAgreement, rejectAgreement } from "../src/economy/agreements/answers.ts";
import type { Acting, AgreementsContext } from "../src/economy/agreements/context.ts";
import { recordEconomicEvent } from "../src/economy/agreements/fulfilment.ts";
import { postMessage } from "../src/economy/agreements/messages.ts";
import { offerAgreement } from "../src/economy/agreements/offers.ts";
import { stocksOf } from "../src/economy/agreements/reads.ts";
import { followRemote, waitFor } from "../src/federation/testing.ts";
import { coopUri, memberUri } from "../src/kernel/uris.ts";
import { publishProposal, VEG_SPEC } from "./support/economy.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
const stops: (() => Promise<void>)[] = [];
let anaCoop: Acting;
let benCoop: Acting;
let bea: Acting;
const SLOW = 120_000;
const waitLong = <T>(what: string, check: () => Promise<T>) => waitFor(what, check, SLOW);
const ctxOf = (n: TestNode): AgreementsContext => ({
  db: n.node.db.db,
  origin: n.url,
  clock: n.node.federation.deps.clock,
});

before(async () => {
  const env = { SYNCO_LOG_LEVEL: process.env.ECONOMY_LOG ?? "error" };
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.203.1", env }),
    startTestNode({ host: "127.0.203.2", env }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  const ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  const ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  const beaRow = await createMember(b, { username: "bea", password: "password123" });
  anaCoop = { accountId: ana.id, username: "ana", role: "admin", agentUri: coopUri(a.url) };
  benCoop = { accountId: ben.id, username: "ben", role: "admin", agentUri: coopUri(b.url) };
  bea = {
    accountId: beaRow.id,
    username: "bea",
    role: "member",
    agentUri: memberUri(b.url, "bea"),
  };
  // B hears of A's co-op's proposals as a follower.
  await followRemote(b.node, ben, `coop@${a.domain}`);
  await waitLong("ben's follow of A's co-op is accepted", async () => {
    const row = await b.node.db.db
      .selectFrom("follows")
      .select("status")
      .where("follower_account_id", "=", ben.id)
      .executeTakeFirst();
    return row?.status === "accepted";
  });
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

/** Publishes as the marketplace does: the row and its event in one transaction. */
async function publish(overrides: Parameters<typeof publishProposal>[2] = {}) {
  return a.node.db.db.transaction().execute(async (trx) => {
    const p = await publishProposal(trx, a.url, overrides);
    await recordEvent(trx, { type: "economy.proposal.created", payload: { proposalId: p.id } });
    return p;
  });
}

const copyOn = (n: TestNode, uri: string) =>
  n.node.db.db.selectFrom("econ_proposals").selectAll().where("uri", "=", uri).executeTakeFirst();
const agreementOn = (n: TestNode, offerUri: string) =>
  n.node.db.db
    .selectFrom("econ_agreements")
    .selectAll()
    .where("offer_activity_uri", "=", offerUri)
    .executeTakeFirst();

test("offer on A, respond from B, accept on A, fulfil: both see it fulfilled, stocks moved", async () => {
  const p = await publish();
  const copy = await waitLong("B keeps a copy of A's proposal", () => copyOn(b, p.uri));
  assert.equal(copy.local, 0);
  assert.equal(copy.agent_uri, coopUri(a.url));
  assert.equal(copy.agent_kind, "coop");
  assert.equal(copy.available, 10_000);
  assert.equal(copy.unit_price, 250);
  assert.equal(copy.reciprocity, "money");
  assert.equal(copy.currency, "EUR");

  const offered = await offerAgreement(ctxOf(b), benCoop, {
    proposalId: copy.id,
    quantity: 2_500,
    note: "For our canteen",
  });
  assert.ok(offered.ok, JSON.stringify(offered));
  const onB = await b.node.db.db
    .selectFrom("econ_agreements")
    .selectAll()
    .where("id", "=", offered.value.id)
    .executeTakeFirstOrThrow();
  const onA = await waitLong("A has the Offer", () => agreementOn(a, onB.offer_activity_uri));
  assert.equal(onA.local, 1);
  assert.equal(onA.uri, onB.uri);
  assert.equal(onA.responder_uri, coopUri(b.url));
  assert.equal(onA.quantity, 2_500);
  assert.equal(onA.total_price, 625);
  assert.equal(onA.note, "For our canteen");

  assert.ok((await acceptAgreement(ctxOf(a), anaCoop, onA.id)).ok);
  await waitLong("B sees the agreement accepted", async () => {
    const row = await agreementOn(b, onB.offer_activity_uri);
    return row?.status === "accepted" && row.answer_activity_uri ? row : null;
  });
  await waitLong("B's copy shows what is left", async () => {
    const row = await copyOn(b, p.uri);
    return row?.available === 7_500;
  });

  const primary = await a.node.db.db
    .selectFrom("econ_commitments")
    .select("id")
    .where("agreement_id", "=", onA.id)
    .where("reciprocal", "=", 0)
    .executeTakeFirstOrThrow();
  const delivered = await recordEconomicEvent(ctxOf(a), anaCoop, {
    agreementId: onA.id,
    commitmentId: primary.id,
    quantity: 2_500,
    note: "Delivered",
  });
  assert.ok(delivered.ok && delivered.value.fulfilled);
  await waitLong("B sees the agreement fulfilled", async () => {
    const row = await agreementOn(b, onB.offer_activity_uri);
    return row?.status === "fulfilled";
  });
  const eventsOnB = await b.node.db.db
    .selectFrom("econ_events")
    .select(["uri", "quantity", "recorded_by_uri", "note"])
    .where("agreement_id", "=", onB.id)
    .execute();
  assert.equal(eventsOnB.length, 1);
  assert.equal(eventsOnB[0]?.quantity, 2_500);
  assert.equal(eventsOnB[0]?.recorded_by_uri, coopUri(a.url));
  // Each node moves the stocks of its own agents.
  assert.deepEqual(
    (await stocksOf(ctxOf(a), coopUri(a.url))).map((s) => [s.spec_uri, s.on_hand]),
    [[VEG_SPEC, -2_500]],
  );
  assert.deepEqual(
    (await stocksOf(ctxOf(b), coopUri(b.url))).map((s) => [s.spec_uri, s.on_hand]),
    [[VEG_SPEC, 2_500]],
  );
  assert.equal((await stocksOf(ctxOf(b), coopUri(a.url))).length, 0);
  // Both record the fulfilment for the ledger.
  for (const n of [a, b]) {
    const fulfilled = await n.node.db.db
      .selectFrom("outbox_events")
      .select("payload")
      .where("type", "=", "economy.agreement.fulfilled")
      .execute();
    assert.equal(fulfilled.length, 1);
  }

  // The thread: B writes, A reads.
  assert.ok(
    (await postMessage(ctxOf(b), benCoop, { agreementId: onB.id, body: "Thanks, all good" })).ok,
  );
  const message = await waitLong("A has B's message", () =>
    a.node.db.db
      .selectFrom("econ_messages")
      .selectAll()
      .where("agreement_id", "=", onA.id)
      .executeTakeFirst(),
  );
  assert.equal(message.author_uri, coopUri(b.url));
  assert.equal(message.body, "Thanks, all good");

  // The agreement's document: to its parties' servers, not to an unsigned fetch.
  const res = await fetch(onB.uri, { headers: { accept: "application/activity+json" } });
  assert.equal(res.status, 404);
});

test("a member's offer rejected on A: B sees the reason", async () => {
  const p = await publish({ name: "Apples" });
  const copy = await waitLong("B keeps a copy", () => copyOn(b, p.uri));
  const offered = await offerAgreement(ctxOf(b), bea, {
    proposalId: copy.id,
    quantity: 1_000,
    note: "",
  });
  assert.ok(offered.ok);
  const offer = await b.node.db.db
    .selectFrom("econ_agreements")
    .select("offer_activity_uri")
    .where("id", "=", offered.value.id)
    .executeTakeFirstOrThrow();
  const onA = await waitLong("A has bea's Offer", () => agreementOn(a, offer.offer_activity_uri));
  assert.equal(onA.responder_uri, memberUri(b.url, "bea"));
  // Bea cannot answer it (not the proposer), nor can A's co-op accept for someone else.
  assert.ok((await rejectAgreement(ctxOf(a), anaCoop, onA.id, "Only for co-ops")).ok);
  const onB = await waitLong("B sees the rejection", async () => {
    const row = await agreementOn(b, offer.offer_activity_uri);
    return row?.status === "rejected" ? row : null;
  });
  assert.equal(onB.answer_note, "Only for co-ops");
  // Nothing was taken.
  assert.equal((await copyOn(a, p.uri))?.available, 10_000);
});
