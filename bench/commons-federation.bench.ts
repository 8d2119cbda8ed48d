/**
 * Federated data commons bench (issue 22): "a federated release over 10 nodes
 * assembled < 5 s after the last node answers". Ten member nodes (each its own
 * SQLite database, origin and Ed25519 key, 20,000 rows of its own) answer a
 * federation's question through the real path (answerFederation: their copy,
 * their ledger, their noise, their signature). The federation's node (SQLite,
 * then PostgreSQL if one answers) takes nine parts, then the clock starts: the
 * tenth part is received (checked, its signature verified) and, being the last,
 * the ten are combined, the combined release signed and written. Two questions:
 * a count (the exact convolution of ten pmfs) and a sum over a decimal field
 * (noise wide enough that the Chernoff bound is used).
 * Run: npm run bench -- commons-federation
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createAccount } from "../src/accounts/accounts.ts";
import type { CommonsContext } from "../src/commons/context.ts";
import { declareDataset } from "../src/commons/datasets.ts";
import { answerFederation } from "../src/commons/federated/answering.ts";
import { askFederation } from "../src/commons/federated/asking.ts";
import { receiveDatasetCopy } from "../src/commons/federated/copies.ts";
import { findFederatedQuery, type PartInput, receivePart } from "../src/commons/federated/parts.ts";
import type { CanonicalQuery } from "../src/commons/fields.ts";
import { signerFromKeys } from "../src/commons/signing.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { upsertRemoteActor } from "../src/federation/remote-actors.ts";
import { createGroup } from "../src/groups/groups.ts";
import { systemClock } from "../src/kernel/clock.ts";

const NODES = 10;
const ROWS = Number(process.env.BENCH_COMMONS_FED_ROWS ?? 20_000);
const F = "https://federation.example";
const dir = mkdtempSync(join(tmpdir(), "synco-bench-commons-fed-"));
const signerOf = (origin: string) => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return signerFromKeys(`${origin}/users/coop#multikey-2`, privateKey, publicKey);
};

async function admin(db: CommonsContext["db"]) {
  const made = await createAccount(
    db,
    { username: "ada", email: "ada@bench.example", password: "long enough", role: "admin" },
    { passwordCost: 8 },
  );
  if (!made.ok) throw new Error(made.reason);
  return made.value;
}

/** The federation's node: a federation group with ten member co-ops, and its dataset. */
async function federationNode(url: string) {
  const handle = await openDatabase(url);
  const db = handle.db;
  await migrateToLatest(db);
  const ada = await admin(db);
  const cx: CommonsContext = { db, origin: F, clock: systemClock, signer: signerOf(F) };
  const group = await createGroup({ ...cx, domain: "federation.example" }, ada, {
    name: "fed",
    kind: "federation",
    displayName: "Federation",
    visibility: "public",
    moderated: false,
    votingMode: "direct",
  });
  if (!group.ok) throw new Error(group.reason);
  const now = new Date().toISOString();
  await db
    .insertInto("group_members")
    .values(
      Array.from({ length: NODES }, (_, i) => ({
        id: `m${i}`,
        group_id: group.value.id,
        actor_uri: `https://node${i}.example/users/coop`,
        account_id: null,
        remote_id: null,
        actor_kind: "coop" as const,
        role: "member" as const,
        status: "active" as const,
        follow_activity_uri: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  const declared = await declareDataset(cx, ada, {
    groupId: group.value.id,
    title: "Hours across the federation",
    purpose: "A bench of a federated release over ten nodes.",
    unit: "member",
    period: "year",
    budgetRho: 100,
    defaultRho: 1,
    maxRowsPerUnit: 5,
    maxRowsPerMember: 10_000,
    fields: [
      { type: "number", name: "hours", decimals: 1, lower: "0", upper: "40", unit: "hours" },
      { type: "category", name: "sector", values: ["care", "food", "repair"] },
    ],
  });
  if (!declared.ok) throw new Error(declared.reason);
  const dataset = await db
    .selectFrom("commons_datasets")
    .selectAll()
    .where("id", "=", declared.value.id)
    .executeTakeFirstOrThrow();
  return { handle, cx, ada, dataset, groupUri: `${F}/groups/fed` };
}

/** A member node: the copy, its rows, ready to answer. */
async function memberNode(i: number, fed: Awaited<ReturnType<typeof federationNode>>) {
  const origin = `https://node${i}.example`;
  const handle = await openDatabase(`sqlite:${join(dir, `node${i}.db`)}`);
  const db = handle.db;
  await migrateToLatest(db);
  const ada = await admin(db);
  const cx: CommonsContext = { db, origin, clock: systemClock, signer: signerOf(origin) };
  const group = await upsertRemoteActor(
    db,
    {
      uri: fed.groupUri,
      type: "Group",
      username: "fed",
      host: new URL(F).host,
      name: "Federation",
      summary: "",
      url: null,
      avatarUrl: null,
      inbox: `${fed.groupUri}/inbox`,
      sharedInbox: `${F}/inbox`,
      followers: null,
      following: null,
      manuallyApprovesFollowers: false,
    },
    systemClock,
  );
  await db
    .insertInto("coop_affiliations")
    .values({
      id: "a",
      group_uri: fed.groupUri,
      group_remote_id: group.id,
      status: "active",
      follow_activity_uri: `${origin}/f`,
      created_at: new Date().toISOString(),
    })
    .execute();
  const d = fed.dataset;
  const copy = await receiveDatasetCopy(cx, {
    uri: d.uri,
    groupUri: fed.groupUri,
    title: d.title,
    purpose: d.purpose,
    unit: d.unit,
    fields: JSON.parse(d.fields),
    period: d.period,
    budgetRho: d.budget_rho,
    defaultRho: d.default_rho,
    maxRowsPerUnit: d.max_rows_per_unit,
    maxRowsPerMember: d.max_rows_per_member,
    createdByUri: d.created_by_uri,
    published: d.created_at,
  });
  if (!copy.ok) throw new Error(copy.reason);
  await sql
    .raw(`insert into commons_rows (id, dataset_id, account_id, unit_key, consent_id, f0, f1, created_at)
      select 'r' || printf('%08d', g), '${copy.value.id}', '${ada.id}', 'u' || (g % ${ROWS / 5}), 'c',
        cast((g * 7919) % 401 as text), case g % 3 when 0 then 'care' when 1 then 'food' else 'repair' end,
        '2026-01-01T00:00:00.000Z'
      from (with recursive s(g) as (select 1 union all select g + 1 from s where g < ${ROWS}) select g from s)`)
    .execute(db);
  return { handle, cx, origin };
}

async function measure(
  label: string,
  url: string,
  members: Awaited<ReturnType<typeof memberNode>>[],
  fed: Awaited<ReturnType<typeof federationNode>>,
) {
  for (const query of [
    { mechanism: "count", rho: 1 },
    { mechanism: "sum", field: "hours", rho: 1 },
  ]) {
    const asked = await askFederation(fed.cx, fed.ada, { datasetId: fed.dataset.id, query });
    if (!asked.ok) throw new Error(asked.reason);
    const fq = await findFederatedQuery(fed.cx.db, asked.value.id);
    if (!fq) throw new Error("no question");
    const parts: PartInput[] = [];
    for (const m of members) {
      const answer = await answerFederation(m.cx, {
        queryUri: fq.uri,
        datasetUri: fed.dataset.uri,
        groupUri: fed.groupUri,
        query: fq.parsedQuery as CanonicalQuery,
      });
      if (!answer?.releaseId) throw new Error(`node ${m.origin}: ${answer?.reason}`);
      const r = await m.cx.db
        .selectFrom("commons_releases")
        .selectAll()
        .where("id", "=", answer.releaseId)
        .executeTakeFirstOrThrow();
      parts.push({
        queryUri: fq.uri,
        coopUri: `${m.origin}/users/coop`,
        answerUri: `${m.origin}/commons/answers/${answer.answerId}`,
        outcome: "released",
        release: { uri: r.uri, body: r.body, signature: r.signature, keyId: r.key_id },
      });
    }
    for (const p of parts.slice(0, -1)) {
      const taken = await receivePart(fed.cx, p);
      if (!taken.ok || taken.value.published) throw new Error(JSON.stringify(taken));
    }
    const start = performance.now();
    const last = await receivePart(fed.cx, parts.at(-1) as PartInput);
    const ms = performance.now() - start;
    if (!last.ok || !last.value.published) throw new Error(JSON.stringify(last));
    const done = await findFederatedQuery(fed.cx.db, asked.value.id);
    const release = await fed.cx.db
      .selectFrom("commons_releases")
      .select("body")
      .where("id", "=", done?.release_id ?? "")
      .executeTakeFirstOrThrow();
    const method = (JSON.parse(release.body) as { combination: { method: string } }).combination
      .method;
    console.log(
      `${label.padEnd(10)} ${query.mechanism.padEnd(5)} over ${NODES} nodes (${ROWS.toLocaleString("en-US")} rows each): assembled ${(ms / 1000).toFixed(3)} s after the last answer (${method}; target < 5 s): ${ms < 5000 ? "ok" : "MISSED"}`,
    );
  }
  void url;
}

async function run(label: string, url: string) {
  const fed = await federationNode(url);
  const members = [];
  for (let i = 0; i < NODES; i++) members.push(await memberNode(i, fed));
  try {
    await measure(label, url, members, fed);
  } finally {
    for (const m of members) await m.handle.close();
    await fed.handle.close();
  }
}

await run("SQLite", `sqlite:${join(dir, "federation.db")}`);

const server = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const scratch = `synco_bench_commons_fed_${randomBytes(4).toString("hex")}`;
const pg = (await import("pg")).default;
const admin_ = async (statement: string) => {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
};
try {
  await admin_(`CREATE DATABASE ${scratch}`);
} catch (error) {
  console.log(`PostgreSQL skipped: ${(error as Error).message}`);
  process.exit(0);
}
try {
  const u = new URL(server);
  u.pathname = `/${scratch}`;
  // Member nodes again on fresh SQLite files: only the federation's node is on PostgreSQL.
  for (let i = 0; i < NODES; i++)
    await import("node:fs").then((fs) => fs.rmSync(join(dir, `node${i}.db`), { force: true }));
  await run("PostgreSQL", u.toString());
} catch (error) {
  console.log("PostgreSQL failed:", error);
  process.exitCode = 1;
} finally {
  await admin_(`DROP DATABASE ${scratch} WITH (FORCE)`);
}
