/**
 * The federated commons through pages and API on one node hosting a federation
 * whose only member co-op is its own: a moderator asks the federation by form
 * (the node's co-op answers its part here, the combined release is published
 * with its parts), a budget is proposed by form and API (a decision of the
 * group), and bad input is a 4xx that writes nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup } from "../src/groups/groups.ts";
import { memberClient } from "./api-helpers.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: SignedIn;
let bea: SignedIn;
let beaToken: string;
let datasetId: string;
const PURPOSE = "To know how many hours members volunteer, by sector, across the federation.";
const db = () => node.node.db.db;
const TABLES = [
  "commons_fed_queries",
  "commons_fed_parts",
  "commons_releases",
  "commons_budget_proposals",
  "decisions",
  "commons_ledger",
] as const;
const counts = () =>
  Promise.all(
    TABLES.map(async (t) =>
      Number(
        (await db().selectFrom(t).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
      ),
    ),
  );
async function unchanged(what: () => Promise<void>) {
  const before = await counts();
  await what();
  assert.deepEqual(await counts(), before);
}
const api = (method: string, path: string, body?: unknown) =>
  fetch(`${node.url}/api/synco/v1/commons${path}`, {
    method,
    headers: { authorization: `Bearer ${beaToken}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

before(async () => {
  node = await startTestNode({ host: "127.0.36.9" });
  const admin = await createMember(node, {
    username: "ada",
    password: "long enough",
    role: "admin",
  });
  ada = await signIn(node, "ada", "long enough");
  beaToken = (await memberClient(node, "bea")).token;
  bea = await signIn(node, "bea", "correct horse battery");
  const made = await createGroup(socialOf(node), admin, {
    name: "fedhere",
    kind: "federation",
    displayName: "Federation here",
    visibility: "public",
    moderated: false,
    votingMode: "direct",
  });
  assert.ok(made.ok);
  assert.ok((await joinWithOurCoop(socialOf(node), admin, { group: made.value })).ok);
  const res = await ada.post("/commons/new", {
    groupId: made.value.id,
    title: "Hours across the federation",
    purpose: PURPOSE,
    fields: "hours: number 0..40 decimals 1 unit hours\nsector: category care, food, repair",
    unit: "member",
    period: "month",
    budgetRho: "2",
    defaultRho: "0.5",
    maxRowsPerUnit: "1",
    maxRowsPerMember: "5",
  });
  assert.equal(res.status, 303);
  datasetId = (res.headers.get("location") ?? "").split("/").pop() ?? "";
  for (const [who, hours] of [
    [ada, "3"],
    [bea, "7.5"],
  ] as const)
    assert.equal(
      (
        await who.post(`/commons/datasets/${datasetId}/contribute`, {
          purpose: PURPOSE,
          consent: "yes",
          v_hours: hours,
          v_sector: "care",
        })
      ).status,
      303,
    );
});
after(() => node.close());

test("bad questions to the federation are 4xx and write nothing", async () => {
  const path = `/commons/datasets/${datasetId}/federated`;
  await unchanged(async () => {
    assert.equal((await bea.post(path, { fmechanism: "count", frho: "0.5" })).status, 403);
    for (const bad of [
      { fmechanism: "mean", ffield: "hours", frho: "0.5" },
      { fmechanism: "count", ffield: "", frho: "-1" },
      { fmechanism: "quantile", ffield: "hours", frho: "0.5" },
      { fmechanism: "count", ffield: "", frho: "zero" },
      { fmechanism: "sum", ffield: "sector", frho: "0.5" },
      { fmechanism: "count", ffield: "", frho: "500" },
    ] as Record<string, string>[]) {
      const res = await ada.post(path, bad);
      assert.equal(res.status, 422, JSON.stringify(bad));
      assert.match(await res.text(), /role="alert"/);
    }
    assert.equal(
      (await api("POST", `/datasets/${datasetId}/federated-queries`, { mechanism: "count" }))
        .status,
      403,
    );
    assert.equal((await api("GET", "/federated-queries/nope")).status, 404);
  });
});

test("a moderator asks the federation; the combined release lists each co-op's part", async () => {
  const res = await ada.post(`/commons/datasets/${datasetId}/federated`, {
    fmechanism: "count",
    frho: "0.5",
    fnoise: "gauss",
  });
  assert.equal(res.status, 303);
  const questionPath = res.headers.get("location") ?? "";
  assert.match(questionPath, /^\/commons\/federated\/[0-9a-f-]{36}$/);
  const page = await (await bea.get(questionPath)).text();
  assert.match(page, /127\.0\.36\.9:\d+/);
  assert.match(page, /answered/);
  const releaseId = /\/commons\/releases\/([0-9a-f-]{36})/.exec(page)?.[1];
  assert.ok(releaseId, "the question links its combined release");
  const release = await (await bea.get(`/commons/releases/${releaseId}`)).text();
  assert.match(release, /Combined from the answers of 1 of 1 co-ops/);
  assert.match(
    release,
    /each co-op&#39;s node spent it from its own ledger|each co-op's node spent it from its own ledger/,
  );
  const json = (await (
    await api("GET", `/federated-queries/${questionPath.split("/").pop()}`)
  ).json()) as { status: string; parts: { status: string }[] };
  assert.equal(json.status, "published");
  assert.equal(json.parts.length, 1);
  assert.equal(json.parts[0]?.status, "answered");
  // The dataset page lists the question; Spanish too.
  const es = await (
    await fetch(`${node.url}/commons/datasets/${datasetId}`, {
      headers: { "accept-language": "es" },
    })
  ).text();
  assert.match(es, /Preguntar a la federación/);
});

test("a budget is proposed as a decision of the group; bad proposals are 422 and write nothing", async () => {
  const path = `/commons/datasets/${datasetId}/budget`;
  await unchanged(async () => {
    for (const bad of [
      { budgetRho: "", closesAt: "2030-01-01T10:00" },
      { budgetRho: "3", closesAt: "" },
      { budgetRho: "2", closesAt: "2030-01-01T10:00" },
      { budgetRho: "1000", closesAt: "2030-01-01T10:00" },
    ])
      assert.equal((await ada.post(path, bad)).status, 422, JSON.stringify(bad));
    assert.equal(
      (await api("POST", `/datasets/${datasetId}/budget-proposals`, { budgetRho: "x" })).status,
      422,
    );
  });
  const closesAt = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 16);
  const res = await ada.post(path, {
    budgetRho: "3",
    closesAt,
    reason: "More questions this month.",
  });
  assert.equal(res.status, 303);
  assert.match(res.headers.get("location") ?? "", /^\/groups\/fedhere\/decisions\/[0-9a-f-]{36}$/);
  // bea is no member of the federation (its members are co-ops): she may not propose.
  const viaApi = await api("POST", `/datasets/${datasetId}/budget-proposals`, {
    budgetRho: 4,
    closesAt: new Date(Date.now() + 86400_000).toISOString(),
  });
  assert.equal(viaApi.status, 403);
  const page = await (await bea.get(`/commons/datasets/${datasetId}`)).text();
  assert.match(page, /being decided/);
  const proposals = await db().selectFrom("commons_budget_proposals").selectAll().execute();
  assert.deepEqual(
    proposals.map((p) => p.budget_rho),
    [3],
  );
});

test("a dataset here is not a copy: answering cannot be paused, by form or API", async () => {
  await unchanged(async () => {
    assert.equal(
      (await ada.post(`/commons/datasets/${datasetId}/answering`, { answering: "no" })).status,
      404,
    );
    assert.equal(
      (await ada.post(`/commons/datasets/${datasetId}/answering`, { answering: "maybe" })).status,
      422,
    );
    assert.equal(
      (await api("PUT", `/datasets/${datasetId}/answering`, { answering: "no" })).status,
      422,
    );
    assert.equal(
      (await api("PUT", `/datasets/${datasetId}/answering`, { answering: false })).status,
      404,
    );
  });
});
