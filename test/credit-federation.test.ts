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
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup } from "../src/groups/groups.ts";
import { coopUri } from "../src/kernel/uris.ts";
import { joinFederationOn } from "./support/federations.ts";
import { createMember, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let a: TestNode;
let b: TestNode;
let ana: { id: string; username: string };
let ben: { id: string; username: string };
let ledger: Ledger;
let evil: RemoteActor;
let mallory: RemoteActor;
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
  await joinFederationOn(a, b, ben, "fednet");
  const opened = await createLedger(socialOf(a), ana, {
    groupId: made.value.id,
    settings: { unit: "hours", defaultDebitLimit: 50_000, defaultCreditLimit: 50_000 },
  });
  assert.ok(opened.ok, JSON.stringify(opened));
  const found = await findLedger(a.node.db.db, opened.value.id);
  assert.ok(found);
  ledger = found;
  // A member co-op that is not Synco (it speaks the vocabulary by hand), and a stranger.
  [evil, mallory] = await Promise.all([
    startRemoteActor("127.0.214.9", "coop", { type: "Organization" }),
    startRemoteActor("127.0.214.10", "coop", { type: "Organization" }),
  ]);
  const follow = await fetch(
    await evil.signed(`${a.url}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${evil.url}/follows/1`,
      type: "Follow",
      actor: evil.id,
      object: `${a.url}/groups/fednet`,
    }),
  );
  assert.equal(follow.status, 202);
  await waitFor(
    "the hand-made co-op is a member co-op",
    async () =>
      !!(await a.node.db.db
        .selectFrom("group_members")
        .select("id")
        .where("actor_uri", "=", evil.id)
        .where("status", "=", "active")
        .executeTakeFirst()),
    SLOW,
  );
});

after(async () => {
  evil?.close();
  mallory?.close();
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

test("hostile Offers: another co-op's credit, a stranger, a malformed amount change nothing", async () => {
  const request = (actor: RemoteActor, path: string, fields: object) => {
    actor.documents.set(path, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${actor.url}${path}`,
      type: "CreditTransfer",
      ledger: ledger.uri,
      payer: actor.id,
      payee: coopUri(a.url),
      amount: 100,
      ...fields,
    });
    return `${actor.url}${path}`;
  };
  const offer = async (actor: RemoteActor, name: string, object: string) => {
    const res = await fetch(
      await actor.signed(`${a.url}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${actor.url}/offers/${name}`,
        type: "Offer",
        actor: actor.id,
        object,
        to: `${a.url}/groups/fednet`,
      }),
    );
    assert.equal(res.status, 202, name);
    return `${actor.url}/offers/${name}`;
  };
  const hostile = [
    // Spends B's co-op's credit: the document's payer is not the Offer's actor.
    await offer(
      evil,
      "forged",
      request(evil, "/credit-requests/forged", { payer: coopUri(b.url) }),
    ),
    await offer(evil, "malformed", request(evil, "/credit-requests/malformed", { amount: -5 })),
    await offer(mallory, "stranger", request(mallory, "/credit-requests/stranger", {})),
  ];
  const over = await offer(
    evil,
    "over",
    request(evil, "/credit-requests/over", { amount: 60_000 }),
  );
  const fine = await offer(
    evil,
    "fine",
    request(evil, "/credit-requests/fine", { amount: 250, summary: "by hand" }),
  );
  const posted = (id: string) =>
    a.node.db.db
      .selectFrom("credit_transfers")
      .select(["status", "refused_reason"])
      .where("payer_activity_uri", "=", id)
      .executeTakeFirst();
  assert.equal(
    (await waitFor("the good Offer is posted", () => posted(fine), SLOW)).status,
    "completed",
  );
  const refused = await waitFor(
    "the Offer past the limit is kept as refused",
    () => posted(over),
    SLOW,
  );
  assert.deepEqual(refused, { status: "refused", refused_reason: "payer-over-debit-limit" });
  await waitFor(
    "every hostile document was read",
    () =>
      ["forged", "malformed"].every((n) => evil.fetched.includes(`/credit-requests/${n}`)) &&
      mallory.fetched.includes("/credit-requests/stranger"),
    SLOW,
  );
  for (const id of hostile) assert.equal(await posted(id), undefined, id);
  const audited = await auditRemoteLedger(b.node.federation, ledger.uri);
  assert.ok(audited.ok && audited.report.ok, JSON.stringify(audited));
  assert.equal(audited.report.balances.get(evil.id), -250);
});

test("B's admin pays through A's ledger from B's own pages", async () => {
  const web = await signIn(b, "ben", "password123");
  const path = `/economy/ledgers/remote?group=${encodeURIComponent(`${a.url}/groups/fednet`)}`;
  const page = await web.get(path);
  assert.equal(page.status, 200);
  const text = await page.text();
  assert.match(text, /The journal adds up/);
  assert.match(text, new RegExp(new URL(a.url).host));
  assert.equal((await web.get("/economy/ledgers")).status, 200);
  const before = await a.node.db.db.selectFrom("credit_transfers").select("id").execute();
  const bad = await web.post(path, { payee: coopUri(a.url), amount: "0", memo: "" });
  assert.equal(bad.status, 422);
  const sent = await web.post(path, {
    payee: coopUri(a.url),
    amount: "1.25",
    memo: "from the page",
  });
  assert.equal(sent.status, 303);
  const posted = await waitFor(
    "A posts the page's request",
    () =>
      a.node.db.db
        .selectFrom("credit_transfers")
        .select(["amount", "status"])
        .where("memo", "=", "from the page")
        .executeTakeFirst(),
    SLOW,
  );
  assert.deepEqual(posted, { amount: 125, status: "completed" });
  const after = await a.node.db.db.selectFrom("credit_transfers").select("id").execute();
  assert.equal(after.length, before.length + 1, "the refused form posted nothing");
  const stranger = await web.get(
    `/economy/ledgers/remote?group=${encodeURIComponent("https://x.example/groups/y")}`,
  );
  assert.equal(stranger.status, 404);
});
