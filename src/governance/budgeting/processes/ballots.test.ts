/**
 * Casting PB ballots on SQLite or PostgreSQL (TEST_DATABASE_URL): named ballots
 * cast, changed and withdrawn while voting is open; bad ballots, the wrong
 * phase, a district of another process and non-members refused with nothing
 * written; secret ballots with receipts, and the unlinkability proof of
 * decisions (test/support/unlinkability.ts) run on pb_voters / pb_secret_ballots.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import {
  type BudgetingVoteFixture,
  budgetingVoteFixture,
} from "../../../../test/support/budgeting-vote.ts";
import { findLinks, type Truth } from "../../../../test/support/unlinkability.ts";
import type { LocalMember } from "../../../groups/context.ts";
import type { Group } from "../../../groups/groups.ts";
import { ballotOf, castBallot, districtBallot, withdrawBallot } from "./ballots.ts";
import { hashReceipt } from "./secret-ballots.ts";

let f: BudgetingVoteFixture;
let admin: LocalMember;
let voters: LocalMember[];
let group: Group;
before(async () => {
  f = await budgetingVoteFixture();
  admin = await f.member("ana", "admin");
  voters = [];
  for (let i = 0; i < 40; i++) voters.push(await f.member(`voter${String(i).padStart(2, "0")}`));
  group = await f.groupWith("budget", admin, voters);
});
after(() => f.handle.close());

const snapshot = async () => ({
  ballots: await f.table("pb_ballots"),
  voters: await f.table("pb_voters"),
  secret: await f.table("pb_secret_ballots"),
  events: (await f.table("outbox_events")).length,
});

test("a named ballot is cast, read, changed and withdrawn while voting is open", async () => {
  const p = await f.process({ group, districts: [{ budget: 1000, costs: [300, 500, 700] }] });
  const [d] = p.districts as [{ id: string; projects: string[] }];
  const [a, b, c] = d.projects as [string, string, string];
  const me = f.voter(voters[0] as LocalMember);
  const at = { processId: p.id, districtId: d.id };
  assert.deepEqual(await ballotOf(f.ctx, me, at), { voted: false, choices: null });
  assert.deepEqual(await castBallot(f.ctx, me, { ...at, choices: { [a]: 1, [c]: 1 } }), {
    ok: true,
    value: { changed: false, receipt: null },
  });
  assert.deepEqual(await ballotOf(f.ctx, me, at), { voted: true, choices: { [a]: 1, [c]: 1 } });
  assert.deepEqual(await castBallot(f.ctx, me, { ...at, choices: { [b]: 1 } }), {
    ok: true,
    value: { changed: true, receipt: null },
  });
  assert.deepEqual(await ballotOf(f.ctx, me, at), { voted: true, choices: { [b]: 1 } });
  assert.equal((await f.table("pb_ballots")).length, 1, "one ballot per voter and district");
  assert.deepEqual(await withdrawBallot(f.ctx, me, at), { ok: true, value: { withdrawn: true } });
  assert.deepEqual(await withdrawBallot(f.ctx, me, at), { ok: false, reason: "no-ballot" });
  assert.deepEqual(await ballotOf(f.ctx, me, at), { voted: false, choices: null });
  const events = (await f.events("budgeting.ballot.cast")) as Record<string, unknown>[];
  assert.equal(events.length, 3);
  assert.deepEqual(events[0], at);
});

test("bad ballots, closed phases, other districts and non-members: refused, nothing written", async () => {
  const p = await f.process({
    group,
    over: { min_projects: 1, max_projects: 2, spending_cap: 1 },
    districts: [
      { budget: 1000, costs: [300, 500, 700] },
      { budget: 500, costs: [100] },
    ],
  });
  const other = await f.process({ group, districts: [{ budget: 10, costs: [5] }] });
  const [d, d2] = p.districts as [
    { id: string; projects: string[] },
    { id: string; projects: string[] },
  ];
  const [a, b, c] = d.projects as [string, string, string];
  const me = f.voter(voters[1] as LocalMember);
  const at = { processId: p.id, districtId: d.id };
  const outsider = await f.member("outsider");
  const before = await snapshot();
  const cases: [Parameters<typeof castBallot>[1], Parameters<typeof castBallot>[2], string][] = [
    [me, { ...at, choices: {} }, "empty-ballot"],
    [me, { ...at, choices: { [a]: 1, [b]: 1, [c]: 1 } }, "too-many-projects"],
    [me, { ...at, choices: { [b]: 1, [c]: 1 } }, "over-budget"],
    [me, { ...at, choices: { [d2.projects[0] as string]: 1 } }, "unknown-project"],
    [me, { ...at, choices: { [a]: 5 } }, "choices-invalid"],
    [me, { ...at, choices: "a" }, "choices-invalid"],
    [
      me,
      { processId: p.id, districtId: other.districts[0]?.id as string, choices: { [a]: 1 } },
      "district-not-found",
    ],
    [me, { processId: "nope", districtId: d.id, choices: { [a]: 1 } }, "not-found"],
    [f.voter(outsider), { ...at, choices: { [a]: 1 } }, "not-eligible"],
  ];
  for (const [voter, input, reason] of cases)
    assert.deepEqual(await castBallot(f.ctx, voter, input), { ok: false, reason }, reason);
  for (const phase of ["proposing", "review", "results", "implementation"] as const) {
    await f.setPhase(p.id, phase);
    assert.deepEqual(await castBallot(f.ctx, me, { ...at, choices: { [a]: 1 } }), {
      ok: false,
      reason: "not-voting",
    });
  }
  assert.deepEqual(await snapshot(), before);
});

test("a voter has a ballot in each district; the district's ballot lists its feasible projects cheapest first", async () => {
  const p = await f.process({
    group,
    districts: [
      { budget: 1000, costs: [700, 300] },
      { budget: 500, costs: [100] },
    ],
  });
  const me = f.voter(voters[2] as LocalMember);
  for (const d of p.districts) {
    const cast = await castBallot(f.ctx, me, {
      processId: p.id,
      districtId: d.id,
      choices: { [d.projects[0] as string]: 1 },
    });
    assert.ok(cast.ok, JSON.stringify(cast));
  }
  const ballot = await districtBallot(f.ctx.db, p.id, p.districts[0]?.id as string);
  assert.deepEqual(
    ballot?.projects.map((x) => x.cost),
    [300, 700],
  );
});

test("cumulative ballots spread the process's points", async () => {
  const p = await f.process({
    group,
    over: { ballot_kind: "cumulative", points: 5 },
    districts: [{ budget: 1000, costs: [300, 500] }],
  });
  const [d] = p.districts as [{ id: string; projects: string[] }];
  const [a, b] = d.projects as [string, string];
  const me = f.voter(voters[3] as LocalMember);
  const at = { processId: p.id, districtId: d.id };
  assert.deepEqual(await castBallot(f.ctx, me, { ...at, choices: { [a]: 4, [b]: 2 } }), {
    ok: false,
    reason: "too-many-points",
  });
  assert.ok((await castBallot(f.ctx, me, { ...at, choices: { [a]: 3, [b]: 2 } })).ok);
  assert.deepEqual((await ballotOf(f.ctx, me, at)).choices, { [b]: 2, [a]: 3 });
});

test("secret ballots: a receipt changes, reads and withdraws; without it nothing changes", async () => {
  const p = await f.process({
    group,
    over: { secrecy: "secret" },
    districts: [{ budget: 1000, costs: [300, 500] }],
  });
  const [d] = p.districts as [{ id: string; projects: string[] }];
  const [a, b] = d.projects as [string, string];
  const me = f.voter(voters[4] as LocalMember);
  const at = { processId: p.id, districtId: d.id };
  const cast = await castBallot(f.ctx, me, { ...at, choices: { [a]: 1 } });
  assert.ok(cast.ok && cast.value.receipt, JSON.stringify(cast));
  const receipt = cast.value.receipt;
  const [stored] = (await f.table("pb_secret_ballots")) as {
    receipt_hash: string;
    choices: string;
  }[];
  assert.equal(stored?.receipt_hash, hashReceipt(receipt));
  assert.ok(
    !JSON.stringify(await f.table("pb_secret_ballots")).includes(receipt),
    "only the hash is kept",
  );
  assert.ok(!JSON.stringify(await f.table("pb_ballots")).includes(me.uri), "no named row");
  const before = await snapshot();
  assert.deepEqual(await castBallot(f.ctx, me, { ...at, choices: { [b]: 1 } }), {
    ok: false,
    reason: "receipt-required",
  });
  for (const bad of ["x".repeat(43), "not a receipt"])
    assert.deepEqual(await castBallot(f.ctx, me, { ...at, choices: { [b]: 1 }, receipt: bad }), {
      ok: false,
      reason: "receipt-unknown",
    });
  assert.deepEqual(await withdrawBallot(f.ctx, me, at), { ok: false, reason: "receipt-required" });
  assert.deepEqual(await snapshot(), before);
  assert.deepEqual(await ballotOf(f.ctx, me, at), { voted: true, choices: null });
  assert.deepEqual(await castBallot(f.ctx, me, { ...at, choices: { [b]: 1 }, receipt }), {
    ok: true,
    value: { changed: true, receipt: null },
  });
  assert.deepEqual(await ballotOf(f.ctx, me, { ...at, receipt }), {
    voted: true,
    choices: { [b]: 1 },
  });
  assert.deepEqual(await withdrawBallot(f.ctx, me, { ...at, receipt }), {
    ok: true,
    value: { withdrawn: true },
  });
  assert.deepEqual(await ballotOf(f.ctx, me, at), { voted: false, choices: null });
  assert.equal((await f.table("pb_voters")).length, 0);
  assert.equal((await f.table("pb_secret_ballots")).length, 0);
});

function shuffled<T>(xs: T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

test("unlinkability: nothing in the database links a voter to their secret PB ballot; a planted order is found", async () => {
  // Six projects give 63 distinct non-empty ballots: each of the 40 voters picks a different one.
  const p = await f.process({
    group,
    over: { secrecy: "secret" },
    districts: [{ budget: 10_000, costs: [100, 200, 300, 400, 500, 600] }],
  });
  const [d] = p.districts as [{ id: string; projects: string[] }];
  const at = { processId: p.id, districtId: d.id };
  const subsets = shuffled(Array.from({ length: 63 }, (_, i) => i + 1));
  const truth: Truth = { voters: [] };
  for (const m of shuffled(voters)) {
    const mask = subsets.pop() as number;
    const choices: Record<string, number> = {};
    d.projects.forEach((id, i) => {
      if (mask & (1 << i)) choices[id] = 1;
    });
    f.clock.advance(61_000);
    const cast = await castBallot(f.ctx, f.voter(m), { ...at, choices });
    assert.ok(cast.ok && cast.value.receipt, JSON.stringify(cast));
    truth.voters.push({ tokens: [f.voter(m).uri, m.id], choice: JSON.stringify(choices) });
  }
  assert.deepEqual(await findLinks(f.ctx.db, truth), []);

  // Control: the order votes came in, kept on both sides, is found.
  await sql`ALTER TABLE pb_voters ADD COLUMN seq integer`.execute(f.ctx.db);
  await sql`ALTER TABLE pb_secret_ballots ADD COLUMN seq integer`.execute(f.ctx.db);
  for (const [i, v] of truth.voters.entries()) {
    await sql`UPDATE pb_voters SET seq = ${i} WHERE voter_uri = ${v.tokens[0]}`.execute(f.ctx.db);
    await sql`UPDATE pb_secret_ballots SET seq = ${i} WHERE choices = ${v.choice}`.execute(
      f.ctx.db,
    );
  }
  const found = await findLinks(f.ctx.db, truth);
  assert.ok(
    found.some((x) => x.includes("pb_secret_ballots.seq against pb_voters.seq")),
    found.join("\n"),
  );
  await sql`ALTER TABLE pb_voters DROP COLUMN seq`.execute(f.ctx.db);
  await sql`ALTER TABLE pb_secret_ballots DROP COLUMN seq`.execute(f.ctx.db);
});
