/**
 * Proposals, review (feasibility with a public note, adjustment, merging, the
 * authors told), moderation (reports, hiding), implementation progress on
 * funded projects, and the member's export and deletion. SQLite, or PostgreSQL
 * with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type BudgetingFixture, budgetingFixture } from "../../../../test/support/budgeting.ts";
import type { LocalMember } from "../../../groups/context.ts";
import type { Group } from "../../../groups/groups.ts";
import { newId } from "../../../kernel/ids.ts";
import { budgetingContributor } from "./data.ts";
import { dismissReport, openReportsOf, reportProject, setProjectHidden } from "./moderation.ts";
import { advancePhase } from "./phases.ts";
import { postProgress } from "./progress.ts";
import { editProject, proposeProject, withdrawProject } from "./projects.ts";
import { districtsOf, processById, progressOf, projectById, projectsOf } from "./reads.ts";
import { mergeProjects, reviewProject } from "./review.ts";

let f: BudgetingFixture;
let ada: LocalMember;
let bea: LocalMember;
let cyd: LocalMember;
let group: Group;
before(async () => {
  f = await budgetingFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  cyd = await f.member("cyd");
  group = await f.groupWith("garden", ada, [bea, cyd]);
});
after(() => f.handle.close());

async function setUp() {
  const processId = await f.process(ada, group);
  const [north, south] = await districtsOf(f.ctx, processId);
  assert.ok(north && south);
  return { processId, north, south };
}

const project = (districtId: string, over: Record<string, unknown> = {}) => ({
  districtId,
  title: "Benches in the park",
  description: "Six benches along the river path.",
  cost: 12_000,
  location: "River path",
  ...over,
});

const notices = (accountId: string, type: "budget_project" | "budget_phase") =>
  f.ctx.db
    .selectFrom("notifications")
    .select("from_uri")
    .where("account_id", "=", accountId)
    .where("type", "=", type)
    .execute();

test("members propose while proposing; bad input, outsiders and later phases write nothing", async () => {
  const { processId, north, south } = await setUp();
  const made = await proposeProject(f.ctx, f.as(bea), {
    processId,
    project: project(north.id),
  });
  assert.ok(made.ok);
  const row = await projectById(f.ctx, made.value.id);
  assert.equal(row?.status, "proposed");
  assert.equal(Number(row?.cost), 12_000);
  const before = await f.pbRows("pb_projects");
  const outsider = await f.member("eve");
  for (const [actor, input, reason] of [
    [bea, project(north.id, { cost: 0 }), "invalid"],
    [bea, project(north.id, { cost: 100_001 }), "invalid"], // more than the district's budget
    [bea, project(south.id, { cost: 60_000 }), "invalid"],
    [bea, project("nope"), "invalid"],
    [bea, project(north.id, { title: "" }), "invalid"],
    [bea, project(north.id, { latitude: 40 }), "invalid"], // a latitude without a longitude
    [bea, project(north.id, { images: [{ mediaId: newId(), alt: "" }] }), "invalid"],
    [bea, project(north.id, { __proto__: { x: 1 }, extra: 1 }), "invalid"],
    [outsider, project(north.id), "forbidden"],
  ] as const) {
    const r = await proposeProject(f.ctx, f.as(actor), { processId, project: input });
    assert.deepEqual(r, { ok: false, reason }, JSON.stringify(input));
  }
  assert.equal(await f.pbRows("pb_projects"), before);
  // The author edits while unreviewed; someone else may not.
  assert.deepEqual(
    await editProject(f.ctx, f.as(cyd), { projectId: made.value.id, project: project(north.id) }),
    { ok: false, reason: "forbidden" },
  );
  assert.ok(
    (
      await editProject(f.ctx, f.as(bea), {
        projectId: made.value.id,
        project: project(north.id, { cost: 9_000 }),
      })
    ).ok,
  );
  assert.equal(Number((await projectById(f.ctx, made.value.id))?.cost), 9_000);
  assert.ok((await advancePhase(f.ctx, f.as(ada), processId, "review")).ok);
  assert.deepEqual(
    await proposeProject(f.ctx, f.as(bea), { processId, project: project(north.id) }),
    { ok: false, reason: "wrong-phase" },
  );
});

test("moderators review with a public note, adjust, merge; authors are told", async () => {
  const { processId, north, south } = await setUp();
  const propose = async (m: LocalMember, over = {}) => {
    const r = await proposeProject(f.ctx, f.as(m), { processId, project: project(north.id, over) });
    assert.ok(r.ok);
    return r.value.id;
  };
  const benches = await propose(bea);
  const seats = await propose(cyd, { title: "Seats by the river" });
  const pool = await propose(cyd, { title: "A swimming pool", cost: 99_000 });
  const other = await proposeProject(f.ctx, f.as(bea), {
    processId,
    project: project(south.id),
  });
  assert.ok(other.ok);
  // Members cannot review.
  assert.deepEqual(
    await reviewProject(f.ctx, f.as(bea), {
      projectId: benches,
      review: { verdict: "feasible" },
    }),
    { ok: false, reason: "forbidden" },
  );
  // Refusing needs a note; a cost above the budget is refused.
  for (const review of [
    { verdict: "infeasible" },
    { verdict: "feasible", cost: 100_001 },
    { verdict: "maybe" },
  ])
    assert.deepEqual(await reviewProject(f.ctx, f.as(ada), { projectId: pool, review }), {
      ok: false,
      reason: "invalid",
    });
  assert.equal((await projectById(f.ctx, pool))?.status, "proposed");
  assert.ok(
    (
      await reviewProject(f.ctx, f.as(ada), {
        projectId: pool,
        review: { verdict: "infeasible", note: "The land is not ours." },
      })
    ).ok,
  );
  assert.ok(
    (
      await reviewProject(f.ctx, f.as(ada), {
        projectId: benches,
        review: { verdict: "feasible", note: "Priced at the supplier's quote.", cost: 10_500 },
      })
    ).ok,
  );
  const reviewed = await projectById(f.ctx, benches);
  assert.equal(reviewed?.status, "feasible");
  assert.equal(reviewed?.review_note, "Priced at the supplier's quote.");
  assert.equal(Number(reviewed?.cost), 10_500);
  // Merging across districts is refused; within one, the other becomes "merged".
  assert.deepEqual(
    await mergeProjects(f.ctx, f.as(ada), {
      intoId: benches,
      merge: { projectIds: [other.value.id], note: "Same idea." },
    }),
    { ok: false, reason: "invalid" },
  );
  assert.ok(
    (
      await mergeProjects(f.ctx, f.as(ada), {
        intoId: benches,
        merge: { projectIds: [seats], note: "Same idea: merged into the benches." },
      })
    ).ok,
  );
  const merged = await projectById(f.ctx, seats);
  assert.equal(merged?.status, "merged");
  assert.equal(merged?.merged_into_id, benches);
  assert.deepEqual(
    (await notices(cyd.id, "budget_project")).map((n) => n.from_uri).sort(),
    [merged?.uri, (await projectById(f.ctx, pool))?.uri].sort(),
  );
  assert.equal((await notices(bea.id, "budget_project")).length, 2);
  assert.deepEqual(
    (await projectsOf(f.ctx, processId, { statuses: ["feasible"] })).map((p) => p.id),
    [benches],
  );
  // After voting opens, no more review; the author may no longer withdraw.
  assert.ok((await advancePhase(f.ctx, f.as(ada), processId, "review")).ok);
  assert.ok((await advancePhase(f.ctx, f.as(ada), processId, "voting")).ok);
  assert.deepEqual(
    await reviewProject(f.ctx, f.as(ada), {
      projectId: benches,
      review: { verdict: "infeasible", note: "x" },
    }),
    { ok: false, reason: "wrong-phase" },
  );
  assert.deepEqual(await withdrawProject(f.ctx, f.as(bea), { projectId: benches }), {
    ok: false,
    reason: "wrong-phase",
  });
});

test("reports reach the moderators, who hide a project or dismiss the report", async () => {
  const { processId, north } = await setUp();
  const made = await proposeProject(f.ctx, f.as(bea), { processId, project: project(north.id) });
  assert.ok(made.ok);
  const process = await processById(f.ctx, processId);
  assert.ok(process);
  assert.deepEqual(
    await reportProject(f.ctx, f.as(cyd), { projectId: made.value.id, comment: " " }),
    { ok: false, reason: "bad-comment" },
  );
  const first = await reportProject(f.ctx, f.as(cyd), {
    projectId: made.value.id,
    comment: "Advertising.",
  });
  assert.ok(first.ok);
  assert.equal((await openReportsOf(f.ctx, process.uri)).length, 1);
  assert.deepEqual(await dismissReport(f.ctx, f.as(bea), { processId, reportId: first.value.id }), {
    ok: false,
    reason: "forbidden",
  });
  assert.ok((await dismissReport(f.ctx, f.as(ada), { processId, reportId: first.value.id })).ok);
  assert.equal((await openReportsOf(f.ctx, process.uri)).length, 0);
  assert.ok(
    (await reportProject(f.ctx, f.as(cyd), { projectId: made.value.id, comment: "Spam." })).ok,
  );
  assert.deepEqual(
    await setProjectHidden(f.ctx, f.as(cyd), { projectId: made.value.id, hidden: true }),
    { ok: false, reason: "forbidden" },
  );
  assert.ok(
    (await setProjectHidden(f.ctx, f.as(ada), { projectId: made.value.id, hidden: true })).ok,
  );
  assert.equal((await projectById(f.ctx, made.value.id))?.status, "hidden");
  assert.equal((await openReportsOf(f.ctx, process.uri)).length, 0);
  assert.ok(
    (await setProjectHidden(f.ctx, f.as(ada), { projectId: made.value.id, hidden: false })).ok,
  );
  assert.equal((await projectById(f.ctx, made.value.id))?.status, "proposed");
});

test("progress updates go on funded projects in implementation only", async () => {
  const { processId, north, south } = await setUp();
  const made = await proposeProject(f.ctx, f.as(bea), { processId, project: project(north.id) });
  const lost = await proposeProject(f.ctx, f.as(bea), {
    processId,
    project: project(north.id, { title: "Fountain" }),
  });
  assert.ok(made.ok && lost.ok);
  const update = { progress: 40, body: "Four benches are in." };
  assert.deepEqual(await postProgress(f.ctx, f.as(ada), { projectId: made.value.id, update }), {
    ok: false,
    reason: "wrong-phase",
  });
  for (const to of ["review", "voting", "results"] as const)
    assert.ok((await advancePhase(f.ctx, f.as(ada), processId, to)).ok);
  // What the worker's count stores (counting.ts): a result per district.
  for (const [d, selected] of [
    [north.id, [made.value.id]],
    [south.id, []],
  ] as const)
    await f.ctx.db
      .insertInto("pb_results")
      .values({
        process_id: processId,
        district_id: d,
        result: JSON.stringify({ selected }),
        greedy: JSON.stringify({ selected }),
        ballots_count: 1,
        computed_at: f.clock.now().toISOString(),
      })
      .execute();
  assert.ok((await advancePhase(f.ctx, f.as(ada), processId, "implementation")).ok);
  const before = await f.pbRows("pb_progress_updates");
  for (const [projectId, u, reason, who] of [
    [lost.value.id, update, "not-funded", ada],
    [made.value.id, { ...update, progress: 101 }, "invalid", ada],
    [made.value.id, { ...update, body: "" }, "invalid", ada],
    [made.value.id, update, "forbidden", bea],
  ] as const)
    assert.deepEqual(await postProgress(f.ctx, f.as(who), { projectId, update: u }), {
      ok: false,
      reason,
    });
  assert.equal(await f.pbRows("pb_progress_updates"), before);
  assert.ok((await postProgress(f.ctx, f.as(ada), { projectId: made.value.id, update })).ok);
  assert.equal((await projectById(f.ctx, made.value.id))?.progress, 40);
  assert.deepEqual(
    (await progressOf(f.ctx, made.value.id)).map((u) => [u.progress, u.body]),
    [[40, "Four benches are in."]],
  );
});

test("export lists what a member proposed; deletion withdraws early proposals and anonymises the rest", async () => {
  const dan = await f.member("dan");
  const g = await f.groupWith("river", ada, [dan]);
  const early = await f.process(ada, g);
  const late = await f.process(ada, g);
  const [d1] = await districtsOf(f.ctx, early);
  const [d2] = await districtsOf(f.ctx, late);
  assert.ok(d1 && d2);
  const a = await proposeProject(f.ctx, f.as(dan), { processId: early, project: project(d1.id) });
  const b = await proposeProject(f.ctx, f.as(dan), { processId: late, project: project(d2.id) });
  assert.ok(a.ok && b.ok);
  for (const to of ["review", "voting", "results"] as const)
    assert.ok((await advancePhase(f.ctx, f.as(ada), late, to)).ok);
  const contributor = budgetingContributor(f.ctx.origin);
  const exported = (await contributor.export(f.ctx.db, dan.id)) as {
    projectsProposed: { uri: string }[];
  };
  assert.equal(exported.projectsProposed.length, 2);
  await f.ctx.db.transaction().execute((trx) => contributor.erase(trx, dan.id, "x"));
  const [pa, pb] = [await projectById(f.ctx, a.value.id), await projectById(f.ctx, b.value.id)];
  assert.equal(pa?.status, "withdrawn");
  assert.equal(pb?.status, "proposed");
  for (const p of [pa, pb]) {
    assert.match(p?.proposed_by_uri ?? "", /^deleted:/);
    assert.equal(p?.account_id, null);
  }
  const after = (await contributor.export(f.ctx.db, dan.id)) as { projectsProposed: unknown[] };
  assert.equal(after.projectsProposed.length, 0);
});
