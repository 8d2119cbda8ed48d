/**
 * Issue 20's "backup": the economy lives in the database and the data dir, so
 * the operator's backup (README.md; test/support/backup.ts) carries all of it.
 * A node started on the copy shows the offer with its picture, the agreement on
 * it, and a ledger whose journal audits clean with the same balances.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import type { SyncoNode } from "../src/app.ts";
import { accountOf } from "../src/economy/credit/accounts.ts";
import { auditLedger } from "../src/economy/credit/journal.ts";
import type { Ledger } from "../src/economy/credit/ledgers.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { restoredCopy } from "./support/backup.ts";
import { balancesOf } from "./support/credit.ts";
import { federationWithLedger } from "./support/economy.ts";
import { createMember, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let original: TestNode;
let restored: SyncoNode | undefined;
let ledger: Ledger;
const HUERTA = "https://huerta.example/users/coop";

before(async () => {
  original = await startTestNode({ host: "127.0.217.31" });
  const admin = await createMember(original, {
    username: "ana",
    password: "password123",
    role: "admin",
  });
  ledger = await federationWithLedger(original, admin, {
    name: "red",
    unit: "hours",
    others: [HUERTA],
  });
});
after(async () => {
  await restored?.close();
  await original.close();
});

test("a node restored from its backup has its offers, agreements and ledger", async () => {
  await createMember(original, { username: "bea", password: "password123" });
  const [ana, bea] = await Promise.all([
    signIn(original, "ana", "password123"),
    signIn(original, "bea", "password123"),
  ]);
  const form = new FormData();
  for (const [k, v] of Object.entries({
    purpose: "offer",
    asCoop: "1",
    name: "Apple crates",
    category: "fruit",
    unit: "kilogram",
    quantity: "100",
    reciprocity: "gift",
    imageAlt: "red apples",
  }))
    form.set(k, v);
  const png = await sharp({ create: { width: 48, height: 32, channels: 3, background: "#a22" } })
    .png()
    .toBuffer();
  form.set("image", new Blob([new Uint8Array(png)], { type: "image/png" }));
  const published = await ana.postMultipart("/economy/proposals", form);
  assert.equal(published.status, 303, await published.text());
  const offerPath = new URL(published.headers.get("location") ?? "", original.url).pathname;
  const responded = await bea.post(`${offerPath}/respond`, {
    quantity: "5",
    note: "for the school",
    as: memberUri(original.url, "bea"),
  });
  assert.equal(responded.status, 303);
  const agreementPath = new URL(responded.headers.get("location") ?? "", original.url).pathname;
  const huerta = await accountOf(original.node.db.db, ledger.id, HUERTA);
  assert.ok(huerta);
  for (const amount of ["4", "2.5"]) {
    const paid = await ana.post("/groups/red/ledger/transfers", {
      payee: huerta.id,
      amount,
      memo: "crates",
    });
    assert.equal(paid.status, 303, await paid.text());
  }
  const balances = (await balancesOf(original.node.db.db, ledger.id)).rows;

  restored = await restoredCopy(original);
  const db = restored.db.db;
  assert.deepEqual((await balancesOf(db, ledger.id)).rows, balances);
  const audit = await auditLedger(db, ledger);
  assert.ok(audit.ok, audit.problems.join("; "));
  assert.equal(audit.transfers, 2);

  const offer = await (await restored.app.request(offerPath)).text();
  assert.match(offer, /Apple crates/);
  const image = /<img[^>]+src="(\/media\/[^"]+)"[^>]*alt="red apples"/.exec(offer)?.[1];
  assert.ok(image, "the restored offer shows its picture");
  const file = await restored.app.request(image);
  assert.equal(file.status, 200);
  assert.equal((await sharp(Buffer.from(await file.arrayBuffer())).metadata()).width, 48);
  const agreement = await db
    .selectFrom("econ_agreements")
    .select(["status", "note"])
    .where("id", "=", agreementPath.split("/").pop() ?? "")
    .executeTakeFirstOrThrow();
  assert.deepEqual(agreement, { status: "offered", note: "for the school" });
  const ledgerPage = await (await restored.app.request("/groups/red/ledger")).text();
  assert.match(ledgerPage, /6\.5 hours/);
});
