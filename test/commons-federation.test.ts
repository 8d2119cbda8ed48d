/**
 * The federated data commons across three real nodes (127.0.36.x): a federation
 * hosted on F with the co-ops of A and B as members declares a dataset; it
 * reaches A and B as copies; members of A and B contribute on their own nodes
 * (F holds no row); F asks a count and a histogram; A and B each answer over
 * their own rows with their own noise, ledger and signature; F combines the
 * signed parts, and the combined release holds the sum of the true per-node
 * answers within its interval. A node that refuses is shown as refused, one
 * that is offline as missing. Every HTTP exchange between the nodes (every
 * delivery and every document fetched) is recorded, and no contributed row,
 * contributor or row id appears in any of them.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CommonsContext } from "../src/commons/context.ts";
import { contribute } from "../src/commons/contributions.ts";
import { declareDataset } from "../src/commons/datasets.ts";
import { askFederation } from "../src/commons/federated/asking.ts";
import { setAnswering } from "../src/commons/federated/copies.ts";
import { findFederatedQuery, publishFederatedQuery } from "../src/commons/federated/parts.ts";
import type { ReleaseBody } from "../src/commons/releases.ts";
import { verifyRelease } from "../src/commons/signing.ts";
import { installBoundedFetch } from "../src/federation/bounded-fetch.ts";
import { releaseSigner } from "../src/federation/commons-signer.ts";
import { installDeliveryFetch } from "../src/federation/delivery-fetch.ts";
import { waitFor } from "../src/federation/testing.ts";
import { joinFederation } from "../src/groups/federations.ts";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { createMember } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let f: TestNode;
let a: TestNode;
let b: TestNode;
let fednet: Group;
let ana: { id: string; username: string };
let datasetUri: string;
let datasetId: string;
const stops = new Map<TestNode, () => Promise<void>>();
const PURPOSE = "To know how many minutes our members give, by sector, across the federation.";
const SLOW = 120_000;
const waitLong = <T>(what: string, check: () => Promise<T>) => waitFor(what, check, SLOW);

/** Everything the nodes said to each other: request and response bodies. */
const exchanged: { method: string; url: string; request: string; response: string }[] = [];
/** What must never leave a node: row values, contributors, row and consent ids. */
const secrets: string[] = [];
/** The true answers, per node. */
const truth = new Map<TestNode, { count: number; sectors: Record<string, number> }>();

const commonsOf = async (n: TestNode): Promise<CommonsContext> => ({
  db: n.node.db.db,
  origin: n.url,
  clock: n.node.federation.deps.clock,
  signer: await releaseSigner(n.node.db.db, n.url)(),
});

function recordExchanges(hosts: string[]) {
  // The node's own wrappers are installed lazily (with Fedify, with the queue);
  // installed now, they sit under this one, which then sees every request.
  installBoundedFetch();
  installDeliveryFetch();
  const inner = globalThis.fetch;
  globalThis.fetch = async (input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const ours = hosts.includes(new URL(request.url).host);
    const sent = ours && request.body ? await request.clone().text() : "";
    const response = await inner(request);
    if (ours) {
      const entry = { method: request.method, url: request.url, request: sent, response: "" };
      exchanged.push(entry);
      if (/json/.test(response.headers.get("content-type") ?? ""))
        entry.response = await response.clone().text();
    }
    return response;
  };
}

before(async () => {
  const env = { SYNCO_LOG_LEVEL: process.env.COMMONS_LOG ?? "error" };
  [f, a, b] = await Promise.all([
    startTestNode({ host: "127.0.36.1", env }),
    startTestNode({ host: "127.0.36.2", env }),
    startTestNode({ host: "127.0.36.3", env }),
  ]);
  for (const n of [f, a, b]) stops.set(n, await n.node.startWorker());
  recordExchanges([f, a, b].map((n) => n.domain));
  ana = await createMember(f, { username: "ana", password: "password123", role: "admin" });
  const made = await createGroup(socialOf(f), ana, {
    name: "fednet",
    kind: "federation",
    displayName: "Federation",
    visibility: "public",
    moderated: false,
    votingMode: "direct",
  });
  assert.ok(made.ok, JSON.stringify(made));
  fednet = made.value;
  for (const n of [a, b]) {
    const admin = await createMember(n, {
      username: "boss",
      password: "password123",
      role: "admin",
    });
    const actor = await n.node.federation.lookup(`fednet@${f.domain}`);
    assert.ok(actor);
    const joined = await joinFederation(socialOf(n), admin, {
      groupUri: actor.uri,
      remoteId: actor.id,
    });
    assert.ok(joined.ok);
    await waitLong("the federation accepts the co-op", async () => {
      const row = await n.node.db.db
        .selectFrom("coop_affiliations")
        .select("status")
        .where("id", "=", joined.value.id)
        .executeTakeFirst();
      return row?.status === "active";
    });
  }
});

after(async () => {
  for (const stop of stops.values()) await stop();
  await Promise.all([f, a, b].filter(Boolean).map((n) => n.close()));
});

