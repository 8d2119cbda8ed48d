/**
 * The data commons through its pages and API on a real node: a moderator
 * declares a dataset, a member consents and contributes by form and CSV, asks
 * questions (a release page with an SVG chart and its table, signed JSON and CSV
 * downloads; an identical question reused; an overspend refused saying what is
 * left), sees the releases that used their rows and withdraws. Bad input is a
 * 4xx and writes nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { verifyRelease } from "../src/commons/signing.ts";
import { assembly } from "../src/groups/groups.ts";
import { memberClient } from "./api-helpers.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: SignedIn;
let bea: SignedIn;
let beaToken: string;
let datasetId: string;
const PURPOSE = "To know how many hours members volunteer, by sector, to plan next year.";
const db = () => node.node.db.db;
const count = async (
  table: "commons_datasets" | "commons_rows" | "commons_consents" | "commons_releases",
) =>
  Number(
    (await db().selectFrom(table).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  );
async function unchanged(what: () => Promise<void>) {
  const tables = [
    "commons_datasets",
    "commons_rows",
    "commons_consents",
    "commons_releases",
  ] as const;
  const before = await Promise.all(tables.map(count));
  await what();
  assert.deepEqual(await Promise.all(tables.map(count)), before);
}
const api = (method: string, path: string, body?: unknown) =>
  fetch(`${node.url}/api/synco/v1/commons${path}`, {
    method,
    headers: { authorization: `Bearer ${beaToken}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

before(async () => {
  node = await startTestNode({ host: "127.0.32.1" });
  await createMember(node, { username: "ada", password: "long enough", role: "admin" });
  ada = await signIn(node, "ada", "long enough");
  beaToken = (await memberClient(node, "bea")).token;
  bea = await signIn(node, "bea", "correct horse battery");
});
after(() => node.close());

const declaration = async () => ({
  groupId: (await assembly(db())).id,
  title: "Volunteer hours",
  purpose: PURPOSE,
  fields: "hours: number 0..40 decimals 1 unit hours\nsector: category care, food, repair",
  unit: "member",
  period: "month",
  budgetRho: "1",
  defaultRho: "0.2",
  maxRowsPerUnit: "2",
  maxRowsPerMember: "20",
});

test("only a moderator declares; a bad declaration is 422 and writes nothing", async () => {
  await unchanged(async () => {
    assert.equal((await bea.get("/commons/new")).status, 403);
    assert.equal((await bea.post("/commons/new", await declaration())).status, 403);
    for (const bad of [
      { fields: "hours: number 40..0" },
      { fields: "hours: text" },
      { budgetRho: "0" },
      { defaultRho: "5" },
      { purpose: "short" },
    ]) {
      const res = await ada.post("/commons/new", { ...(await declaration()), ...bad });
      assert.equal(res.status, 422, JSON.stringify(bad));
      assert.match(await res.text(), /role="alert"/);
    }
  });
  const res = await ada.post("/commons/new", await declaration());
  assert.equal(res.status, 303);
  datasetId = (res.headers.get("location") ?? "").split("/").pop() ?? "";
  const page = await (await bea.get(`/commons/datasets/${datasetId}`)).text();
  assert.match(page, /ρ = 1 \(ε = 7\.766 at δ = 10⁻⁶\) per month/);
  assert.match(page, /name="consent"/);
});

test("contributing needs consent and valid rows; form and CSV both work", async () => {
  const path = `/commons/datasets/${datasetId}`;
  await unchanged(async () => {
    const base = { purpose: PURPOSE, v_hours: "4.5", v_sector: "care" };
    assert.equal((await bea.post(`${path}/contribute`, base)).status, 422);
    assert.equal(
      (await bea.post(`${path}/contribute`, { ...base, consent: "yes", v_hours: "4.55" })).status,
      422,
    );
    assert.equal(
      (await bea.post(`${path}/contribute`, { ...base, consent: "yes", v_sector: "mining" }))
        .status,
      422,
    );
    const stale = await bea.post(`${path}/contribute`, { ...base, consent: "yes", purpose: "x" });
    assert.equal(stale.status, 422);
    assert.match(await stale.text(), /purpose changed/);
    const csv = new FormData();
    csv.set("purpose", PURPOSE);
    csv.set("consent", "yes");
    csv.set("csv", new File(["hours,sector\n3,care\n2,oil\n"], "rows.csv", { type: "text/csv" }));
    const bad = await bea.postMultipart(`${path}/import`, csv);
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /row 2: sector/);
  });
  const ok = await bea.post(`${path}/contribute`, {
    purpose: PURPOSE,
    consent: "yes",
    v_hours: "4.5",
    v_sector: "care",
  });
  assert.equal(ok.status, 303);
  const csv = new FormData();
  csv.set("purpose", PURPOSE);
  csv.set("consent", "yes");
  csv.set("csv", new File(["sector,hours\nfood,12\nrepair,55\n"], "rows.csv"));
  assert.equal((await ada.postMultipart(`${path}/import`, csv)).status, 303);
  assert.equal(await count("commons_rows"), 3);
  const api201 = await api("POST", `/datasets/${datasetId}/contributions`, {
    purpose: PURPOSE,
    rows: [{ hours: "7", sector: "food" }],
  });
  assert.equal(api201.status, 201);
  const apiBad = await api("POST", `/datasets/${datasetId}/contributions`, {
    purpose: PURPOSE,
    rows: [{ hours: "seven", sector: "food" }],
  });
  assert.equal(apiBad.status, 422);
  assert.equal(await count("commons_rows"), 4);
});

test("a question makes a signed release page; the same question is reused; an overspend is refused", async () => {
  const path = `/commons/datasets/${datasetId}`;
  const ask = { mechanism: "mean", field: "hours", by: "sector", rho: "0.5", noise: "gauss" };
  const res = await bea.post(`${path}/query`, ask);
  assert.equal(res.status, 303);
  const location = res.headers.get("location") ?? "";
  assert.match(location, /^\/commons\/releases\/[\w-]+$/);
  const page = await (await fetch(`${node.url}${location}`)).text();
  assert.match(page, /<svg class="bar"/);
  assert.match(page, /<line class="ci"/);
  assert.match(page, /<table class="figures">/);
  for (const key of ["care", "food", "repair"])
    assert.match(page, new RegExp(`<th scope="row">${key}</th>`));
  const json = (await (await fetch(`${node.url}${location}/release.json`)).json()) as {
    body: string;
    signature: string;
    release: { signer: { publicKeyJwk: Record<string, string> }; cost: { rho: number } };
  };
  assert.ok(verifyRelease(json.body, json.signature, json.release.signer.publicKeyJwk));
  assert.ok(json.release.cost.rho <= 0.5);
  const csv = await (await fetch(`${node.url}${location}/release.csv`)).text();
  assert.match(csv, /^key,value,low,high,level,interval_of\ncare,/);

  await unchanged(async () => {
    const again = await bea.post(`${path}/query`, ask);
    assert.equal(again.headers.get("location"), `${location}?reused=1`);
    const refused = await bea.post(`${path}/query`, { mechanism: "count", rho: "0.6" });
    assert.equal(refused.status, 422);
    const text = await refused.text();
    assert.match(text, /needs ρ = 0\.6, but only ρ = 0\.5\d* \(ε = [\d.]+\) of 1 is left/);
    assert.equal(
      (await bea.post(`${path}/query`, { mechanism: "mean", field: "sector" })).status,
      422,
    );
    const apiOver = await api("POST", `/datasets/${datasetId}/queries`, {
      mechanism: "count",
      rho: 0.6,
    });
    assert.equal(apiOver.status, 409);
  });
  const viaApi = await api("POST", `/datasets/${datasetId}/queries`, {
    mechanism: "histogram",
    field: "sector",
    rho: 0.2,
  });
  assert.equal(viaApi.status, 201);
  const shown = (await (await api("GET", `/datasets/${datasetId}`)).json()) as {
    ledger: { remaining_rho: number };
  };
  assert.ok(shown.ledger.remaining_rho < 0.31 && shown.ledger.remaining_rho > 0.29);
});

test("a member sees the releases that used their rows, exports and withdraws them", async () => {
  const mine = await (await bea.get("/commons/mine")).text();
  assert.match(mine, /Your data was used in 2 releases/);
  const exported = await (await bea.get(`/commons/mine/${datasetId}/rows.csv`)).text();
  assert.match(exported, /^hours,sector,given_at,withdrawn_at\n4\.5,care,/);
  const res = await bea.post(`/commons/datasets/${datasetId}/withdraw`, {});
  assert.equal(res.status, 303);
  const after = await (await bea.get(res.headers.get("location") ?? "")).text();
  assert.match(after, /Withdrawn: from \d{4}-\d{2} on/);
  assert.match(after, /withdrawn from \d{4}-\d{2}/);
});

test("the pillar page lists datasets and releases; Spanish is served", async () => {
  const page = await (await fetch(`${node.url}/commons`)).text();
  assert.match(page, /Volunteer hours/);
  const es = await (
    await fetch(`${node.url}/commons`, { headers: { "accept-language": "es" } })
  ).text();
  assert.match(es, /Conjuntos de datos/);
});
