/**
 * Issue 20's "export and deletion", through the pages and the real account
 * deletion (every contributor the node has): a co-op admin (carol) pays from
 * the co-op's ledger account; a member (dave) publishes his own offer, answers
 * the co-op's offer, gets it accepted and delivered, and writes in its thread.
 * Each one's export holds their part. Then both delete their accounts: the
 * ledger keeps every transfer and entry, attributed to the co-op, and still
 * audits clean with the same balances; dave's agreement stays, with the co-op
 * in his place everywhere; his own offer is withdrawn; nothing in the economy's
 * tables names him any more.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accountOf } from "../src/economy/credit/accounts.ts";
import { auditLedger } from "../src/economy/credit/journal.ts";
import type { Ledger } from "../src/economy/credit/ledgers.ts";
import { coopUri, memberUri } from "../src/kernel/uris.ts";
import { balancesOf } from "./support/credit.ts";
import { federationWithLedger } from "./support/economy.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ledger: Ledger;
let ana: SignedIn;
let carol: SignedIn;
let dave: SignedIn;
let daveId: string;
const HUERTA = "https://huerta.example/users/coop";
const PASSWORD = "password123";

before(async () => {
  node = await startTestNode({ host: "127.0.217.11" });
  const admin = await createMember(node, { username: "ana", password: PASSWORD, role: "admin" });
  await createMember(node, { username: "carol", password: PASSWORD, role: "admin" });
  daveId = (await createMember(node, { username: "dave", password: PASSWORD })).id;
  ledger = await federationWithLedger(node, admin, {
    name: "red",
    unit: "hours",
    others: [HUERTA],
  });
  [ana, carol, dave] = await Promise.all([
    signIn(node, "ana", PASSWORD),
    signIn(node, "carol", PASSWORD),
    signIn(node, "dave", PASSWORD),
  ]);
});
after(() => node.close());

const db = () => node.node.db.db;
const idFrom = (res: Response, path: RegExp) => {
  const m = path.exec(res.headers.get("location") ?? "");
  assert.ok(m?.[1], `redirected to ${res.headers.get("location")}`);
  return m[1];
};

/** Publishes through the form (multipart, as the browser sends it). */
async function publish(who: SignedIn, fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries({
    purpose: "offer",
    category: "food",
    unit: "kilogram",
    quantity: "10",
    reciprocity: "money",
    unitPrice: "2",
    currency: "EUR",
    ...fields,
  }))
    form.set(k, v);
  const res = await who.postMultipart("/economy/proposals", form);
  assert.equal(res.status, 303, await res.text());
  return idFrom(res, /\/economy\/proposals\/([0-9a-f-]{36})/);
}

