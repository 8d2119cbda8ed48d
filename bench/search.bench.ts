/**
 * Search bench (issue 17): 100,000 posts (notes and articles, English and
 * Spanish, public, unlisted, followers-only and direct) by 500 authors; typical
 * queries through src/search (ranking, visibility, snippets), as a member with
 * follows and as a visitor. Target: p95 < 50 ms on SQLite and on PostgreSQL.
 *
 * SQLite by default; on PostgreSQL with `-- --pg` (a fresh database on the server
 * of TEST_DATABASE_URL, dropped afterwards) or BENCH_DATABASE_URL.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createAccount } from "../src/accounts/accounts.ts";
import { createNode } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { newId } from "../src/kernel/ids.ts";
import { searchPosts } from "../src/search/search.ts";
import { postHtml, seeded, sentence } from "./search-corpus.ts";

const POSTS = Number(process.env.BENCH_POSTS ?? 100_000);
const MEMBERS = 50;
const REMOTE = 450;
const pgServer =
  process.argv.includes("--pg") || process.env.BENCH_SEARCH_PG
    ? (process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test")
    : null;

async function adminQuery(url: string, statement: string) {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const dir = mkdtempSync(join(tmpdir(), "synco-bench-search-"));
let databaseUrl = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, "synco.db")}`;
const scratch = pgServer ? `synco_bench_search_${randomBytes(4).toString("hex")}` : null;
if (pgServer && scratch) {
  await adminQuery(pgServer, `CREATE DATABASE ${scratch}`);
  const u = new URL(pgServer);
  u.pathname = `/${scratch}`;
  databaseUrl = u.toString();
}
const config = loadConfig({
  SYNCO_DOMAIN: "bench.example",
  SYNCO_DATA_DIR: dir,
  SYNCO_DATABASE_URL: databaseUrl,
  SYNCO_SECRET: "bench-secret-".padEnd(40, "x"),
  SYNCO_PASSWORD_COST: "8",
  SYNCO_LOG_LEVEL: "error",
});
const node = await createNode(config);
const db = node.db.db;
const origin = config.origin;
const now = () => new Date().toISOString();
const rand = seeded(17);

// BENCH_DATABASE_URL of a kept database (BENCH_KEEP) is searched again without seeding.
const kept = await db
  .selectFrom("accounts")
  .select("id")
  .where("username", "=", "m0")
  .executeTakeFirst();
const viewer = kept ? { id: kept.id, username: "m0", uri: `${origin}/users/m0` } : await seed();

async function seed() {
  const members: { id: string; username: string; uri: string }[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const r = await createAccount(
      db,
      { username: `m${i}`, email: `m${i}@bench.example`, password: "long enough", role: "member" },
      { passwordCost: 8 },
    );
    if (!r.ok) throw new Error(r.reason);
    members.push({ ...r.value, uri: `${origin}/users/m${i}` });
  }
  const remotes: { id: string; uri: string }[] = [];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < REMOTE; i++) {
      const id = newId();
      const uri = `https://r${i % 40}.example/users/u${i}`;
      remotes.push({ id, uri });
      await trx
        .insertInto("remote_actors")
        .values({
          id,
          uri,
          handle: `u${i}@r${i % 40}.example`,
          type: "Person",
          username: `u${i}`,
          host: `r${i % 40}.example`,
          inbox_url: `${uri}/inbox`,
          fetched_at: now(),
          created_at: now(),
        })
        .execute();
    }
  });
  const authors = [
    ...members.map((m) => ({
      uri: m.uri,
      accountId: m.id as string | null,
      remoteId: null as string | null,
    })),
    ...remotes.map((r) => ({
      uri: r.uri,
      accountId: null as string | null,
      remoteId: r.id as string | null,
    })),
  ];
  const viewer = members[0] as (typeof members)[number];
  // The viewer follows 100 authors (their followers-only posts are found too).
  await db.transaction().execute(async (trx) => {
    for (const a of authors.slice(1, 101))
      await trx
        .insertInto("follows")
        .values({
          id: newId(),
          follower_uri: viewer.uri,
          followee_uri: a.uri,
          follower_account_id: viewer.id,
          follower_remote_id: null,
          followee_account_id: a.accountId,
          followee_remote_id: a.remoteId,
          status: "accepted",
          activity_uri: `${origin}/follows/${newId()}`,
          created_at: now(),
          accepted_at: now(),
        })
        .execute();
  });

  const TAGS = ["bread", "garden", "asamblea", "energy", "vivienda", "coop"];
  const seedStart = performance.now();
  const BATCH = 500;
  const start = Date.parse("2024-01-01T00:00:00Z");
  for (let from = 0; from < POSTS; from += BATCH) {
    await db.transaction().execute(async (trx) => {
      const rows = [];
      const tags = [];
      for (let i = from; i < Math.min(POSTS, from + BATCH); i++) {
        const a = authors[Math.floor(rand() * authors.length)] as (typeof authors)[number];
        const id = newId();
        const language = rand() < 0.6 ? ("en" as const) : ("es" as const);
        const article = rand() < 0.05;
        const tag = rand() < 0.15 ? (TAGS[Math.floor(rand() * TAGS.length)] as string) : null;
        const v = rand();
        rows.push({
          id,
          uri: a.accountId ? `${origin}/posts/${id}` : `${a.uri}/statuses/${i}`,
          url: null,
          author_uri: a.uri,
          author_account_id: a.accountId,
          author_remote_id: a.remoteId,
          local: a.accountId ? 1 : 0,
          visibility:
            v < 0.85
              ? ("public" as const)
              : v < 0.9
                ? ("unlisted" as const)
                : v < 0.98
                  ? ("followers" as const)
                  : ("direct" as const),
          in_reply_to_id: null,
          in_reply_to_uri: null,
          thread_id: id,
          reblog_of_id: null,
          content_html: postHtml(rand, language, tag),
          language,
          kind: article ? ("article" as const) : ("note" as const),
          title: article ? sentence(rand, language, 3 + Math.floor(rand() * 5)).slice(0, -1) : "",
          summary: article ? sentence(rand, language, 12) : "",
          created_at: new Date(start + i * 60_000).toISOString(),
          edited_at: null,
          deleted_at: null,
        });
        if (tag) tags.push({ post_id: id, tag });
      }
      await trx.insertInto("posts").values(rows).execute();
      if (tags.length) await trx.insertInto("post_tags").values(tags).execute();
    });
  }
  await sql`ANALYZE`.execute(db);
  console.log(
    `seeded ${POSTS} posts by ${authors.length} authors in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (${node.db.dialect})`,
  );
  return viewer;
}
const indexed = Number(
  (
    await db
      .selectFrom("search_documents")
      .select(sql<number>`count(*)`.as("n"))
      .executeTakeFirstOrThrow()
  ).n,
);
console.log(`${indexed} documents in the index (${node.db.dialect})`);

function percentiles(ms: number[]) {
  const sorted = [...ms].sort((x, y) => x - y);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN };
}
const fmt = (r: { p50: number; p95: number; max: number }) =>
  `p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, max ${r.max.toFixed(2)} ms`;

const ctx = { db, origin, domain: config.domain };
const me = { id: viewer.id, uri: viewer.uri };
/** Typical queries: a frequent word, a rare one, two words, a phrase, Spanish, operators. */
const QUERIES = [
  "bread",
  "cooperative",
  "orchard",
  "solar panels",
  '"repair cafe"',
  "cooperativas",
  "huerto cosecha",
  "assembly budget vote",
  "compost #garden",
  "running",
  "from:m3 meeting",
  "vivienda alquiler",
];

