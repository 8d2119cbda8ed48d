/**
 * Ballots cast at the same instant on one process are written as one batch
 * (ballot-batch.ts), on SQLite or PostgreSQL (TEST_DATABASE_URL): each is
 * still checked and answered as if it were alone — refusals in the middle of
 * a batch write nothing for them and do not sink the others, a voter's second
 * ballot in the same batch is a change (named) or needs the receipt (secret) —
 * and one event per district is recorded for the batch.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type BudgetingVoteFixture,
  budgetingVoteFixture,
  type TestProcess,
} from "../../../../test/support/budgeting-vote.ts";
import { openDatabase } from "../../../db/database.ts";
import type { LocalMember } from "../../../groups/context.ts";
import type { Group } from "../../../groups/groups.ts";
import { batchSettings } from "./ballot-batch.ts";
import { ballotOf, castBallot } from "./ballots.ts";

let f: BudgetingVoteFixture;
let voters: LocalMember[];
let outsider: LocalMember;
let group: Group;
before(async () => {
  f = await budgetingVoteFixture();
  const admin = await f.member("ana", "admin");
  voters = [];
  for (let i = 0; i < 30; i++) voters.push(await f.member(`voter${String(i).padStart(2, "0")}`));
  outsider = await f.member("outsider");
  group = await f.groupWith("budget", admin, voters);
});
after(() => f.handle.close());

type District = { id: string; projects: string[] };
type Row = { process_id: string };

test("a burst of named ballots: each checked alone, refusals write nothing, a repeat is a change, one event per district", async () => {
  const p = await f.process({
    group,
    over: { max_projects: 2 },
    districts: [
      { budget: 1000, costs: [300, 500, 700] },
      { budget: 500, costs: [100, 200] },
    ],
  });
  const [d1, d2] = p.districts as [District, District];
  const [a, b, c] = d1.projects as [string, string, string];
  const x = d2.projects[0] as string;
  const other = await f.process({ group, districts: [{ budget: 10, costs: [5] }] });
  const eventsBefore = (await f.events("budgeting.ballot.cast")).length;
  const me = (i: number) => f.voter(voters[i] as LocalMember);
  const in1 = { processId: p.id, districtId: d1.id };
  const in2 = { processId: p.id, districtId: d2.id };
  // Everything below is submitted in one tick, so it forms one batch.
  const calls: [ReturnType<typeof me>, Parameters<typeof castBallot>[2]][] = [];
  for (let i = 0; i < 20; i++)
    calls.push([me(i), { ...(i % 2 ? in2 : in1), choices: i % 2 ? { [x]: 1 } : { [a]: 1 } }]);
  calls.push([f.voter(outsider), { ...in1, choices: { [a]: 1 } }]); // 20
  calls.push([me(20), { ...in1, choices: { [a]: 1, [b]: 1, [c]: 1 } }]); // 21: too many
  calls.push([me(21), { ...in1, choices: { [x]: 1 } }]); // 22: another district's project
  calls.push([
    me(22),
    { processId: p.id, districtId: other.districts[0]?.id as string, choices: { [a]: 1 } },
  ]); // 23
  calls.push([me(0), { ...in1, choices: { [b]: 1, [c]: 1 } }]); // 24: voter 0 changes in the same batch
  const answers = await Promise.all(calls.map(([v, input]) => castBallot(f.ctx, v, input)));
  for (let i = 0; i < 20; i++)
    assert.deepEqual(
      answers[i],
      { ok: true, value: { changed: false, receipt: null } },
      `ballot ${i}`,
    );
  assert.deepEqual(answers.slice(20), [
    { ok: false, reason: "not-eligible" },
    { ok: false, reason: "too-many-projects" },
    { ok: false, reason: "unknown-project" },
    { ok: false, reason: "district-not-found" },
    { ok: true, value: { changed: true, receipt: null } },
  ]);
  const stored = ((await f.table("pb_ballots")) as Row[]).filter((r) => r.process_id === p.id);
  assert.equal(stored.length, 20, "one ballot per voter and district; nothing for the refused");
  assert.deepEqual(await ballotOf(f.ctx, me(0), in1), { voted: true, choices: { [b]: 1, [c]: 1 } });
  assert.deepEqual(await ballotOf(f.ctx, me(20), in1), { voted: false, choices: null });
  const events = (await f.events("budgeting.ballot.cast")).slice(eventsBefore);
  assert.equal(events.length, 2, "one event per district for the batch");
  assert.deepEqual(
    new Set(events.map((e) => (e as { districtId: string }).districtId)),
    new Set([d1.id, d2.id]),
  );
});

test("a later burst of named ballots: those who had voted change theirs, the others are new", async () => {
  const p = await f.process({ group, districts: [{ budget: 1000, costs: [300, 500] }] });
  const [d] = p.districts as [District];
  const [a, b] = d.projects as [string, string];
  const at = { processId: p.id, districtId: d.id };
  const me = (i: number) => f.voter(voters[i] as LocalMember);
  const earlier = await Promise.all(
    [0, 1].map((i) => castBallot(f.ctx, me(i), { ...at, choices: { [a]: 1 } })),
  );
  assert.ok(earlier.every((r) => r.ok && !r.value.changed));
  const later = await Promise.all(
    [0, 1, 2, 3].map((i) => castBallot(f.ctx, me(i), { ...at, choices: { [b]: 1 } })),
  );
  assert.deepEqual(
    later.map((r) => r.ok && r.value.changed),
    [true, true, false, false],
  );
  for (const i of [0, 1, 2, 3])
    assert.deepEqual(await ballotOf(f.ctx, me(i), at), { voted: true, choices: { [b]: 1 } });
  const stored = ((await f.table("pb_ballots")) as Row[]).filter((r) => r.process_id === p.id);
  assert.equal(stored.length, 4);
});

test("a burst of secret ballots: receipts for firsts, a repeat without receipt refused, changes by receipt", async () => {
  const p = await f.process({
    group,
    over: { secrecy: "secret" },
    districts: [{ budget: 1000, costs: [300, 500] }],
  });
  const [d] = p.districts as [District];
  const [a, b] = d.projects as [string, string];
  const at = { processId: p.id, districtId: d.id };
  const me = (i: number) => f.voter(voters[i] as LocalMember);
  const early = await castBallot(f.ctx, me(0), { ...at, choices: { [a]: 1 } });
  assert.ok(early.ok && early.value.receipt);
  const calls = [
    castBallot(f.ctx, me(0), { ...at, choices: { [b]: 1 }, receipt: early.value.receipt }),
    castBallot(f.ctx, me(0), { ...at, choices: { [b]: 1 } }),
    castBallot(f.ctx, me(1), { ...at, choices: { [a]: 1 } }),
    castBallot(f.ctx, me(1), { ...at, choices: { [b]: 1 } }),
    castBallot(f.ctx, me(2), { ...at, choices: { [b]: 1 }, receipt: "x".repeat(43) }),
    castBallot(f.ctx, me(3), { ...at, choices: { [a]: 1, [b]: 1 } }),
  ];
  const answers = await Promise.all(calls);
  assert.deepEqual(answers[0], { ok: true, value: { changed: true, receipt: null } });
  assert.deepEqual(answers[1], { ok: false, reason: "receipt-required" });
  assert.ok(answers[2]?.ok && answers[2].value.receipt, "voter 1's first ballot");
  assert.deepEqual(answers[3], { ok: false, reason: "receipt-required" });
  assert.deepEqual(answers[4], { ok: false, reason: "receipt-unknown" });
  assert.ok(answers[5]?.ok && answers[5].value.receipt, "voter 3's ballot");
  const receipts = [
    early.value.receipt,
    answers[2]?.ok && answers[2].value.receipt,
    answers[5]?.ok && answers[5].value.receipt,
  ];
  assert.equal(new Set(receipts).size, 3, "every receipt its own");
  assert.deepEqual(await ballotOf(f.ctx, me(0), { ...at, receipt: early.value.receipt }), {
    voted: true,
    choices: { [b]: 1 },
  });
  assert.deepEqual(await ballotOf(f.ctx, me(2), at), { voted: false, choices: null });
  const voted = ((await f.table("pb_voters")) as Row[]).filter((r) => r.process_id === p.id);
  const ballots = ((await f.table("pb_secret_ballots")) as Row[]).filter(
    (r) => r.process_id === p.id,
  );
  assert.equal(voted.length, 3);
  assert.equal(ballots.length, 3);
});

test("a phase that closes between batches: the later batch is refused whole", async () => {
  const p = await f.process({ group, districts: [{ budget: 1000, costs: [300] }] });
  const [d] = p.districts as [District];
  const at = { processId: p.id, districtId: d.id, choices: { [d.projects[0] as string]: 1 } };
  const first = await Promise.all(
    [0, 1, 2].map((i) => castBallot(f.ctx, f.voter(voters[i] as LocalMember), at)),
  );
  assert.ok(first.every((r) => r.ok));
  await f.setPhase(p.id, "results");
  const late = await Promise.all(
    [3, 4].map((i) => castBallot(f.ctx, f.voter(voters[i] as LocalMember), at)),
  );
  assert.deepEqual(late, [
    { ok: false, reason: "not-voting" },
    { ok: false, reason: "not-voting" },
  ]);
});

test("PostgreSQL, reads ahead on a pool of one connection: batches on eight processes at once all commit (no transaction waits for a second connection)", {
  skip: !process.env.TEST_DATABASE_URL && "PostgreSQL only (SQLite has one connection)",
  timeout: 60_000,
}, async () => {
  const small = await openDatabase(f.handle.url, { poolSize: 1 });
  batchSettings.readAhead = true;
  try {
    const ctx = { ...f.ctx, db: small.db };
    const processes: TestProcess[] = [];
    for (let i = 0; i < 8; i++)
      processes.push(await f.process({ group, districts: [{ budget: 1000, costs: [300, 500] }] }));
    const answers = await Promise.all(
      processes.flatMap((p) => {
        const d = p.districts[0] as District;
        const at = { processId: p.id, districtId: d.id, choices: { [d.projects[0] as string]: 1 } };
        return voters.slice(0, 4).map((v) => castBallot(ctx, f.voter(v), at));
      }),
    );
    assert.equal(
      answers.filter((a) => a.ok).length,
      32,
      JSON.stringify(answers.find((a) => !a.ok)),
    );
    const stored = ((await f.table("pb_ballots")) as Row[]).filter((r) =>
      processes.some((p) => p.id === r.process_id),
    );
    assert.equal(stored.length, 32);
  } finally {
    batchSettings.readAhead = false;
    await small.close();
  }
});
