/**
 * Opsroom bench (issue 21):
 * 1. 10,000 indicators, each past its detector's warm-up, updated once each in
 *    one report (detector restored from its snapshot, stepped, saved; values,
 *    alarms and notices written; outbox events) — target < 2 s end to end.
 *    About 1% of them jump, so alarms are raised and their managers told.
 * 2. A federation's opsroom page with 1,000 member co-ops (5 indicators each,
 *    200 escalations) rendered at the server — target < 100 ms.
 * BENCH_DATABASE_URL=postgres://… runs both on PostgreSQL.
 */
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Hono } from "hono";
import { createAccount } from "../src/accounts/accounts.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { CyberstrideDetector } from "../src/economy/indicators/detector.ts";
import { reportValues } from "../src/economy/opsroom/values.ts";
import { assembly, createGroup } from "../src/groups/groups.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { newId } from "../src/kernel/ids.ts";
import { mulberry32 } from "../src/kernel/mulberry32.ts";
import type { WebEnv } from "../src/web/context.ts";
import { translator } from "../src/web/i18n/i18n.ts";
import { opsroomPages } from "../src/web/opsroom/pages.ts";

const INDICATORS = 10_000;
const HISTORY = 25;
const COOPS = 1_000;
const dir = mkdtempSync(join(tmpdir(), "synco-bench-indicators-"));
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
const coop = await assembly(handle.db);
const random = mulberry32(2026);
const day = (i: number) =>
  new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const chunk = <T>(xs: T[], n: number) =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

// Setup: indicators with HISTORY values each, the detector warmed up in memory and saved.
const now = new Date().toISOString();
const ids: string[] = [];
const levels: number[] = [];
const indicatorRows = [];
const valueRows = [];
for (let k = 0; k < INDICATORS; k++) {
  const id = newId();
  const level = 50 + 100 * random();
  const detector = new CyberstrideDetector();
  for (let i = 0; i < HISTORY; i++) {
    const value = level + (random() - 0.5) * 2;
    detector.push(day(i), value);
    valueRows.push({
      id: newId(),
      indicator_id: id,
      period: day(i),
      value,
      forecast: null,
      lower: null,
      upper: null,
      source: "api" as const,
      reported_by: ana.id,
      reported_at: now,
    });
  }
  ids.push(id);
  levels.push(level);
  indicatorRows.push({
    id,
    group_id: coop.id,
    name: `Indicator ${k}`,
    unit: "u",
    frequency: "daily" as const,
    direction: "up" as const,
    capability: null,
    potentiality: null,
    share_values: 0,
    detector: JSON.stringify(detector.snapshot()),
    status: "normal" as const,
    last_period: day(HISTORY - 1),
    last_value: level,
    last_reported_at: now,
    values_count: HISTORY,
    created_by: ana.id,
    created_at: now,
    updated_at: now,
  });
}
for (const part of chunk(indicatorRows, 200))
  await handle.db.insertInto("indicators").values(part).execute();
for (const part of chunk(valueRows, 500))
  await handle.db.insertInto("indicator_values").values(part).execute();

const reports = ids.map((indicatorId, k) => ({
  indicatorId,
  period: day(HISTORY),
  // About 1% jump by 30 noise widths: alarms.
  value: (levels[k] as number) + (k % 100 === 0 ? 30 : (random() - 0.5) * 2),
}));
const start = performance.now();
const cpu = process.cpuUsage();
const done = await reportValues(ctx, ana, reports, "api");
const seconds = (performance.now() - start) / 1000;
const used = process.cpuUsage(cpu);
const cpuSeconds = (used.user + used.system) / 1e6;
if (!done.ok) throw new Error(done.reason);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
console.log(
  `${INDICATORS} indicators updated once each (detector + storage + ${done.value.alarms.length} alarms, ${dialect}): ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU in this process ${seconds < 2 ? "✓" : "✗"} (target < 2 s; load average ${load()})`,
);

