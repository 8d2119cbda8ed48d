/**
 * Decisions pages and API bench (issue 18): what a decision's page costs beyond
 * the thread — building what a viewer may see (decisionShown: reads, live count
 * of the ballots so far, eligibility, standing) for a decision with 500 named
 * votes, drawing its tally (SVG and tables) for each rule, and the API's JSON.
 * BENCH_DATABASE_URL=postgres://… runs the reads on PostgreSQL.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createAccount } from "../src/accounts/accounts.ts";
import { serializeDecision } from "../src/api/serializers/decision.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { createDecision } from "../src/governance/decisions/decisions.ts";
import { type Ballot, count, type RuleSettings } from "../src/governance/decisions/types.ts";
import { decisionShown } from "../src/governance/decisions/viewing.ts";
import { castVote } from "../src/governance/decisions/votes.ts";
import { createGroup } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { tallyView } from "../src/web/decisions/tally-view.ts";
import { translator } from "../src/web/i18n/i18n.ts";

const MEMBERS = 500;
const dir = mkdtempSync(join(tmpdir(), "synco-bench-decisions-web-"));
const url = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, "synco.db")}`;
const handle = await openDatabase(url);
await migrateToLatest(handle.db);
const origin = "https://bench.example";
const ctx = { db: handle.db, origin, domain: "bench.example", clock: systemClock };

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
  visibility: "members",
  moderated: false,
});
if (!made.ok) throw new Error(made.reason);
for (const m of members.slice(1)) await joinGroup(ctx, m, { group: made.value });

const OPTIONS = 10;
const decision = await createDecision(ctx, admin, {
  group: made.value,
  proposal: {
    title: "Bench",
    rule: "irv",
    options: Array.from({ length: OPTIONS }, (_, i) => ({ label: `Option ${i}` })),
    closesAt: new Date(Date.now() + 3600_000).toISOString(),
  },
});
if (!decision.ok) throw new Error(decision.reason);
const shuffle = (i: number) =>
  Array.from({ length: OPTIONS }, (_, k) => (k * 7 + i) % OPTIONS).slice(0, 1 + (i % OPTIONS));
for (const [i, m] of members.entries()) {
  const r = await castVote(
    ctx,
    { uri: memberUri(origin, m.username), accountId: m.id },
    { decisionId: decision.value.id, choice: { ranking: shuffle(i) } },
  );
  if (!r.ok) throw new Error(r.reason);
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
async function time(label: string, runs: number, f: () => unknown | Promise<unknown>) {
  for (let i = 0; i < 3; i++) await f();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    xs.push(performance.now() - t0);
  }
  console.log(
    `${label}: p50 ${percentile(xs, 50).toFixed(2)} ms, p95 ${percentile(xs, 95).toFixed(2)} ms (${runs} runs)`,
  );
}

const viewer = members[7] as { id: string; username: string };
await time(`decisionShown, ${MEMBERS} named votes, IRV over ${OPTIONS} (live count)`, 50, () =>
  decisionShown(ctx, viewer, decision.value.id),
);
const shown = await decisionShown(ctx, viewer, decision.value.id);
if (!shown) throw new Error("not shown");
await time("API JSON of that decision (serialize + stringify)", 200, () =>
  JSON.stringify(serializeDecision(origin, shown)),
);

const t = translator("en");
const labels = Array.from({ length: 20 }, (_, i) => `Option ${i}`);
const ballots = (make: (i: number) => Ballot["choice"]) =>
  Array.from({ length: 1000 }, (_, i) => ({ choice: make(i) }));
const ranking = (i: number) => Array.from({ length: 20 }, (_, k) => (k * 7 + i) % 20);
const cases: [RuleSettings, Ballot[]][] = [
  [{ rule: "consent", options: [] }, ballots((i) => ({ position: i % 9 ? "agree" : "abstain" }))],
  [{ rule: "single", options: labels }, ballots((i) => ({ option: i % 20 }))],
  [
    { rule: "score", options: labels },
    ballots((i) => ({ scores: labels.map((_, k) => (i + k) % 6) })),
  ],
  [{ rule: "irv", options: labels }, ballots((i) => ({ ranking: ranking(i) }))],
  [{ rule: "schulze", options: labels }, ballots((i) => ({ ranking: ranking(i) }))],
];
for (const [s, b] of cases) {
  const tally = count(s, b, { eligibleWeight: 1000, seed: "bench" });
  let size = 0;
  await time(
    `draw the ${s.rule} tally (${s.options.length || 4} options, SVG + tables)`,
    200,
    async () => {
      size = String(await tallyView(t, tally, s.options, { closed: true, quorum: false })).length;
    },
  );
  console.log(`  ${size} bytes of HTML`);
}
await handle.close();
