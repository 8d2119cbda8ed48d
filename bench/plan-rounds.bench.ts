/**
 * Plan-round bench (issue 21, "Speed"): a federation of 1,000 member co-ops,
 * each with 10 open offers and 10 open needs in the federation's marketplace
 * (the economy bench's seeded synthetic round, src/economy/planning/instance.ts,
 * placed on a map of Iberia), 20,000 proposals in all. One round is opened and
 * the worker's sweep solves it end to end: the proposals read from the
 * database, the planner's input built (links to the 10 nearest needers per
 * offer), HiGHS in a worker thread, the revision and its commitments stored.
 * Targets: < 20 s and < 1 GB (peak RSS of the process, worker included),
 * without blocking the web process: while the round solves, a real HTTP server
 * in the same process answers GET /plan-rounds every 25 ms; its latencies and
 * the event loop's worst delay are printed.
 * BENCH_DATABASE_URL=postgres://… runs on PostgreSQL.
 */
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createAccount } from "../src/accounts/accounts.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { openRound } from "../src/economy/plan-rounds/rounds.ts";
import { sweepPlanRounds } from "../src/economy/plan-rounds/sweep.ts";
import { syntheticRound } from "../src/economy/planning/instance.ts";
import { planAllocation } from "../src/economy/planning/planner.ts";
import { createGroup } from "../src/groups/groups.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { newId } from "../src/kernel/ids.ts";
import type { WebEnv } from "../src/web/context.ts";
import { translator } from "../src/web/i18n/i18n.ts";
import { planRoundPages } from "../src/web/plan-rounds/pages.ts";