test("export holds each member's part; deletion keeps the ledger and agreements whole", async () => {
  // carol pays huerta 12.5 hours from the co-op's account, on the ledger page.
  const huerta = await accountOf(db(), ledger.id, HUERTA);
  assert.ok(huerta);
  const paid = await carol.post("/groups/red/ledger/transfers", {
    payee: huerta.id,
    amount: "12.5",
    memo: "seedlings",
  });
  assert.equal(paid.status, 303, await paid.text());
  // dave's own offer, and his answer to the co-op's offer, accepted and delivered.
  const own = await publish(dave, { name: "Dave's jam" });
  const coops = await publish(ana, { name: "Flour", asCoop: "1" });
  const offered = await dave.post(`/economy/proposals/${coops}/respond`, {
    quantity: "2",
    note: "for the bakery",
    as: memberUri(node.url, "dave"),
  });
  assert.equal(offered.status, 303, await offered.text());
  const agreement = idFrom(offered, /\/economy\/agreements\/([0-9a-f-]{36})/);
  assert.equal((await ana.post(`/economy/agreements/${agreement}/accept`, {})).status, 303);
  const primary = await db()
    .selectFrom("econ_commitments")
    .select("id")
    .where("agreement_id", "=", agreement)
    .where("reciprocal", "=", 0)
    .executeTakeFirstOrThrow();
  const delivered = await dave.post(`/economy/agreements/${agreement}/events`, {
    commitment: primary.id,
    quantity: "2",
    note: "picked up",
  });
  assert.equal(delivered.status, 303, await delivered.text());
  const wrote = await dave.post(`/economy/agreements/${agreement}/messages`, { body: "thanks!" });
  assert.equal(wrote.status, 303);

  // The exports.
  const exported = async (who: SignedIn) => {
    const res = await who.get("/settings/export.json");
    assert.equal(res.status, 200);
    return JSON.stringify(await res.json());
  };
  const carols = await exported(carol);
  assert.match(carols, /"credit":\{"transfers":\[\{[^\]]*"amount":1250[^\]]*"memo":"seedlings"/);
  const daves = await exported(dave);
  assert.match(daves, /Dave's jam/);
  assert.match(daves, /for the bakery/);
  assert.match(daves, /picked up/);
  assert.match(daves, /thanks!/);
  assert.doesNotMatch(daves, /seedlings/, "carol's payment is not in dave's export");

  const before = {
    balances: await balancesOf(db(), ledger.id),
    transfers: await db().selectFrom("credit_transfers").selectAll().orderBy("id").execute(),
    entries: await db().selectFrom("credit_entries").selectAll().orderBy("id").execute(),
  };
  assert.equal(before.balances.of(coopUri(node.url)), -1250);

  // Both delete their accounts on the settings page.
  for (const who of [carol, dave]) {
    const res = await who.post("/settings/delete", { password: PASSWORD, confirm: "yes" });
    assert.equal(res.status, 303, await res.text());
  }

  // The ledger: every transfer and entry kept, nobody named, same balances, audit clean.
  const transfers = await db().selectFrom("credit_transfers").selectAll().orderBy("id").execute();
  assert.deepEqual(
    transfers,
    before.transfers.map((t) => ({ ...t, initiated_by: null })),
  );
  assert.deepEqual(
    await db().selectFrom("credit_entries").selectAll().orderBy("id").execute(),
    before.entries,
  );
  const balances = await balancesOf(db(), ledger.id);
  assert.equal(balances.of(coopUri(node.url)), -1250);
  assert.equal(balances.of(HUERTA), 1250);
  assert.ok((await auditLedger(db(), ledger)).ok);

  // dave's agreement stays, the co-op in his place; his own offer is withdrawn.
  const kept = await db()
    .selectFrom("econ_agreements")
    .selectAll()
    .where("id", "=", agreement)
    .executeTakeFirstOrThrow();
  assert.equal(kept.status, "fulfilled");
  assert.equal(kept.responder_uri, coopUri(node.url));
  // (The account linked is the last member here who acted on it: ana, who accepted.)
  assert.notEqual(kept.account_id, daveId);
  const jam = await db()
    .selectFrom("econ_proposals")
    .selectAll()
    .where("id", "=", own)
    .executeTakeFirstOrThrow();
  assert.equal(jam.status, "withdrawn");
  assert.equal(jam.account_id, null);
  // Nothing in the economy's tables names dave any more, but his withdrawn offer: its
  // agent stays his (tombstoned) actor, who sent its copies the Delete.
  const daveUri = memberUri(node.url, "dave");
  const named = await db()
    .selectFrom("econ_proposals")
    .select(["id", "status"])
    .where("agent_uri", "=", daveUri)
    .execute();
  assert.deepEqual(named, [{ id: own, status: "withdrawn" }]);
  for (const table of [
    "econ_agreements",
    "econ_commitments",
    "econ_events",
    "econ_messages",
    "econ_resources",
    "credit_transfers",
  ] as const) {
    const rows = await db().selectFrom(table).selectAll().execute();
    assert.doesNotMatch(JSON.stringify(rows), new RegExp(daveUri), table);
  }
  // And the co-op's page still shows the agreement to its admin.
  const page = await (await ana.get(`/economy/agreements/${agreement}`)).text();
  assert.match(page, /fulfilled/);
});