const copyOn = (n: TestNode) =>
  waitLong(`the dataset reaches ${n.domain}`, async () =>
    n.node.db.db
      .selectFrom("commons_datasets")
      .selectAll()
      .where("uri", "=", datasetUri)
      .executeTakeFirst(),
  );

test("a federation's dataset reaches its member co-ops' nodes as copies", async () => {
  const declared = await declareDataset(await commonsOf(f), ana, {
    groupId: fednet.id,
    title: "Minutes given",
    purpose: PURPOSE,
    unit: "member",
    period: "year",
    budgetRho: 100,
    defaultRho: 10,
    maxRowsPerUnit: 3,
    maxRowsPerMember: 3,
    fields: [
      { type: "number", name: "minutes", unit: "minutes", decimals: 4, lower: "0", upper: "1000" },
      { type: "category", name: "sector", values: ["care", "food", "repair"] },
    ],
  });
  assert.ok(declared.ok);
  datasetId = declared.value.id;
  datasetUri = `${f.url}/commons/datasets/${datasetId}`;
  for (const n of [a, b]) {
    const copy = await copyOn(n);
    assert.equal(copy.local, 0);
    assert.equal(copy.group_uri, `${f.url}/groups/fednet`);
    assert.equal(copy.purpose, PURPOSE);
    assert.equal(copy.budget_rho, 100);
    assert.equal(copy.id, datasetId, "the copy keeps the federation's id, so links work");
  }
});

test("members contribute on their own nodes; the federation's node holds no row", async () => {
  const plan: [TestNode, number[]][] = [
    [a, [3, 3, 2]],
    [b, [3, 1]],
  ];
  const sectors = ["care", "food", "repair"];
  let serial = 0;
  for (const [n, rowsPerMember] of plan) {
    const cx = await commonsOf(n);
    const copy = await copyOn(n);
    const t = { count: 0, sectors: { care: 0, food: 0, repair: 0 } as Record<string, number> };
    for (const [i, rows] of rowsPerMember.entries()) {
      const username = `giver${n === a ? "a" : "b"}${i}x${serial}`;
      const m = await createMember(n, { username, password: "password123" });
      secrets.push(username, m.id);
      const values = Array.from({ length: rows }, () => {
        serial++;
        // Four decimals and a serial: a value no aggregate would spell by chance.
        const minutes = `${100 + serial}.${String(1000 + ((serial * 7919) % 9000)).padStart(4, "0")}`;
        const sector = sectors[serial % 3] as string;
        secrets.push(minutes);
        t.count++;
        t.sectors[sector] = (t.sectors[sector] ?? 0) + 1;
        return { minutes, sector };
      });
      const given = await contribute(cx, m, { datasetId: copy.id, purpose: PURPOSE, rows: values });
      assert.ok(given.ok, JSON.stringify(given));
      secrets.push(given.value.consentId);
    }
    truth.set(n, t);
    const rows = await n.node.db.db.selectFrom("commons_rows").select("id").execute();
    secrets.push(...rows.map((r) => r.id));
  }
  assert.equal((await f.node.db.db.selectFrom("commons_rows").select("id").execute()).length, 0);
});

/** F asks; waits for the combined release; returns its body and the parts. */
async function askAndWait(query: unknown) {
  const asked = await askFederation(await commonsOf(f), ana, { datasetId, query });
  assert.ok(asked.ok, JSON.stringify(asked));
  const fq = await waitLong("the combined release is published", async () => {
    const q = await findFederatedQuery(f.node.db.db, asked.value.id);
    return q?.status === "published" ? q : undefined;
  });
  assert.ok(fq.release_id);
  const release = await f.node.db.db
    .selectFrom("commons_releases")
    .selectAll()
    .where("id", "=", fq.release_id)
    .executeTakeFirstOrThrow();
  return { fq, release, body: JSON.parse(release.body) as ReleaseBody };
}

test("a federation count: each node answers with its own noise and ledger; the combination holds the true total", async () => {
  const { fq, release, body } = await askAndWait({ mechanism: "count", rho: 30 });
  assert.equal(body.type, "SyncoCommonsCombinedRelease");
  assert.ok(verifyRelease(release.body, release.signature, body.signer.publicKeyJwk));
  assert.deepEqual(
    fq.parts.map((p) => [p.coop_uri, p.status]),
    [
      [`${a.url}/users/coop`, "answered"],
      [`${b.url}/users/coop`, "answered"],
    ],
  );
  const total = (truth.get(a)?.count ?? 0) + (truth.get(b)?.count ?? 0);
  const e = body.result.estimates[0];
  assert.ok(e);
  assert.ok(e.low <= total && total <= e.high, `${total} not in [${e.low}, ${e.high}]`);
  assert.equal(body.combination?.answered, 2);
  // Each part is the member node's own signed release, spent from its own ledger.
  const parts = await f.node.db.db
    .selectFrom("commons_fed_parts")
    .selectAll()
    .where("query_id", "=", fq.id)
    .execute();
  let sum = 0;
  for (const p of parts) {
    const partBody = JSON.parse(p.body ?? "{}") as ReleaseBody;
    assert.ok(verifyRelease(p.body ?? "", p.signature ?? "", partBody.signer.publicKeyJwk));
    assert.equal(new URL(partBody.signer.keyId).origin, new URL(p.coop_uri).origin);
    sum += partBody.result.estimates[0]?.value ?? 0;
  }
  assert.equal(e.value, sum, "the combined value is the sum of the parts");
  for (const n of [a, b]) {
    const ledger = await n.node.db.db
      .selectFrom("commons_ledger")
      .selectAll()
      .executeTakeFirstOrThrow();
    // The rounded noise scale costs a little less than asked, never more.
    assert.ok(
      ledger.spent_rho <= 30 && ledger.spent_rho > 29.9,
      `${n.domain} spent ${ledger.spent_rho}`,
    );
  }
  assert.equal((await f.node.db.db.selectFrom("commons_ledger").selectAll().execute()).length, 0);
  // The same question in the same period is the same question: nothing asked again.
  const again = await askFederation(await commonsOf(f), ana, {
    datasetId,
    query: { mechanism: "count", rho: 30 },
  });
  assert.ok(again.ok && again.value.reused && again.value.id === fq.id);
});