const COOPS = 1_000;
const dir = mkdtempSync(join(tmpdir(), "synco-bench-plan-"));
const url = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, "synco.db")}`;
const dialect = url.startsWith("postgres") ? "PostgreSQL" : "SQLite";
const handle = await openDatabase(url);
await migrateToLatest(handle.db);
const origin = "https://bench.example";
const ctx = { db: handle.db, origin, clock: systemClock };
const made = await createAccount(
  handle.db,
  { username: "ana", email: "ana@bench.example", password: "long enough", role: "admin" },
  { passwordCost: 8 },
);
if (!made.ok) throw new Error(made.reason);
const ana = { id: made.value.id, username: "ana" };
const group = await createGroup(
  { db: handle.db, origin, domain: "bench.example", clock: systemClock },
  ana,
  { name: "fed", kind: "federation", displayName: "Fed", visibility: "public", moderated: false },
);
if (!group.ok) throw new Error(group.reason);
const groupUri = `${origin}/groups/fed`;
const chunk = <T>(xs: T[], n: number) =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

// Seed: the synthetic round's co-ops as remote member co-ops, its supplies and needs as proposals.
const t0 = performance.now();
const shape = {
  coops: COOPS,
  goods: 100,
  suppliedPerCoop: 10,
  neededPerCoop: 10,
  linksPerSupply: 10,
  seed: 9,
};
const synthetic = syntheticRound(shape);
const coopUri = (id: string) => `https://${id}.example/users/coop`;
const place = new Map<string, [number, number]>();
let k = 0;
for (const c of synthetic.coops) {
  // A deterministic spread over 36–44° N, 9° W–3° E.
  place.set(c.id, [36 + ((k * 7919) % 1000) / 125, -9 + ((k * 104_729) % 1000) / 83.3]);
  k++;
}
const at = new Date().toISOString();
await handle.db.transaction().execute(async (trx) => {
  for (const rows of chunk(synthetic.coops, 500))
    await trx
      .insertInto("group_members")
      .values(
        rows.map((c) => ({
          id: newId(),
          group_id: group.value.id,
          actor_uri: coopUri(c.id),
          account_id: null,
          remote_id: null,
          actor_kind: "coop" as const,
          role: "member" as const,
          status: "active" as const,
          follow_activity_uri: null,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
  const proposals = [
    ...synthetic.supplies.map((s) => ({
      purpose: "offer" as const,
      coop: s.coop,
      good: s.good,
      quantity: s.quantity,
      minimum: 0,
    })),
    ...synthetic.needs.map((n) => ({
      purpose: "request" as const,
      coop: n.coop,
      good: n.good,
      quantity: n.quantity,
      minimum: 0,
    })),
  ];
  for (const rows of chunk(proposals, 400))
    await trx
      .insertInto("econ_proposals")
      .values(
        rows.map((p) => {
          const id = newId();
          const [latitude, longitude] = place.get(p.coop) ?? [40, -3];
          return {
            id,
            uri: `https://${p.coop}.example/economy/proposals/${id}`,
            local: 0,
            purpose: p.purpose,
            agent_uri: coopUri(p.coop),
            agent_kind: "coop" as const,
            account_id: null,
            group_uri: groupUri,
            spec_id: null,
            spec_uri: `https://specs.example/${p.good}`,
            name: p.good,
            note: "",
            category: `cat${Number(p.good.slice(1)) % 10}`,
            unit: "kilogram",
            quantity: p.quantity * 1000,
            available: p.quantity * 1000,
            minimum: 0,
            place_name: "",
            latitude,
            longitude,
            available_from: null,
            available_until: null,
            reciprocity: "gift" as const,
            unit_price: 0,
            currency: "",
            action: "transfer" as const,
            images: "[]",
            status: "open" as const,
            published_at: at,
            created_at: at,
            updated_at: at,
          };
        }),
      )
      .execute();
});
const seeded = (performance.now() - t0) / 1000;

// The web process: the plan-round pages behind a real HTTP server in this process.
const app = new Hono<WebEnv>();
app.use(async (c, next) => {
  c.set("locale", "en");
  c.set("t", translator("en"));
  c.set("viewer", { id: ana.id, username: "ana", displayName: "Ana", role: "admin" });
  c.set("coop", { name: "Bench", description: "" });
  c.set("csrfToken", "");
  await next();
});
app.route(
  "/",
  planRoundPages({
    db: handle.db,
    config: { origin, domain: "bench.example" },
    clock: systemClock,
  }),
);
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
await new Promise((resolve) => server.once("listening", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const probe = async () => {
  const s = performance.now();
  const res = await fetch(`${base}/plan-rounds`);
  await res.text();
  if (res.status !== 200) throw new Error(`probe: ${res.status}`);
  return performance.now() - s;
};
const idle: number[] = [];
for (let i = 0; i < 20; i++) idle.push(await probe());

const opened = await openRound(ctx, ana, {
  groupId: group.value.id,
  round: { title: "Bench", deadline: new Date(Date.now() + 3 * 86_400_000).toISOString() },
});
if (!opened.ok) throw new Error(opened.reason);

const latencies: number[] = [];
let solving = true;
const prober = (async () => {
  while (solving) {
    latencies.push(await probe());
    await new Promise((r) => setTimeout(r, 25));
  }
})();
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const cpu0 = process.cpuUsage();
const elu0 = performance.eventLoopUtilization();
const t1 = performance.now();
const timings: Record<string, number> = {};
const swept = await sweepPlanRounds(ctx, { timings });
const wall = (performance.now() - t1) / 1000;
const cpu = process.cpuUsage(cpu0);
const elu = performance.eventLoopUtilization(elu0);
solving = false;
await prober;
delay.disable();
const rss = process.resourceUsage().maxRSS / 1024;
if (swept.solved !== 1) throw new Error("the round was not solved");

const round = await handle.db
  .selectFrom("plan_rounds")
  .selectAll()
  .where("id", "=", opened.value.id)
  .executeTakeFirstOrThrow();
const revision = await handle.db
  .selectFrom("plan_revisions")
  .selectAll()
  .where("round_id", "=", round.id)
  .executeTakeFirstOrThrow();
const output = JSON.parse(revision.output ?? "{}");
const input = JSON.parse(revision.input);
const commitments = await handle.db
  .selectFrom("plan_commitments")
  .select((eb) => eb.fn.countAll<number>().as("n"))
  .where("round_id", "=", round.id)
  .executeTakeFirstOrThrow();
const t2 = performance.now();
const again = await planAllocation(input);
const rerun = (performance.now() - t2) / 1000;
const same =
  JSON.stringify(again.flows) === JSON.stringify(output.flows) &&
  again.objective === output.objective;

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0).toFixed(1);
};
const ok = (b: boolean) => (b ? "ok" : "MISSED");
console.log(
  `### A plan round for ${COOPS} co-ops (${dialect}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")})`,
);
console.log(
  `seeded ${synthetic.supplies.length + synthetic.needs.length} proposals of ${COOPS} member co-ops in ${seeded.toFixed(1)} s`,
);
console.log(
  `input: ${input.supplies.length} supplies, ${input.needs.length} needs, ${input.links.length} links; ` +
    `HiGHS ${output.solver.version} ${output.solver.method}: ${output.solver.status}, ${output.solver.variables} variables, ` +
    `${output.solver.constraints} constraints, solver ${output.solver.seconds.toFixed(2)} s`,
);
console.log(`round status ${round.status}, ${Number(commitments.n)} commitments proposed`);
console.log(
  `end to end (read proposals, build input, solve in a worker thread, store): ${wall.toFixed(2)} s — target < 20 s: ${ok(wall < 20)}`,
);
console.log(
  `  steps: read proposals and build the input ${((timings.input ?? 0) / 1000).toFixed(2)} s (main thread), ` +
    `worker thread (start, model, HiGHS, result) ${((timings.solve ?? 0) / 1000).toFixed(2)} s, ` +
    `store the revision and commitments ${((timings.store ?? 0) / 1000).toFixed(2)} s`,
);
console.log(
  `  CPU time of the process (every thread) ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; ` +
    `main thread busy ${(elu.utilization * 100).toFixed(0)}% of the time (event-loop utilisation)`,
);
console.log(`peak RSS ${rss.toFixed(0)} MB — target < 1 GB: ${ok(rss < 1024)}`);
console.log(
  `web process during the solve: ${latencies.length} requests to GET /plan-rounds, latency p50 ${q(latencies, 0.5)} ms, ` +
    `p99 ${q(latencies, 0.99)} ms, max ${q(latencies, 1)} ms (idle p50 ${q(idle, 0.5)} ms); ` +
    `event loop worst delay ${(delay.max / 1e6).toFixed(0)} ms`,
);
console.log(`re-run of the stored input: ${rerun.toFixed(2)} s, same plan: ${same ? "yes" : "NO"}`);
server.close();
await handle.close();
