/**
 * Participatory budgeting in the app (issue 19):
 *
 * 1. Casting a ballot answers in < 20 ms p95 under 50 concurrent voters,
 *    measured at the capability (castBallot: the process's lock, eligibility,
 *    the district's projects, validation, the write and the outbox event in one
 *    transaction), not over HTTP. A group of 500 members; each round opens a
 *    process of 100 projects and 50 members pick 5 each at once (a burst) or
 *    within one second; named and secret ballots apart.
 * 2. The results of 10,000 voters × 100 projects: counted once by the worker's
 *    countProcess (MES + Add1 with explanations, and greedy), then the results
 *    page served from what was stored (latency and requests per second; the
 *    page's view is kept per count, so the stored JSON is parsed once).
 *
 * BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Hono } from "hono";
import type { KyselyPlugin } from "kysely";
import { createAccount } from "../src/accounts/accounts.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { batchSettings } from "../src/governance/budgeting/processes/ballot-batch.ts";
import { castBallot } from "../src/governance/budgeting/processes/ballots.ts";
import { countProcess } from "../src/governance/budgeting/processes/counting.ts";
import { syntheticElection } from "../src/governance/budgeting/synthetic.ts";
import { createGroup } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { newId } from "../src/kernel/ids.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { resultsPages } from "../src/web/budgeting/results-page.ts";
import type { WebEnv } from "../src/web/context.ts";
import { translator } from "../src/web/i18n/i18n.ts";
import { insertProcess } from "../test/support/budgeting-vote.ts";

const MEMBERS = 500;
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const VOTERS = Number(process.env.BENCH_VOTERS ?? 10_000);
const PROJECTS = 100;
// BENCH_READ_AHEAD=1: the batch reads its checks beside its transaction (to compare; off by default).
batchSettings.readAhead = process.env.BENCH_READ_AHEAD === "1";
// Secret ballots already in each district before a round (a district a while into its vote);
// with it, only the secret cases run.
const PRELOAD = Number(process.env.BENCH_PRELOAD ?? 0);

const dir = mkdtempSync(join(tmpdir(), "synco-bench-budgeting-"));
const url = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, "synco.db")}`;
const dialect = url.split(":")[0];
const handle = await openDatabase(url);
await migrateToLatest(handle.db);
const origin = "https://bench.example";
// Counts the statements the ballots send (BEGIN and COMMIT aside): a figure the machine's load cannot blur.
let statements = 0;
const counting: KyselyPlugin = {
  transformQuery: (args) => {
    statements++;
    return args.node;
  },
  transformResult: async (args) => args.result,
};
const ctx = { db: handle.db, origin, domain: "bench.example", clock: systemClock };
const castCtx = { ...ctx, db: handle.db.withPlugin(counting) };

const members: { id: string; username: string }[] = [];
for (let i = 0; i < MEMBERS; i++) {
  const r = await createAccount(
    handle.db,
    { username: `m${i}`, email: `m${i}@bench.example`, password: "long enough", role: "member" },
    { passwordCost: 8 },
  );
  if (!r.ok) throw new Error(r.reason);
  members.push({ id: r.value.id, username: r.value.username });
}
const admin = members[0] as { id: string; username: string };
const made = await createGroup(ctx, admin, {
  name: "bench",
  kind: "working_group",
  displayName: "Bench",
  visibility: "public",
  moderated: false,
});
if (!made.ok) throw new Error(made.reason);
const group = made.value;
for (const m of members.slice(1)) await joinGroup(ctx, m, { group });

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const costs = Array.from({ length: PROJECTS }, (_, i) => 500_000 + ((i * 7919) % 100) * 50_000);

/** PRELOAD secret ballots of voters elsewhere, written straight into the district's tables. */
async function preload(processId: string, d: { id: string; projects: string[] }) {
  for (let i = 0; i < PRELOAD; i += 500) {
    const n = Math.min(500, PRELOAD - i);
    await handle.db
      .insertInto("pb_voters")
      .values(
        Array.from({ length: n }, (_, k) => {
          const uri = `https://elsewhere.example/users/v${i + k}`;
          return { process_id: processId, district_id: d.id, voter_uri: uri, cast_by_uri: uri };
        }),
      )
      .execute();
    await handle.db
      .insertInto("pb_secret_ballots")
      .values(
        Array.from({ length: n }, () => ({
          process_id: processId,
          district_id: d.id,
          id: newId(),
          choices: JSON.stringify({ [d.projects[0] as string]: 1 }),
          receipt_hash: newId(),
        })),
      )
      .execute();
  }
}