test("a federation histogram by sector holds every sector's true total", async () => {
  const { body } = await askAndWait({ mechanism: "histogram", field: "sector", rho: 30 });
  for (const e of body.result.estimates) {
    const t = (truth.get(a)?.sectors[e.key ?? ""] ?? 0) + (truth.get(b)?.sectors[e.key ?? ""] ?? 0);
    assert.ok(e.low <= t && t <= e.high, `${e.key}: ${t} not in [${e.low}, ${e.high}]`);
  }
  assert.deepEqual(
    body.result.estimates.map((e) => e.key),
    ["care", "food", "repair"],
  );
});

test("a node that refuses is shown as refused, with its reason, not dropped", async () => {
  const admin = await b.node.db.db
    .selectFrom("accounts")
    .select(["id", "username"])
    .where("username", "=", "boss")
    .executeTakeFirstOrThrow();
  assert.ok((await setAnswering(await commonsOf(b), admin, { datasetId, answering: false })).ok);
  const { body } = await askAndWait({ mechanism: "sum", field: "minutes", rho: 20 });
  const parts = body.parts ?? [];
  assert.deepEqual(
    parts.map((p) => [p.coop, p.status, p.reason]),
    [
      [`${a.url}/users/coop`, "answered", null],
      [`${b.url}/users/coop`, "refused", "closed"],
    ],
  );
  assert.equal(body.combination?.answered, 1);
  assert.equal(body.combination?.of, 2);
  assert.ok((await setAnswering(await commonsOf(b), admin, { datasetId, answering: true })).ok);
});

test("a node that is offline is shown as missing once a moderator publishes", async () => {
  await stops.get(b)?.();
  stops.delete(b);
  const asked = await askFederation(await commonsOf(f), ana, {
    datasetId,
    query: { mechanism: "count", rho: 10 },
  });
  assert.ok(asked.ok && !asked.value.reused);
  await waitLong("A answers", async () => {
    const q = await findFederatedQuery(f.node.db.db, asked.value.id);
    return q?.parts.some((p) => p.coop_uri === `${a.url}/users/coop` && p.status === "answered");
  });
  const early = await findFederatedQuery(f.node.db.db, asked.value.id);
  assert.equal(early?.status, "collecting");
  const published = await publishFederatedQuery(await commonsOf(f), ana, asked.value.id);
  assert.ok(published.ok && published.value.releaseId);
  const q = await findFederatedQuery(f.node.db.db, asked.value.id);
  assert.deepEqual(
    q?.parts.map((p) => p.status),
    ["answered", "missing"],
  );
  const release = await f.node.db.db
    .selectFrom("commons_releases")
    .select("body")
    .where("id", "=", published.value.releaseId)
    .executeTakeFirstOrThrow();
  const body = JSON.parse(release.body) as ReleaseBody;
  assert.deepEqual(
    body.parts?.map((p) => p.status),
    ["answered", "missing"],
  );
});

test("no contributed row, contributor or row id appears in anything the nodes exchanged", () => {
  const answers = exchanged.filter((x) => x.response.includes('"CommonsAnswer"'));
  const posts = exchanged.filter((x) => x.method === "POST" && x.request.length > 0);
  assert.ok(answers.length >= 5, `answers fetched: ${answers.length}`);
  assert.ok(posts.length >= 8, `deliveries seen: ${posts.length}`);
  assert.ok(secrets.length > 20);
  for (const x of exchanged)
    for (const s of secrets) {
      assert.ok(!x.request.includes(s), `${s} was sent in ${x.method} ${x.url}`);
      assert.ok(!x.response.includes(s), `${s} was answered to ${x.method} ${x.url}`);
    }
  // And nothing shaped like a row: no slot or row keys in any JSON exchanged.
  for (const x of exchanged)
    for (const text of [x.request, x.response])
      assert.ok(!/"(f[0-7]|unit_key|account_id|rows)"\s*:/.test(text), `row-like JSON in ${x.url}`);
});
