/**
 * The mutual-credit ledger across real nodes (127.0.214.x): a federation hosted
 * on A, with the co-ops of A and B as members, runs a ledger on A. A's co-op
 * pays B's; an agreement fulfilled on A settles; B's co-op asks A's ledger for a
 * transfer with a signed Offer (its CreditTransfer fetched from B, signed); then
 * B fetches the journal (a signed fetch) and recomputes every balance, and
 * finds a balance A's database was made to lie about. Strangers get 404.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accountOf, accountsOf } from "../src/economy/credit/accounts.ts";
import { createLedger, findLedger, type Ledger } from "../src/economy/credit/ledgers.ts";
import { requestTransfer } from "../src/economy/credit/requests.ts";
import { payFromOurCoop } from "../src/economy/credit/transfers.ts";
import { auditRemoteLedger } from "../src/federation/credit/audit.ts";
import { waitFor } from "../src/federation/testing.ts";
import { joinFederation, joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup } from "../src/groups/groups.ts";
import { coopUri } from "../src/kernel/uris.ts";
import { createMember } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
let ana: { id: string; username: string };
let ben: { id: string; username: string };
let ledger: Ledger;
const stops: (() => Promise<void>)[] = [];
const SLOW = 120_000;

before(async () => {
  const env = { SYNCO_LOG_LEVEL: process.env.CREDIT_LOG ?? "error" };
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.214.1", env }),
    startTestNode({ host: "127.0.214.2", env }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  const made = await createGroup(socialOf(a), ana, {
    name: "fednet",
    kind: "federation",
    displayName: "Federation",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  assert.ok((await joinWithOurCoop(socialOf(a), ana, { group: made.value })).ok);
  const actor = await b.node.federation.lookup(`fednet@${a.domain}`);
  assert.ok(actor);
  const joined = await joinFederation(socialOf(b), ben, {
    groupUri: actor.uri,
    remoteId: actor.id,
  });
  assert.ok(joined.ok);
  await waitFor(
    "the federation accepts B's co-op",
    async () =>
      (
        await b.node.db.db
          .selectFrom("coop_affiliations")
          .select("status")
          .where("id", "=", joined.value.id)
          .executeTakeFirst()
      )?.status === "active",
    SLOW,
  );
  const opened = await createLedger(socialOf(a), ana, {
    groupId: made.value.id,
    settings: { unit: "hours", defaultDebitLimit: 50_000, defaultCreditLimit: 50_000 },
  });
  assert.ok(opened.ok, JSON.stringify(opened));
  const found = await findLedger(a.node.db.db, opened.value.id);
  assert.ok(found);
  ledger = found;
});

after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

test("A's co-op pays B's; B's co-op pays A's by a signed Offer; B audits the journal", async () => {
  const bAccount = await accountOf(a.node.db.db, ledger.id, coopUri(b.url));
  assert.ok(bAccount, "B's co-op has an account");
  for (const amount of [1_200, 3_000, 450]) {
    const paid = await payFromOurCoop(socialOf(a), ana, {
      ledgerId: ledger.id,
      payeeAccountId: bAccount.id,
      amount,
      memo: "bread",
    });
    assert.ok(paid.ok && paid.value.status === "completed", JSON.stringify(paid));
  }
  // B's co-op asks the ledger on A to pay A's co-op back part of it.
  const asked = await requestTransfer(socialOf(b), ben, {
    groupUri: `${a.url}/groups/fednet`,
    payeeUri: coopUri(a.url),
    amount: 700,
    memo: "flour",
  });
  assert.ok(asked.ok, JSON.stringify(asked));
  const offerId = `${b.url}/credit-requests/${asked.value.id}/offer`;
  const posted = await waitFor(
    "A's ledger posts B's Offer",
    () =>
      a.node.db.db
        .selectFrom("credit_transfers")
        .selectAll()
        .where("payer_activity_uri", "=", offerId)
        .executeTakeFirst(),
    SLOW,
  );
  assert.equal(posted.status, "completed");
  assert.equal(posted.amount, 700);
  assert.equal(posted.memo, "flour");

  const audited = await auditRemoteLedger(b.node.federation, ledger.uri);
  assert.ok(audited.ok, JSON.stringify(audited));
  assert.deepEqual(audited.report.problems, []);
  assert.equal(audited.report.transfers, 4);
  assert.equal(audited.ledger.unit, "hours");
  const stated = await accountsOf(a.node.db.db, ledger.id);
  for (const account of stated)
    assert.equal(audited.report.balances.get(account.coop_uri), account.balance, account.coop_uri);
  assert.equal(audited.report.balances.get(coopUri(b.url)), 1_200 + 3_000 + 450 - 700);
});

test("a balance A's database lies about is found by B's audit", async () => {
  const ours = await accountOf(a.node.db.db, ledger.id, coopUri(a.url));
  assert.ok(ours);
  await a.node.db.db
    .updateTable("credit_accounts")
    .set({ balance: ours.balance + 100 })
    .where("id", "=", ours.id)
    .execute();
  const audited = await auditRemoteLedger(b.node.federation, ledger.uri);
  assert.ok(audited.ok);
  assert.ok(!audited.report.ok);
  assert.ok(
    audited.report.problems.some((p) => p.includes(coopUri(a.url))),
    audited.report.problems.join("\n"),
  );
  await a.node.db.db
    .updateTable("credit_accounts")
    .set({ balance: ours.balance })
    .where("id", "=", ours.id)
    .execute();
});

test("the journal is for member co-ops' signed fetches only", async () => {
  const unsigned = await fetch(ledger.uri, { headers: { accept: "application/activity+json" } });
  assert.equal(unsigned.status, 404);
  const page = await fetch(`${ledger.uri}?after=0`, {
    headers: { accept: "application/activity+json" },
  });
  assert.equal(page.status, 404);
  // The HTML page is public (the group is).
  const html = await fetch(ledger.uri);
  assert.equal(html.status, 200);
  assert.match(await html.text(), /hours/);
});
