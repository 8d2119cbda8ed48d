/**
 * Marketplace search bench (issue 20): 100,000 offers and needs, then the
 * searches people make — browse, a category, words, "within 25 km of me",
 * dates, reciprocity, and combinations — through `searchProposals`, a page of
 * 20 each. Target p95 < 50 ms per kind, on SQLite and on PostgreSQL (a scratch
 * database on the server of TEST_DATABASE_URL or BENCH_DATABASE_URL, or the
 * default local one; skipped if none answers). Run: npm run bench -- economy-market
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import type { Db } from "../src/db/database.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { type SearchInput, searchProposals } from "../src/economy/market/search.ts";
import { newId } from "../src/kernel/ids.ts";
import { mulberry32 } from "../src/kernel/mulberry32.ts";

const OFFERS = Number(process.env.BENCH_MARKET_OFFERS ?? 100_000);
const RUNS = 60;
const origin = "https://bench.example";
const CATEGORIES = Array.from({ length: 40 }, (_, i) => `category ${i}`);
const WORDS = [
  "tomato",
  "apple",
  "bread",
  "cheese",
  "wool",
  "repair",
  "transport",
  "honey",
  "olive",
  "seeds",
  "tools",
  "timber",
];

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

async function seed(handle: Db) {
  const random = mulberry32(20);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const at = Date.parse("2026-01-01T00:00:00Z");
  const batch = [];
  for (let i = 0; i < OFFERS; i++) {
    const id = newId();
    const placed = random() < 0.8;
    const priced = pick(["gift", "credit", "money"] as const);
    const windowed = random() < 0.3;
    const start = new Date(at + Math.floor(random() * 365) * 86_400_000).toISOString().slice(0, 10);
    const end = new Date(Date.parse(start) + 30 * 86_400_000).toISOString().slice(0, 10);
    // The rare word appears in about 1 in 2,000 names, to make text search scan.
    const rare = random() < 0.0005 ? " saffron" : "";
    batch.push({
      id,
      uri: `${origin}/economy/proposals/${id}`,
      local: 1,
      purpose: random() < 0.66 ? ("offer" as const) : ("request" as const),
      agent_uri: `${origin}/users/member${i % 500}`,
      agent_kind: "person" as const,
      account_id: null,
      group_uri: null,
      spec_id: null,
      spec_uri: `${origin}/economy/proposals/${id}#resource`,
      name: `${pick(WORDS)} ${pick(WORDS)} lot ${i}${rare}`,
      note: "A bench offer with a few words of description.",
      category: pick(CATEGORIES),
      unit: "kilogram",
      quantity: 10_000,
      available: 10_000,
      minimum: 0,
      place_name: placed ? "Somewhere" : "",
      latitude: placed ? 36 + random() * 7 : null,
      longitude: placed ? -9 + random() * 12 : null,
      available_from: windowed ? start : null,
      available_until: windowed ? end : null,
      reciprocity: priced,
      unit_price: priced === "gift" ? 0 : 250,
      currency: priced === "money" ? "EUR" : "",
      action: "transfer" as const,
      images: "[]",
      status: random() < 0.9 ? ("open" as const) : ("closed" as const),
      published_at: new Date(at + i * 1000).toISOString(),
      created_at: new Date(at + i * 1000).toISOString(),
      updated_at: new Date(at + i * 1000).toISOString(),
    });
    if (batch.length === 500) {
      await handle.db.insertInto("econ_proposals").values(batch.splice(0)).execute();
    }
  }
  if (batch.length) await handle.db.insertInto("econ_proposals").values(batch).execute();
}

function kinds(random: () => number): [string, () => SearchInput][] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const point = () => ({ latitude: 36.5 + random() * 6, longitude: -8.5 + random() * 11 });
  return [
    ["browse", () => ({})],
    ["offers in a category", () => ({ purpose: "offer", category: pick(CATEGORIES) })],
    ["a common word", () => ({ q: pick(WORDS) })],
    ["a rare word", () => ({ q: "saffron" })],
    ["within 25 km", () => ({ near: { ...point(), km: 25 } })],
    [
      "within 10 km, a category",
      () => ({ category: pick(CATEGORIES), near: { ...point(), km: 10 } }),
    ],
    ["dates", () => ({ from: "2026-06-01", until: "2026-06-30" })],
    [
      "credit, a category, a word",
      () => ({ reciprocity: "credit", category: pick(CATEGORIES), q: pick(WORDS) }),
    ],
    ["page 5 of browse", () => ({ limit: 20 })],
  ];
}

const p = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function measure(label: string, handle: Db) {
  await migrateToLatest(handle.db);
  const started = performance.now();
  await seed(handle);
  // What autovacuum's analyze does after a bulk load, so the planner knows the rows.
  if (label === "PostgreSQL") await sql`ANALYZE econ_proposals`.execute(handle.db);
  const seeded = (performance.now() - started) / 1000;
  const random = mulberry32(7);
  let worst = 0;
  console.log(
    `${label}: ${OFFERS.toLocaleString("en-US")} proposals seeded in ${seeded.toFixed(1)} s`,
  );
  for (const [name, make] of kinds(random)) {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const input = make();
      // "Page 5" times the fifth page alone (the four before it give its cursor).
      let cursor: string | undefined;
      if (name === "page 5 of browse")
        for (let page = 0; page < 4; page++) {
          const before = await searchProposals(handle, {
            ...input,
            ...(cursor ? { maxId: cursor } : {}),
          });
          cursor = before.ok ? (before.next ?? undefined) : undefined;
        }
      const t0 = performance.now();
      const found = await searchProposals(handle, {
        ...input,
        ...(cursor ? { maxId: cursor } : {}),
      });
      const ms = performance.now() - t0;
      if (!found.ok) throw new Error(`${name}: ${found.reason}`);
      if (run > 2) times.push(ms);
    }
    times.sort((a, b) => a - b);
    worst = Math.max(worst, p(times, 0.95));
    console.log(
      `  ${name.padEnd(28)} p50 ${p(times, 0.5).toFixed(1).padStart(6)} ms   p95 ${p(times, 0.95).toFixed(1).padStart(6)} ms`,
    );
  }
  console.log(
    `${label}: worst p95 ${worst.toFixed(1)} ms (target < 50 ms): ${worst < 50 ? "ok" : "MISSED"}`,
  );
}

async function run(label: string, url: string) {
  const handle = await openDatabase(url);
  try {
    await measure(label, handle);
  } finally {
    await handle.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), "synco-bench-market-"));
if (!process.argv.includes("--pg-only")) await run("SQLite", `sqlite:${join(dir, "synco.db")}`);
if (process.argv.includes("--sqlite-only")) process.exit(0);

const server =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const scratch = `synco_bench_market_${randomBytes(4).toString("hex")}`;
try {
  await adminQuery(server, `CREATE DATABASE ${scratch}`);
} catch (error) {
  console.log(`PostgreSQL skipped: ${(error as Error).message}`);
  process.exit(0);
}
try {
  const u = new URL(server);
  u.pathname = `/${scratch}`;
  await run("PostgreSQL", u.toString());
} catch (error) {
  console.log("PostgreSQL failed:", error);
  process.exitCode = 1;
} finally {
  await adminQuery(server, `DROP DATABASE ${scratch} WITH (FORCE)`);
}
