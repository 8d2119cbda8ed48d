/**
 * The agreement pages and API on one node: respond from a proposal (bad input
 * is a 4xx and writes nothing), accept, record fulfilment, write in the thread,
 * report; the API lists, shows, refuses strangers and bad input.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { coopUri } from "../src/kernel/uris.ts";
import { memberClient } from "./api-helpers.ts";
import { publishProposal } from "./support/economy.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let n: TestNode;
let ana: SignedIn;
let bea: SignedIn;
before(async () => {
  n = await startTestNode({ host: "127.0.204.1" });
  await createMember(n, { username: "ana", password: "password123", role: "admin" });
  await createMember(n, { username: "bea", password: "password123" });
  [ana, bea] = await Promise.all([
    signIn(n, "ana", "password123"),
    signIn(n, "bea", "password123"),
  ]);
});
after(() => n.close());

const agreements = () => n.node.db.db.selectFrom("econ_agreements").selectAll().execute();

test("respond, accept, fulfil and talk through the pages", async () => {
  const p = await publishProposal(n.node.db.db, n.url);
  for (const quantity of ["0", "-1", "abc", "1.2345", "99"]) {
    const res = await bea.post(`/economy/proposals/${p.id}/respond`, { quantity, note: "" });
    assert.ok(res.status >= 400 && res.status < 500, `${quantity}: ${res.status}`);
  }
  assert.equal((await agreements()).length, 0);
  const res = await bea.post(`/economy/proposals/${p.id}/respond`, {
    quantity: "2,5",
    note: "Friday",
  });
  assert.equal(res.status, 303);
  const [a] = await agreements();
  assert.ok(a);
  assert.equal(a.quantity, 2_500);
  // A stranger to the co-op cannot accept; the admin can, for the co-op.
  assert.equal((await bea.post(`/economy/agreements/${a.id}/accept`, {})).status, 403);
  const page = await (await ana.get(`/economy/agreements/${a.id}`)).text();
  assert.match(page, /Accept/);
  assert.equal((await ana.post(`/economy/agreements/${a.id}/accept`, {})).status, 303);
  const commitments = await n.node.db.db
    .selectFrom("econ_commitments")
    .selectAll()
    .where("agreement_id", "=", a.id)
    .orderBy("reciprocal")
    .execute();
  const bad = await ana.post(`/economy/agreements/${a.id}/events`, {
    commitment: commitments[0]?.id ?? "",
    quantity: "x",
  });
  assert.equal(bad.status, 422);
  const ok = await ana.post(`/economy/agreements/${a.id}/events`, {
    commitment: commitments[0]?.id ?? "",
    quantity: "2.5",
    note: "Delivered",
  });
  assert.equal(ok.status, 303);
  const after1 = await n.node.db.db
    .selectFrom("econ_agreements")
    .select("status")
    .where("id", "=", a.id)
    .executeTakeFirstOrThrow();
  assert.equal(after1.status, "fulfilled");
  assert.equal((await bea.post(`/economy/agreements/${a.id}/messages`, { body: " " })).status, 422);
  assert.equal(
    (await bea.post(`/economy/agreements/${a.id}/messages`, { body: "Thank you!" })).status,
    303,
  );
  const thread = await (await bea.get(`/economy/agreements/${a.id}`)).text();
  assert.match(thread, /Thank you!/);
  assert.match(thread, /fulfilled/);
  const mine = await (await bea.get("/economy/agreements")).text();
  assert.match(mine, /Vegetables/);
});

test("the API lists, shows, offers; strangers and bad input are refused", async () => {
  const { token } = await memberClient(n, "cyd");
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${n.url}/api/synco/v1/economy/agreements${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
  const p = await publishProposal(n.node.db.db, n.url, { name: "Honey", unit: "litre" });
  const before = (await agreements()).length;
  for (const body of [
    { proposal_id: p.id, quantity: "0" },
    { proposal_id: p.id, quantity: "1e3" },
    { proposal_id: p.id, quantity: "1", as: coopUri(n.url) },
    { proposal_id: "nope", quantity: "1" },
  ]) {
    const res = await call("POST", "", body);
    assert.ok(res.status >= 400 && res.status < 500, JSON.stringify(body));
  }
  assert.equal((await agreements()).length, before);
  const made = await call("POST", "", { proposal_id: p.id, quantity: "1.5", note: "jar" });
  assert.equal(made.status, 201);
  const json = (await made.json()) as { id: string; quantity: string; status: string };
  assert.equal(json.quantity, "1.5");
  assert.equal(json.status, "offered");
  const list = (await (await call("GET", "")).json()) as { id: string }[];
  assert.deepEqual(
    list.map((a) => a.id),
    [json.id],
  );
  // Someone else's agreement is 404, as an unknown one.
  const [other] = (await agreements()).filter((a) => a.id !== json.id);
  assert.ok(other);
  assert.equal((await call("GET", `/${other.id}`)).status, 404);
  assert.equal((await call("POST", `/${json.id}/accept`)).status, 403);
  assert.equal((await call("POST", `/${json.id}/cancel`)).status, 200);
});
