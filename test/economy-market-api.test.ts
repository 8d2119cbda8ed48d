/**
 * Issue 20, the marketplace API (/api/synco/v1/economy): catalogue entries,
 * offers and needs (search with filters and distance, publish, edit, close,
 * withdraw, report, hide) and watches, with token scopes; bad input is a 4xx
 * and writes nothing. Both databases.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup } from "../src/groups/groups.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { memberClient } from "./api-helpers.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
type Who = { id: string; token: string };
let ada: Who; // admin: speaks for the co-op, moderates
let bea: Who;
let cyd: Who;

const db = () => node.node.db.db;
const count = async (table: "econ_proposals" | "econ_specs" | "econ_watches" | "reports") =>
  Number(
    (await db().selectFrom(table).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  );

async function api(who: Who | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${node.url}/api/synco/v1/economy${path}`, {
    method,
    headers: {
      ...(who ? { authorization: `Bearer ${who.token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: res.status,
    link: res.headers.get("link"),
    json: (await res.json()) as Record<string, unknown> & Record<string, unknown>[],
  };
}

before(async () => {
  node = await startTestNode({ host: "127.0.208.1" });
  ada = await memberClient(node, "ada");
  bea = await memberClient(node, "bea");
  cyd = await memberClient(node, "cyd");
  await db().updateTable("accounts").set({ role: "admin" }).where("id", "=", ada.id).execute();
  const ctx = { ...socialOf(node), clock: systemClock };
  const made = await createGroup(
    ctx,
    { id: ada.id, username: "ada" },
    {
      name: "valley",
      kind: "federation",
      displayName: "Valley",
      visibility: "public",
      moderated: false,
    },
  );
  assert.ok(made.ok);
  assert.ok(
    (await joinWithOurCoop(ctx, { id: ada.id, username: "ada" }, { group: made.value })).ok,
  );
});
after(() => node?.close());

const offer = (over: Record<string, unknown> = {}) => ({
  purpose: "offer",
  name: "Firewood",
  note: "Seasoned oak.",
  category: "fuel",
  unit: "tonne",
  quantity: 2.5,
  reciprocity: "credit",
  unit_price: 12000,
  currency: "ECO",
  place_name: "North forest",
  latitude: 42.1,
  longitude: -1.6,
  ...over,
});

test("publish, read, search, edit, close and withdraw an offer through the API", async () => {
  const before = await count("econ_proposals");
  assert.equal((await api(null, "POST", "/proposals", offer())).status, 401);
  for (const bad of [
    offer({ quantity: -1 }),
    offer({ quantity: "1.2345" }),
    offer({ unit: "furlong" }),
    offer({ latitude: 95 }),
    offer({ reciprocity: "gift" }),
    offer({ as_coop: true }),
    offer({ group: "https://nowhere.example/groups/x" }),
    offer({ images: [{ media_id: "not-mine" }] }),
  ]) {
    const res = await api(bea, "POST", "/proposals", bad);
    assert.ok(res.status >= 400 && res.status < 500, JSON.stringify(bad));
  }
  assert.equal(await count("econ_proposals"), before);

  const made = await api(bea, "POST", "/proposals", offer({ group: `${node.url}/groups/valley` }));
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const p = made.json;
  assert.equal(p.quantity_thousandths, 2500);
  assert.equal(p.available, 2.5);
  assert.equal(p.unit_iri, "http://www.ontology-of-units-of-measure.org/resource/om-2/tonne");
  assert.equal(p.url, `${node.url}/economy/proposals/${p.id}`);
  assert.deepEqual((p.agent as { kind: string }).kind, "person");
  const coop = await api(
    ada,
    "POST",
    "/proposals",
    offer({
      as_coop: true,
      purpose: "request",
      name: "Chainsaw repair",
      note: "",
      category: "repair",
      unit: "hour",
      quantity: 3,
      latitude: 40.4,
      longitude: -3.7,
    }),
  );
  assert.equal(coop.status, 201);
  assert.equal(coop.json.action, "deliverService");

  assert.equal((await api(null, "GET", `/proposals/${p.id}`)).json.name, "Firewood");
  const ids = async (query: string) =>
    ((await api(null, "GET", `/proposals?${query}`)).json as unknown as { id: string }[]).map(
      (x) => x.id,
    );
  assert.deepEqual(await ids("category=fuel"), [p.id]);
  assert.deepEqual(await ids("q=oak"), [p.id]);
  assert.deepEqual(await ids("purpose=request"), [coop.json.id]);
  assert.deepEqual(await ids("lat=42.12&lon=-1.61&km=10"), [p.id]);
  const near = await api(null, "GET", "/proposals?lat=42.12&lon=-1.61&km=10");
  assert.ok(((near.json[0] as { place: { distance_km: number } }).place.distance_km ?? 99) < 3);
  const paged = await api(null, "GET", "/proposals?limit=1");
  assert.match(paged.link ?? "", /max_id=.+rel="next"/);
  for (const bad of [
    "lat=1",
    "limit=1000",
    "lat=abc&lon=1",
    "from=2027-02-01&until=2027-01-01",
    "purpose=barter",
  ])
    assert.equal((await api(null, "GET", `/proposals?${bad}`)).status, 422, bad);

  assert.equal((await api(cyd, "PATCH", `/proposals/${p.id}`, { quantity: 4 })).status, 403);
  assert.equal((await api(bea, "PATCH", `/proposals/${p.id}`, { quantity: -4 })).status, 422);
  const edited = await api(bea, "PATCH", `/proposals/${p.id}`, { quantity: 4, note: "Dry oak." });
  assert.equal(edited.status, 200, JSON.stringify(edited.json));
  assert.equal(edited.json.available_thousandths, 4000);
  assert.equal(edited.json.name, "Firewood");
  assert.equal((await api(bea, "POST", `/proposals/${p.id}/close`)).json.status, "closed");
  assert.equal((await api(bea, "POST", `/proposals/${p.id}/close`)).status, 409);
  assert.equal((await api(bea, "POST", `/proposals/${p.id}/reopen`)).json.status, "open");
  assert.equal((await api(cyd, "DELETE", `/proposals/${p.id}`)).status, 403);
  assert.equal((await api(bea, "DELETE", `/proposals/${p.id}`)).status, 200);
  assert.equal((await api(null, "GET", `/proposals/${p.id}`)).status, 410);
  assert.equal((await api(null, "GET", "/proposals/no-such-id")).status, 404);
});

test("reports and hiding; watches; the catalogue", async () => {
  const made = await api(
    bea,
    "POST",
    "/proposals",
    offer({ name: "Odd pills", category: "health" }),
  );
  assert.equal(made.status, 201);
  const id = made.json.id as string;
  assert.equal((await api(cyd, "POST", `/proposals/${id}/report`, { comment: "" })).status, 422);
  assert.equal(
    (await api(cyd, "POST", `/proposals/${id}/report`, { comment: "Not allowed" })).status,
    201,
  );
  assert.equal((await api(cyd, "POST", `/proposals/${id}/hide`)).status, 403);
  assert.equal((await api(ada, "POST", `/proposals/${id}/hide`)).json.status, "hidden");
  assert.equal((await api(cyd, "GET", `/proposals/${id}`)).status, 404);
  assert.equal((await api(bea, "GET", `/proposals/${id}`)).status, 200);
  assert.equal((await api(ada, "POST", `/proposals/${id}/unhide`)).json.status, "open");

  assert.equal((await api(null, "GET", "/watches")).status, 401);
  assert.equal((await api(cyd, "POST", "/watches", { category: "" })).status, 422);
  assert.equal(
    (await api(cyd, "POST", "/watches", { category: "fuel", purpose: "x" })).status,
    422,
  );
  assert.equal(await count("econ_watches"), 0);
  const watch = await api(cyd, "POST", "/watches", { category: "fuel", purpose: "offer" });
  assert.equal(watch.status, 201);
  assert.equal(((await api(cyd, "GET", "/watches")).json as unknown[]).length, 1);
  assert.equal((await api(bea, "POST", "/proposals", offer({ name: "Pellets" }))).status, 201);
  const told = await db()
    .selectFrom("notifications")
    .select("type")
    .where("account_id", "=", cyd.id)
    .where("type", "=", "economy_match")
    .execute();
  assert.equal(told.length, 1);
  assert.equal((await api(bea, "DELETE", `/watches/${watch.json.id}`)).status, 404);
  assert.equal((await api(cyd, "DELETE", `/watches/${watch.json.id}`)).status, 200);

  assert.equal(
    (
      await api(bea, "POST", "/specs", {
        group: "valley",
        name: "Oak",
        category: "fuel",
        unit: "parsec",
      })
    ).status,
    422,
  );
  assert.equal(
    (
      await api(bea, "POST", "/specs", {
        group: "nowhere",
        name: "Oak",
        category: "fuel",
        unit: "tonne",
      })
    ).status,
    404,
  );
  assert.equal(await count("econ_specs"), 0);
  const spec = await api(bea, "POST", "/specs", {
    group: "valley",
    name: "Oak logs",
    category: "fuel",
    unit: "tonne",
  });
  assert.equal(spec.status, 201);
  assert.equal(spec.json.status, "proposed");
  assert.equal(
    (await api(bea, "POST", `/specs/${spec.json.id}/decision`, { accept: true })).status,
    403,
  );
  assert.equal(
    (await api(ada, "POST", `/specs/${spec.json.id}/decision`, { accept: false })).status,
    422,
  );
  assert.equal(
    (await api(ada, "POST", `/specs/${spec.json.id}/decision`, { accept: true, note: "Yes" })).json
      .status,
    "accepted",
  );
  const listed = await api(
    null,
    "GET",
    `/specs?group=${encodeURIComponent(`${node.url}/groups/valley`)}`,
  );
  assert.deepEqual(
    (listed.json as unknown as { name: string }[]).map((s) => s.name),
    ["Oak logs"],
  );
  assert.equal((await api(null, "GET", "/specs?group=https://nowhere.example/g")).status, 404);
});
