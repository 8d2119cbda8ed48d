/**
 * Issue 20 end to end across two real nodes (127.0.215.x): A hosts a federation
 * of co-ops with a mutual-credit ledger, and B's co-op is a member. A's co-op
 * offers vegetables in the federation for credit; B's co-op responds from its
 * copy; A accepts and records the delivery; the fulfilled agreement settles as
 * one transfer in A's ledger (B's co-op pays A's), which B's node reads and
 * audits from the journal A serves. What was given in return counts the
 * ledger's payment on both nodes (issue 20's gap: it read "0 of N").
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { recordEvent } from "../src/db/outbox.ts";
import { acceptAgreement } from "../src/economy/agreements/answers.ts";
import type { Acting, AgreementsContext } from "../src/economy/agreements/context.ts";
import { recordEconomicEvent } from "../src/economy/agreements/fulfilment.ts";
import { offerAgreement } from "../src/economy/agreements/offers.ts";
import { createLedger, findLedger, type Ledger } from "../src/economy/credit/ledgers.ts";
import { auditRemoteLedger } from "../src/federation/credit/audit.ts";
import { followRemote, waitFor } from "../src/federation/testing.ts";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup } from "../src/groups/groups.ts";
import { coopUri } from "../src/kernel/uris.ts";
import { publishProposal } from "./support/economy.ts";
import { joinFederationOn } from "./support/federations.ts";
import { createMember, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

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
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.215.1", env }),
    startTestNode({ host: "127.0.215.2", env }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  const ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  const ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  anaCoop = { accountId: ana.id, username: "ana", role: "admin", agentUri: coopUri(a.url) };
  benCoop = { accountId: ben.id, username: "ben", role: "admin", agentUri: coopUri(b.url) };
  const made = await createGroup(socialOf(a), ana, {
    name: "veg",
    kind: "federation",
    displayName: "Vegetable co-ops",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  assert.ok((await joinWithOurCoop(socialOf(a), ana, { group: made.value })).ok);
  groupUri = await joinFederationOn(a, b, ben, "veg");
  const opened = await createLedger(socialOf(a), ana, {
    groupId: made.value.id,
    settings: { unit: "hours", defaultDebitLimit: 50_000, defaultCreditLimit: 50_000 },
  });
  assert.ok(opened.ok, JSON.stringify(opened));
  const found = await findLedger(a.node.db.db, opened.value.id);
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
  await Promise.all([a?.close(), b?.close()]);
});

test("an offer on A, accepted from B, fulfilled, settles once in the ledger both can read", async () => {
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
  // A's ledger settles it: B's co-op (which received) pays A's (which provided).
  const settled = await waitFor(
    "A's ledger records the settlement",
    async () => {
      const row = await a.node.db.db
        .selectFrom("econ_agreements")
        .select("transfer_id")
        .where("id", "=", onA.id)
        .executeTakeFirst();
      return row?.transfer_id ?? null;
    },
    SLOW,
  );
  const audited = await waitFor(
    "B reads the settlement in A's journal",
    async () => {
      const r = await auditRemoteLedger(b.node.federation, ledger.uri);
      return r.ok && r.report.balances.get(coopUri(b.url)) === -600 ? r : null;
    },
    SLOW,
  );
  assert.deepEqual(audited.report.problems, []);
  assert.equal(audited.report.balances.get(coopUri(a.url)), 600);
  // One transfer: B's node (the payer's) also heard of the fulfilment, and a ledger
  // refuses a second settlement of one agreement (transfers.ts, settlementOf).
  const transfers = await a.node.db.db
    .selectFrom("credit_transfers")
    .select(["id", "amount", "status"])
    .where("agreement_uri", "=", onA.uri)
    .execute();
  assert.deepEqual(
    transfers.map((t) => [t.id, t.amount, t.status]),
    [[settled, 600, "completed"]],
  );
  // The payment fulfils what is given in return, on A (where the ledger paid) and on B
  // (told as an economic event by A's co-op, the party there).
  const inReturn = async (n: TestNode, agreementId: string) =>
    (
      await n.node.db.db
        .selectFrom("econ_commitments")
        .select(["fulfilled", "quantity"])
        .where("agreement_id", "=", agreementId)
        .where("reciprocal", "=", 1)
        .executeTakeFirstOrThrow()
    ).fulfilled;
  assert.equal(await inReturn(a, onA.id), 600);
  await waitFor("B counts the payment", async () => (await inReturn(b, onB.id)) === 600, SLOW);
  for (const [n, who, id] of [
    [a, "ana", onA.id],
    [b, "ben", onB.id],
  ] as const) {
    const page = await (
      await (await signIn(n, who, "password123")).get(`/economy/agreements/${id}`)
    ).text();
    const line = /<li>In return:([\s\S]*?)<\/li>/.exec(page)?.[1] ?? "";
    assert.match(line, /<progress max="600" value="600">/, `${who}'s page: ${line}`);
    const [, done, total] = /(\S+ \S+) of (\S+ \S+)/.exec(line.replace(/<[^>]+>/g, " ")) ?? [];
    assert.ok(done && done === total, `${who}'s page reads "${done} of ${total}"`);
  }
});