async function casting(secrecy: "named" | "secret", spreadMs = 0) {
  const times: number[] = [];
  let cpuMicros = 0;
  let sent = 0;
  // Round 0 warms up (JIT, statement cache) and is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    if (round === 1) {
      times.length = 0;
      cpuMicros = 0;
      sent = 0;
    }
    const p = await insertProcess(handle.db, origin, new Date(), {
      group,
      over: { secrecy, max_projects: 10 },
      categories: ["Parks", "Streets", "Culture"],
      districts: [{ budget: 20_000_000, costs }],
    });
    const d = p.districts[0] as { id: string; projects: string[] };
    if (secrecy === "secret" && PRELOAD > 0) await preload(p.id, d);
    const voters = members.slice((round * CONCURRENT) % MEMBERS).slice(0, CONCURRENT);
    // CPU and statements of the casting only (the process set up above is not counted).
    const cpu = process.cpuUsage();
    const before = statements;
    const results = await Promise.all(
      voters.map(async (m, i) => {
        if (spreadMs) await new Promise((r) => setTimeout(r, Math.random() * spreadMs));
        const choices: Record<string, number> = {};
        for (let k = 0; k < 5; k++) choices[d.projects[(i * 13 + k * 17) % PROJECTS] as string] = 1;
        const start = performance.now();
        const r = await castBallot(
          castCtx,
          { uri: memberUri(origin, m.username), accountId: m.id },
          { processId: p.id, districtId: d.id, choices },
        );
        times.push(performance.now() - start);
        return r;
      }),
    );
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
    sent += statements - before;
    const refused = results.filter((r) => !r.ok);
    if (refused.length) throw new Error(`refused: ${JSON.stringify(refused[0])}`);
  }
  console.log(
    `castBallot (${secrecy}${secrecy === "secret" && PRELOAD ? `, ${PRELOAD} ballots in the district before` : ""}, ${CONCURRENT} concurrent voters${spreadMs ? ` within ${spreadMs} ms` : " at once"}, ${times.length} ballots, ${dialect}): ` +
      `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms ` +
      `(target p95 < 20 ms); CPU ${(cpuMicros / 1000 / times.length).toFixed(2)} ms per ballot; ` +
      `${(sent / ROUNDS).toFixed(1)} statements per ${CONCURRENT} ballots`,
  );
}

// BENCH_ONLY=results skips the ballots (the count and the page only).
if (process.env.BENCH_ONLY !== "results") {
  if (!PRELOAD) await casting("named");
  await casting("secret");
  if (!PRELOAD) await casting("named", 1000);
  await casting("secret", 1000);
}
// BENCH_ONLY=ballots stops here (the ballots only).
if (process.env.BENCH_ONLY === "ballots") {
  await handle.close();
  process.exit(0);
}

// 2. 10,000 voters × 100 projects, the engine's seeded synthetic election.
const election = syntheticElection({ voters: VOTERS, projects: PROJECTS, seed: 1 });
const minor = (r: { n: bigint; d: bigint }) => Number((r.n * 100n) / r.d);
const big = await insertProcess(handle.db, origin, new Date(), {
  group,
  over: { phase: "results", title: "Big budget" },
  categories: ["Parks", "Streets", "Culture", "Youth", "Care"],
  districts: [
    { budget: minor(election.budget), costs: election.projects.map((x) => minor(x.cost)) },
  ],
});
const bd = big.districts[0] as { id: string; projects: string[] };
const idOf = new Map(election.projects.map((x, i) => [x.id, bd.projects[i] as string]));
const at = new Date().toISOString();
const rows = election.ballots.map((b) => ({
  id: newId(),
  process_id: big.id,
  district_id: bd.id,
  voter_uri: `bench:${b.voterId}`,
  cast_by_uri: `bench:${b.voterId}`,
  account_id: null,
  choices: JSON.stringify(Object.fromEntries(b.projects.map((id) => [idOf.get(id), 1]))),
  created_at: at,
  updated_at: at,
}));
for (let i = 0; i < rows.length; i += 500)
  await handle.db
    .insertInto("pb_ballots")
    .values(rows.slice(i, i + 500))
    .execute();
const countStart = performance.now();
const counted = await countProcess(ctx, big.id);
if (!counted.ok) throw new Error(counted.reason);
console.log(
  `countProcess (${VOTERS} voters × ${PROJECTS} projects, mes-add1 explained + greedy, ${dialect}): ${((performance.now() - countStart) / 1000).toFixed(2)} s, once, in the worker`,
);

const app = new Hono<WebEnv>();
app.use(async (c, next) => {
  c.set("locale", "en");
  c.set("t", translator("en"));
  c.set("viewer", null);
  c.set("coop", { name: "Bench", description: "" });
  c.set("csrfToken", "");
  await next();
});
app.route(
  "/",
  resultsPages({
    db: handle.db,
    config: { origin, domain: "bench.example", dataDir: dir, s3: null },
    federation: null as never,
    clock: systemClock,
  }),
);
const page = async () => {
  const res = await app.request(`/budgets/${big.id}/results`);
  if (res.status !== 200) throw new Error(`results page: ${res.status}`);
  return (await res.text()).length;
};
const stages = performance.now();
const { resultsOf } = await import("../src/governance/budgeting/processes/results.ts");
const view = await resultsOf({ db: handle.db }, big.id);
const groups = view?.districts[0]?.winners.reduce(
  (n, w) => n + (w.why.kind === "paid" ? w.why.payments.length : 0),
  0,
);
console.log(
  `resultsOf (read and shape the stored count): ${(performance.now() - stages).toFixed(1)} ms; ${groups} payment groups among the winners`,
);
const firstStart = performance.now();
const size = await page();
const first = performance.now() - firstStart;
const lat: number[] = [];
for (let i = 0; i < 100; i++) {
  const s = performance.now();
  await page();
  lat.push(performance.now() - s);
}
const burstStart = performance.now();
const N = 200;
await Promise.all(
  Array.from({ length: 10 }, async () => {
    for (let i = 0; i < N / 10; i++) await page();
  }),
);
const rps = N / ((performance.now() - burstStart) / 1000);
console.log(
  `results page (${VOTERS} voters × ${PROJECTS} projects, ${Math.round(size / 1024)} KiB, ${dialect}): first view ${first.toFixed(1)} ms, then p50 ${percentile(lat, 50).toFixed(1)} ms, p95 ${percentile(lat, 95).toFixed(1)} ms; ${rps.toFixed(0)} req/s with 10 at a time`,
);
await handle.close();