// Wall time, and on SQLite (which runs in this process) the CPU time of each query
// too: on a shared machine the wall time includes waiting for a core.
/**
 * PostgreSQL runs in its own processes: their CPU time (from /proc, in clock
 * ticks of 10 ms, so summed over a query's 40 runs) gives a mean per query that,
 * unlike the wall time, does not grow when other work holds the machine's cores.
 */
async function backendTicks(): Promise<number | null> {
  if (node.db.dialect !== "postgres") return null;
  const { readFileSync } = await import("node:fs");
  const pids = await sql<{
    pid: number;
  }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(db);
  let ticks = 0;
  for (const { pid } of pids.rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  }
  return ticks;
}
const all: number[] = [];
const allCpu: number[] = [];
const backendMeans: number[] = [];
let worst = { query: "", p95: 0 };
for (const query of QUERIES) {
  for (let i = 0; i < 5; i++) await searchPosts(ctx, me, { query });
  const times: number[] = [];
  const cpu: number[] = [];
  let found = 0;
  const ticksBefore = await backendTicks();
  for (let i = 0; i < 40; i++) {
    const viewerNow = i % 2 === 0 ? me : null;
    const c = process.cpuUsage();
    const t = performance.now();
    const hits = await searchPosts(ctx, viewerNow, { query, offset: i % 4 === 3 ? 20 : 0 });
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    found = Math.max(found, hits.length);
  }
  const ticksAfter = await backendTicks();
  const backendMs =
    ticksBefore !== null && ticksAfter !== null ? ((ticksAfter - ticksBefore) * 10) / 40 : null;
  if (backendMs !== null) backendMeans.push(backendMs);
  all.push(...times);
  allCpu.push(...cpu);
  const r = percentiles(times);
  if (r.p95 > worst.p95) worst = { query, p95: r.p95 };
  const cpuNote =
    node.db.dialect === "sqlite"
      ? `; CPU p95 ${percentiles(cpu).p95.toFixed(2)} ms`
      : backendMs !== null
        ? `; PostgreSQL CPU mean ${backendMs.toFixed(1)} ms + here mean ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(1)} ms`
        : "";
  console.log(`  ${JSON.stringify(query).padEnd(26)} ${fmt(r)}${cpuNote} (${found} hits/page)`);
}
const overall = percentiles(all);
console.log(
  `search, ${QUERIES.length} typical queries × 40 (member and visitor, pages 1–2): ${fmt(overall)} — target p95 < 50 ms: ${overall.p95 < 50 ? "met" : "NOT met"} (${node.db.dialect}; slowest query ${JSON.stringify(worst.query)} p95 ${worst.p95.toFixed(2)} ms)`,
);
if (node.db.dialect === "sqlite")
  console.log(`  CPU time per query (in process, load-independent): ${fmt(percentiles(allCpu))}`);
if (backendMeans.length > 0)
  console.log(
    `  PostgreSQL CPU per query (load-independent), mean by query: worst ${Math.max(...backendMeans).toFixed(1)} ms, mean ${(backendMeans.reduce((a, b) => a + b, 0) / backendMeans.length).toFixed(1)} ms; this process adds p95 ${percentiles(allCpu).p95.toFixed(2)} ms`,
  );
const load = (await import("node:os")).loadavg()[0] ?? 0;
console.log(
  `  load average during the run: ${load.toFixed(1)} on ${(await import("node:os")).cpus().length} cores`,
);
await node.close();
// BENCH_KEEP=1 keeps the database to study query plans (its URL is printed).
if (process.env.BENCH_KEEP) console.log(`kept ${databaseUrl}`);
else if (pgServer && scratch) await adminQuery(pgServer, `DROP DATABASE ${scratch} WITH (FORCE)`);