// The federation's page: 1,000 member co-ops with 5 indicators each, 200 escalations.
const fed = await createGroup({ ...ctx, domain: "bench.example" }, ana, {
  name: "fednet",
  kind: "federation",
  displayName: "Fednet",
  visibility: "members",
  moderated: false,
});
if (!fed.ok) throw new Error(fed.reason);
const coopUri = (i: number) => `https://coop${i}.example/users/coop`;
const memberRows = [];
const stateRows = [];
const escalationRows = [];
for (let i = 0; i < COOPS; i++) {
  memberRows.push({
    id: newId(),
    group_id: fed.value.id,
    actor_uri: coopUri(i),
    account_id: null,
    remote_id: null,
    actor_kind: "coop" as const,
    role: "member" as const,
    status: "active" as const,
    follow_activity_uri: null,
    created_at: now,
    updated_at: now,
  });
  for (let j = 0; j < 5; j++)
    stateRows.push({
      group_id: fed.value.id,
      indicator_uri: `https://coop${i}.example/opsroom/indicators/${j}`,
      coop_uri: coopUri(i),
      name: `Indicator ${j}`,
      unit: "u",
      frequency: "daily" as const,
      status:
        (i * 5 + j) % 37 === 0
          ? ("crisis" as const)
          : (i * 5 + j) % 11 === 0
            ? ("alert" as const)
            : ("normal" as const),
      last_period: day(HISTORY),
      last_value: j % 2 ? 42 : null,
      updated_at: now,
    });
  if (i % 5 === 0)
    escalationRows.push({
      id: newId(),
      group_id: fed.value.id,
      alarm_uri: `https://coop${i}.example/opsroom/alarms/1`,
      coop_uri: coopUri(i),
      indicator_uri: `https://coop${i}.example/opsroom/indicators/0`,
      indicator_name: "Indicator 0",
      unit: "u",
      period: day(HISTORY),
      kind: "step" as const,
      probability: 0.97,
      value: null,
      forecast: null,
      lower: null,
      upper: null,
      raised_at: now,
      received_at: now,
      level: 1,
      origin_state: "open" as const,
      state: i % 10 === 0 ? ("open" as const) : ("resolved" as const),
      escalated_to: "[]",
      escalated_at: null,
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      resolved_by: null,
      updated_at: now,
    });
}
await handle.db
  .insertInto("group_members")
  .values({
    id: newId(),
    group_id: fed.value.id,
    actor_uri: `${origin}/users/ana`,
    account_id: ana.id,
    remote_id: null,
    actor_kind: "person",
    role: "admin",
    status: "active",
    follow_activity_uri: null,
    created_at: now,
    updated_at: now,
  })
  .onConflict((oc) => oc.doNothing())
  .execute();
for (const part of chunk(memberRows, 500))
  await handle.db.insertInto("group_members").values(part).execute();
for (const part of chunk(stateRows, 500))
  await handle.db.insertInto("indicator_member_states").values(part).execute();
for (const part of chunk(escalationRows, 200))
  await handle.db.insertInto("indicator_escalations").values(part).execute();

const app = new Hono<WebEnv>();
app.use(async (c, next) => {
  c.set("locale", "en");
  c.set("t", translator("en"));
  c.set("viewer", { id: ana.id, username: "ana", displayName: "Ana", role: "admin" });
  c.set("coop", { name: "Bench", description: "" });
  c.set("csrfToken", "");
  await next();
});
app.route("/", opsroomPages({ db: handle.db, config: { origin }, clock: systemClock }));
const times: number[] = [];
let size = 0;
const pageCpu = process.cpuUsage();
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  const res = await app.request("/groups/fednet/opsroom");
  const body = await res.text();
  times.push(performance.now() - t0);
  if (res.status !== 200) throw new Error(`page: ${res.status} ${body.slice(0, 200)}`);
  size = body.length;
}
const pageCpuUsed = process.cpuUsage(pageCpu);
const cpuPerPage = (pageCpuUsed.user + pageCpuUsed.system) / 1000 / 30;
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] as number;
const p95 = times[Math.floor(times.length * 0.95)] as number;
console.log(
  `federation opsroom page, ${COOPS} member co-ops × 5 indicators, ${escalationRows.length} escalations (${dialect}, ${(size / 1024).toFixed(0)} KB): median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, ${cpuPerPage.toFixed(1)} ms CPU a page ${p95 < 100 ? "✓" : "✗"} (target < 100 ms; load average ${load()})`,
);
await handle.close();
