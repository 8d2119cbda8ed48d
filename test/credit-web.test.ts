/**
 * The ledger's pages and API on one node: opening a ledger, paying, setting
 * limits, exporting and auditing, with bad input answered 4xx and nothing
 * written; the JSON API for apps; the Spanish page.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accountOf } from "../src/economy/credit/accounts.ts";
import { ledgerOfGroup } from "../src/economy/credit/ledgers.ts";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { insertMember } from "../src/groups/memberships.ts";
import { coopUri } from "../src/kernel/uris.ts";
import { memberClient } from "./api-helpers.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

const OTHER = "https://other.example/users/coop";
let n: TestNode;
let admin: SignedIn;
let member: SignedIn;
let fed: Group;

before(async () => {
  n = await startTestNode({ host: "127.0.214.11", env: { SYNCO_LOG_LEVEL: "error" } });
  const ada = await createMember(n, { username: "ada", password: "password123", role: "admin" });
  await createMember(n, { username: "bob", password: "password123" });
  const made = await createGroup(socialOf(n), ada, {
    name: "fed",
    kind: "federation",
    displayName: "Fed",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  fed = made.value;
  for (const coop of [coopUri(n.url), OTHER])
    await insertMember(n.node.db.db, new Date().toISOString(), {
      group_id: fed.id,
      actor_uri: coop,
      account_id: null,
      remote_id: null,
      actor_kind: "coop",
      role: "member",
      status: "active",
      follow_activity_uri: null,
    });
  admin = await signIn(n, "ada", "password123");
  member = await signIn(n, "bob", "password123");
});
after(() => n.close());

const count = async (table: "credit_ledgers" | "credit_transfers") =>
  Number(
    (
      await n.node.db.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

test("opening a ledger: bad input re-renders with 422; a member may not; the admin may", async () => {
  assert.equal((await admin.get("/groups/fed/ledger")).status, 404);
  const bad = await admin.post("/groups/fed/ledger", {
    unit: "<script>",
    defaultDebitLimit: "-1",
    defaultCreditLimit: "x",
  });
  assert.equal(bad.status, 422);
  assert.match(await bad.text(), /aria-invalid/);
  assert.equal(await count("credit_ledgers"), 0);
  const forbidden = await member.post("/groups/fed/ledger", {
    unit: "hours",
    defaultDebitLimit: "100",
    defaultCreditLimit: "100",
  });
  assert.equal(forbidden.status, 403);
  assert.equal(await count("credit_ledgers"), 0);
  const ok = await admin.post("/groups/fed/ledger", {
    unit: "hours",
    defaultDebitLimit: "100",
    defaultCreditLimit: "200.50",
  });
  assert.equal(ok.status, 303);
  const ledger = await ledgerOfGroup(n.node.db.db, fed.id);
  assert.equal(ledger?.default_credit_limit, 20_050);
});

test("paying: bad amounts 422 and nothing written; a member may not; the admin pays", async () => {
  const ledger = await ledgerOfGroup(n.node.db.db, fed.id);
  assert.ok(ledger);
  const other = await accountOf(n.node.db.db, ledger.id, OTHER);
  assert.ok(other);
  for (const amount of ["", "0", "-3", "1.234", "1e5", "abc"]) {
    const res = await admin.post("/groups/fed/ledger/transfers", {
      payee: other.id,
      amount,
      memo: "",
    });
    assert.equal(res.status, 422, amount);
  }
  const long = await admin.post("/groups/fed/ledger/transfers", {
    payee: other.id,
    amount: "1",
    memo: "x".repeat(501),
  });
  assert.equal(long.status, 422);
  const stranger = await admin.post("/groups/fed/ledger/transfers", {
    payee: "nope",
    amount: "1",
    memo: "",
  });
  assert.equal(stranger.status, 422);
  assert.equal(
    (await member.post("/groups/fed/ledger/transfers", { payee: other.id, amount: "1", memo: "" }))
      .status,
    403,
  );
  assert.equal(await count("credit_transfers"), 0);
  const paid = await admin.post("/groups/fed/ledger/transfers", {
    payee: other.id,
    amount: "12.50",
    memo: "bread",
  });
  assert.equal(paid.status, 303);
  // Past the debit limit of 100: refused, kept, and said so.
  const refused = await admin.post("/groups/fed/ledger/transfers", {
    payee: other.id,
    amount: "90",
    memo: "",
  });
  assert.equal(refused.status, 303);
  const page = await (
    await admin.get(decodeURIComponent(refused.headers.get("location") ?? ""))
  ).text();
  assert.match(page, /debit limit/);
  assert.match(page, /12\.5 hours/);
  assert.match(page, /<svg viewBox/);
  assert.equal((await accountOf(n.node.db.db, ledger.id, OTHER))?.balance, 1_250);
});

test("limits: a member may not; bad limits and limits below the balance 422", async () => {
  const ledger = await ledgerOfGroup(n.node.db.db, fed.id);
  assert.ok(ledger);
  const other = await accountOf(n.node.db.db, ledger.id, OTHER);
  assert.ok(other);
  const path = `/groups/fed/ledger/accounts/${other.id}/limits`;
  assert.equal((await member.post(path, { debitLimit: "5", creditLimit: "5" })).status, 403);
  assert.equal((await admin.post(path, { debitLimit: "-5", creditLimit: "5" })).status, 422);
  assert.equal((await admin.post(path, { debitLimit: "5", creditLimit: "5" })).status, 422);
  assert.equal((await admin.post(path, { debitLimit: "5", creditLimit: "500" })).status, 303);
  assert.equal((await accountOf(n.node.db.db, ledger.id, OTHER))?.credit_limit, 50_000);
});

test("exports for admins, the audit for readers, the page in Spanish", async () => {
  const csv = await admin.get("/groups/fed/ledger/journal.csv");
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get("content-type") ?? "", /text\/csv/);
  assert.match(await csv.text(), /"1",.*"bread"/);
  const json = await admin.get("/groups/fed/ledger/journal.json");
  assert.equal(((await json.json()) as { transfers: unknown[] }).transfers.length, 1);
  assert.equal((await member.get("/groups/fed/ledger/journal.csv")).status, 403);
  const audit = await fetch(`${n.url}/groups/fed/ledger/audit`);
  assert.match(await audit.text(), /adds up: 1 transfer,/);
  const es = await fetch(`${n.url}/groups/fed/ledger`, { headers: { "accept-language": "es" } });
  assert.match(await es.text(), /Libro de cuentas de Fed/);
});

test("the API: ledger, journal, audit, payments with 4xx for bad input", async () => {
  const { token, id } = await memberClient(n, "cam");
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${n.url}/api/synco/v1/economy${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...init.headers,
      },
    });
  const ledger = await ledgerOfGroup(n.node.db.db, fed.id);
  assert.ok(ledger);
  const got = (await (await api(`/ledgers/${ledger.id}`)).json()) as {
    accounts: { id: string; coop: string; balance: number }[];
  };
  assert.equal(
    got.accounts.reduce((s, a) => s + a.balance, 0),
    0,
  );
  const other = got.accounts.find((a) => a.coop === OTHER);
  assert.ok(other);
  const journal = (await (await api(`/ledgers/${ledger.id}/journal?after=0&limit=10`)).json()) as {
    seq: number;
  }[];
  assert.deepEqual(
    journal.map((l) => l.seq),
    [1],
  );
  assert.equal((await api(`/ledgers/${ledger.id}/journal?limit=100000`)).status, 422);
  assert.equal(
    ((await (await api(`/ledgers/${ledger.id}/audit`)).json()) as { ok: boolean }).ok,
    true,
  );
  const pay = (body: object) =>
    api(`/ledgers/${ledger.id}/transfers`, { method: "POST", body: JSON.stringify(body) });
  assert.equal(
    (await pay({ payee_account_id: other.id, amount: 100 })).status,
    403,
    "a plain member",
  );
  await n.node.db.db.updateTable("accounts").set({ role: "admin" }).where("id", "=", id).execute();
  const before = await count("credit_transfers");
  for (const amount of [0, -1, 1.5, "x", 1e20])
    assert.equal((await pay({ payee_account_id: other.id, amount })).status, 422, String(amount));
  assert.equal((await pay({ amount: 1 })).status, 422);
  assert.equal(await count("credit_transfers"), before);
  const done = await pay({ payee_account_id: other.id, amount: 100, memo: "app" });
  assert.equal(done.status, 201);
  const over = await pay({ payee_account_id: other.id, amount: 1_000_000 });
  assert.equal(over.status, 409);
  assert.equal(
    ((await over.json()) as { refused_reason: string }).refused_reason,
    "payer-over-debit-limit",
  );
  assert.equal((await api("/ledgers/nope")).status, 404);
});
