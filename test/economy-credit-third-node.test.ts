/**
 * Mutual credit with the ledger on a third node (issue 20's gap), across three
 * real nodes (127.0.237.x): L hosts a federation of co-ops and its ledger; the
 * co-ops of A and B are members, and neither runs the ledger. A's co-op offers
 * vegetables for credit; B's co-op responds from its copy; A accepts and
 * records the delivery. B's node (the payer's) asks L's ledger for the
 * transfer; L posts it and answers with the Group's Accept; B records the
 * payment as what was given in return and tells A, so the agreement's "in
 * return" line reads 6 of 6 hours on both. A transfer over a limit is answered
 * with a Reject and its reason, and pays nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { recordEvent } from "../src/db/outbox.ts";
import { acceptAgreement } from "../src/economy/agreements/answers.ts";
import type { Acting, AgreementsContext } from "../src/economy/agreements/context.ts";
import { recordEconomicEvent } from "../src/economy/agreements/fulfilment.ts";
import { offerAgreement } from "../src/economy/agreements/offers.ts";
import { createLedger, findLedger, type Ledger } from "../src/economy/credit/ledgers.ts";
import { requestTransfer } from "../src/economy/credit/requests.ts";
import { auditRemoteLedger } from "../src/federation/credit/audit.ts";
import { followRemote, waitFor } from "../src/federation/testing.ts";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup } from "../src/groups/groups.ts";
import { coopUri } from "../src/kernel/uris.ts";
import { publishProposal } from "./support/economy.ts";
import { joinFederationOn } from "./support/federations.ts";
import { createMember, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let l: TestNode;
let a: TestNode;
let b: TestNode;
let ledger: Ledger;
let groupUri: string;
let anaCoop: Acting;
let benCoop: Acting;
const stops: (() => Promise<void>)[] = [];
const SLOW = 120_000;
const ctxOf = (n: TestNode): AgreementsContext => ({
  db: n.node.db.db,
  origin: n.url,
  clock: n.node.federation.deps.clock,
});

before(async () => {
  const env = { SYNCO_LOG_LEVEL: "error" };
  [l, a, b] = await Promise.all([
    startTestNode({ host: "127.0.237.1", env }),
    startTestNode({ host: "127.0.237.2", env }),
    startTestNode({ host: "127.0.237.3", env }),
  ]);
  for (const n of [l, a, b]) stops.push(await n.node.startWorker());
  const lea = await createMember(l, { username: "lea", password: "password123", role: "admin" });
  const ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  const ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  anaCoop = { accountId: ana.id, username: "ana", role: "admin", agentUri: coopUri(a.url) };
  benCoop = { accountId: ben.id, username: "ben", role: "admin", agentUri: coopUri(b.url) };
  const made = await createGroup(socialOf(l), lea, {
    name: "veg",
    kind: "federation",
    displayName: "Vegetable co-ops",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  assert.ok((await joinWithOurCoop(socialOf(l), lea, { group: made.value })).ok);
  groupUri = await joinFederationOn(l, a, ana, "veg");
  assert.equal(await joinFederationOn(l, b, ben, "veg"), groupUri);
  const opened = await createLedger(socialOf(l), lea, {
    groupId: made.value.id,
    settings: { unit: "hours", defaultDebitLimit: 50_000, defaultCreditLimit: 50_000 },
  });
  assert.ok(opened.ok, JSON.stringify(opened));
  const found = await findLedger(l.node.db.db, opened.value.id);
  assert.ok(found);
  ledger = found;
  // B hears of A's co-op's proposals as a follower.
  await followRemote(b.node, ben, `coop@${a.domain}`);
  await waitFor(
    "ben's follow of A's co-op is accepted",
    async () =>
      (
        await b.node.db.db
          .selectFrom("follows")
          .select("status")
          .where("follower_account_id", "=", ben.id)
          .executeTakeFirst()
      )?.status === "accepted",
    SLOW,
  );
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([l?.close(), a?.close(), b?.close()]);
});

test("an offer on A, accepted from B, fulfilled: L's ledger posts B's request, answers it, and both parties count the payment", async () => {
  const p = await a.node.db.db.transaction().execute(async (trx) => {
    const row = await publishProposal(trx, a.url, {
      group_uri: groupUri,
      reciprocity: "credit",
      unit_price: 300,
      currency: "hours",
    });
    await recordEvent(trx, { type: "economy.proposal.created", payload: { proposalId: row.id } });
    return row;
  });
  const copy = await waitFor(
    "B keeps a copy of A's offer",
    () =>
      b.node.db.db
        .selectFrom("econ_proposals")
        .selectAll()
        .where("uri", "=", p.uri)
        .executeTakeFirst(),
    SLOW,
  );
  assert.equal(copy.reciprocity, "credit");
  const offered = await offerAgreement(ctxOf(b), benCoop, {
    proposalId: copy.id,
    quantity: 2_000,
    note: "",
  });
  assert.ok(offered.ok, JSON.stringify(offered));
  const onB = await b.node.db.db
    .selectFrom("econ_agreements")
    .selectAll()
    .where("id", "=", offered.value.id)
    .executeTakeFirstOrThrow();
  const onA = await waitFor(
    "A has B's offer",
    () =>
      a.node.db.db
        .selectFrom("econ_agreements")
        .selectAll()
        .where("offer_activity_uri", "=", onB.offer_activity_uri)
        .executeTakeFirst(),
    SLOW,
  );
  assert.equal(onA.total_price, 600);
  assert.ok((await acceptAgreement(ctxOf(a), anaCoop, onA.id)).ok);
  await waitFor(
    "B sees it accepted",
    async () =>
      (
        await b.node.db.db
          .selectFrom("econ_agreements")
          .select("status")
          .where("id", "=", onB.id)
          .executeTakeFirst()
      )?.status === "accepted",
    SLOW,
  );
  const primary = await a.node.db.db
    .selectFrom("econ_commitments")
    .select("id")
    .where("agreement_id", "=", onA.id)
    .where("reciprocal", "=", 0)
    .executeTakeFirstOrThrow();
  const delivered = await recordEconomicEvent(ctxOf(a), anaCoop, {
    agreementId: onA.id,
    commitmentId: primary.id,
    quantity: 2_000,
    note: "Delivered",
  });
  assert.ok(delivered.ok && delivered.value.fulfilled);
  await waitFor(
    "B sees it fulfilled",
    async () =>
      (
        await b.node.db.db
          .selectFrom("econ_agreements")
          .select("status")
          .where("id", "=", onB.id)
          .executeTakeFirst()
      )?.status === "fulfilled",
    SLOW,
  );
  // B's node (the payer's) asks L's ledger; L posts the transfer and answers with an Accept.
  const request = await waitFor(
    "B's request is answered by the ledger",
    async () => {
      const row = await b.node.db.db
        .selectFrom("credit_requests")
        .selectAll()
        .where("agreement_uri", "=", onB.uri)
        .executeTakeFirst();
      return row?.status ? row : null;
    },
    SLOW,
  );
  assert.equal(request.status, "completed");
  assert.equal(request.reason, null);
  const transfers = await l.node.db.db
    .selectFrom("credit_transfers")
    .select(["uri", "amount", "status"])
    .where("agreement_uri", "=", onA.uri)
    .execute();
  assert.deepEqual(
    transfers.map((t) => [t.uri, Number(t.amount), t.status]),
    [[request.transfer_uri, 600, "completed"]],
  );
  // Neither party's node runs the ledger: none posted a transfer of its own.
  for (const n of [a, b])
    assert.equal(
      (await n.node.db.db.selectFrom("credit_transfers").select("id").execute()).length,
      0,
    );
  const audited = await auditRemoteLedger(a.node.federation, ledger.uri);
  assert.ok(audited.ok);
  assert.deepEqual(audited.report.problems, []);
  assert.equal(audited.report.balances.get(coopUri(a.url)), 600);
  assert.equal(audited.report.balances.get(coopUri(b.url)), -600);
  // The payment fulfils what is given in return, on B (the ledger's answer) and on A
  // (told as an economic event by B's co-op, the party there).
  const inReturn = async (n: TestNode, agreementId: string) =>
    (
      await n.node.db.db
        .selectFrom("econ_commitments")
        .select(["fulfilled", "quantity"])
        .where("agreement_id", "=", agreementId)
        .where("reciprocal", "=", 1)
        .executeTakeFirstOrThrow()
    ).fulfilled;
  assert.equal(await inReturn(b, onB.id), 600);
  await waitFor("A counts the payment", async () => (await inReturn(a, onA.id)) === 600, SLOW);
  for (const [n, who, id] of [
    [a, "ana", onA.id],
    [b, "ben", onB.id],
  ] as const) {
    const page = await (
      await (await signIn(n, who, "password123")).get(`/economy/agreements/${id}`)
    ).text();
    const line = /<li>In return:([\s\S]*?)<\/li>/.exec(page)?.[1] ?? "";
    assert.match(line, /<progress max="600" value="600">/, `${who}'s page: ${line}`);
  }
});

test("a transfer over the payer's limit: the ledger answers with a Reject and its reason", async () => {
  const asked = await requestTransfer(
    socialOf(a),
    { id: anaCoop.accountId, username: "ana" },
    {
      groupUri,
      payeeUri: coopUri(b.url),
      amount: 60_000,
      memo: "Too much",
    },
  );
  assert.ok(asked.ok, JSON.stringify(asked));
  const answered = await waitFor(
    "A's request is answered",
    async () => {
      const row = await a.node.db.db
        .selectFrom("credit_requests")
        .selectAll()
        .where("id", "=", asked.value.id)
        .executeTakeFirst();
      return row?.status ? row : null;
    },
    SLOW,
  );
  assert.equal(answered.status, "refused");
  assert.equal(answered.reason, "payer-over-debit-limit");
  const refused = await l.node.db.db
    .selectFrom("credit_transfers")
    .select(["uri", "status"])
    .where("memo", "=", "Too much")
    .executeTakeFirstOrThrow();
  assert.equal(refused.status, "refused");
  assert.equal(answered.transfer_uri, refused.uri);
  // Balances unchanged: A is still +600, B −600.
  const audited = await auditRemoteLedger(b.node.federation, ledger.uri);
  assert.ok(audited.ok);
  assert.equal(audited.report.balances.get(coopUri(a.url)), 600);
});
