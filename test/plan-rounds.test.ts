/**
 * Plan rounds on one node (both databases): a federation hosted here with this
 * node's co-op (H) and three member co-ops elsewhere (B, C, D, as rows). H and B
 * offer bread near C, D offers bread far away; C needs bread. The worker's sweep
 * solves the round (HiGHS in a worker thread), H accepts, B rejects, C accepts;
 * the re-solve keeps H's commitment and sends D's bread instead; re-running a
 * stored revision gives the same plan; an impossible minimum shows the diagnosis;
 * weights come from a passed decision; bad input changes nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { receiveOffer } from "../src/economy/agreements/offers.ts";
import { answerPart, closeOverdue, receiveAnswer } from "../src/economy/plan-rounds/answers.ts";
import type { PlanRoundsContext } from "../src/economy/plan-rounds/context.ts";
import { planRoundsContributor } from "../src/economy/plan-rounds/data.ts";
import { commitmentsOfRound, findRound, openRound } from "../src/economy/plan-rounds/rounds.ts";
import { sweepPlanRounds } from "../src/economy/plan-rounds/sweep.ts";
import {
  applyWeightsDecision,
  groupWeights,
  proposeWeights,
} from "../src/economy/plan-rounds/weights.ts";
import { planAllocation } from "../src/economy/planning/planner.ts";
import { closeDecision, onDecisionClosed } from "../src/governance/decisions/closing.ts";
import { castVote } from "../src/governance/decisions/votes.ts";
import type { LocalMember } from "../src/groups/context.ts";
import { joinWithOurCoop, receiveDelegate } from "../src/groups/federations.ts";
import { assembly, type Group } from "../src/groups/groups.ts";
import { newId } from "../src/kernel/ids.ts";
import { coopUri, groupUri, memberUri } from "../src/kernel/uris.ts";
import { publishProposal } from "./support/economy.ts";
import { type GroupsFixture, groupsFixture, ORIGIN } from "./support/groups.ts";

let f: GroupsFixture;
let ctx: PlanRoundsContext;
let ana: LocalMember;
let bo: LocalMember;
let fed: Group;
const H = coopUri(ORIGIN);
const B = "https://b.example/users/coop";
const C = "https://c.example/users/coop";
const D = "https://d.example/users/coop";
const BREAD = "https://fed.example/economy/specs/bread";
const inDays = (d: number) => new Date(f.clock.now().getTime() + d * 86_400_000).toISOString();
let cNeed: string;

async function offerOrNeed(
  agent: string,
  purpose: "offer" | "request",
  kg: number,
  at: [number, number],
) {
  const local = agent === H ? 1 : 0;
  const id = newId();
  const row = await publishProposal(f.handle.db, ORIGIN, {
    id,
    uri: local
      ? `${ORIGIN}/economy/proposals/${id}`
      : `${new URL(agent).origin}/economy/proposals/${id}`,
    local,
    purpose,
    agent_uri: agent,
    group_uri: groupUri(ORIGIN, "fed"),
    spec_uri: BREAD,
    name: "Bread",
    unit: "kilogram",
    quantity: kg * 1000,
    available: kg * 1000,
    minimum: 0,
    latitude: at[0],
    longitude: at[1],
    reciprocity: "gift",
    unit_price: 0,
    currency: "",
  });
  return row.uri;
}

before(async () => {
  f = await groupsFixture();
  ctx = { db: f.ctx.db, origin: f.ctx.origin, clock: f.clock };
  onDecisionClosed(applyWeightsDecision);
  ana = await f.member("ana", "admin");
  bo = await f.member("bo");
  fed = await f.group(ana, {
    name: "fed",
    kind: "federation",
    displayName: "Fed",
    visibility: "public",
  });
  assert.ok((await joinWithOurCoop(f.ctx, ana, { group: fed })).ok);
  for (const uri of [B, C, D])
    await f.handle.db
      .insertInto("group_members")
      .values({
        id: newId(),
        group_id: fed.id,
        actor_uri: uri,
        account_id: null,
        remote_id: null,
        actor_kind: "coop",
        role: "member",
        status: "active",
        follow_activity_uri: null,
        created_at: f.clock.now().toISOString(),
        updated_at: f.clock.now().toISOString(),
      })
      .execute();
  await offerOrNeed(H, "offer", 10, [40.0, -3.0]);
  await offerOrNeed(B, "offer", 10, [40.25, -3.0]);
  await offerOrNeed(D, "offer", 10, [43.0, -3.0]);
  cNeed = await offerOrNeed(C, "request", 15, [40.1, -3.0]);
  // A stranger's offer (not a member co-op) is not planned with.
  await offerOrNeed("https://x.example/users/coop", "offer", 100, [40.1, -3.0]);
});
after(async () => {
  await f?.handle.close();
});

const byParties = (rows: { provider_uri: string; receiver_uri: string; quantity: number }[]) =>
  rows
    .map(
      (c) =>
        `${new URL(c.provider_uri).host}→${new URL(c.receiver_uri).host} ${Number(c.quantity) / 1000}`,
    )
    .sort();

test("bad input is refused and writes nothing", async () => {
  const deadline = inDays(3);
  const cases: [unknown, LocalMember, string, string][] = [
    [{ title: "R", deadline }, bo, fed.id, "forbidden"],
    [{ title: "", deadline }, ana, fed.id, "invalid"],
    [{ title: "R", deadline: "tomorrow" }, ana, fed.id, "invalid"],
    [{ title: "R", deadline: inDays(400) }, ana, fed.id, "bad-deadline"],
    [{ title: "R", deadline: f.clock.now().toISOString() }, ana, fed.id, "bad-deadline"],
    [{ title: "R", deadline, extra: 1 }, ana, fed.id, "invalid"],
    [{ title: "R", deadline }, ana, (await assembly(f.handle.db)).id, "not-a-federation"],
    [{ title: "R", deadline }, ana, "nope", "not-found"],
  ];
  for (const [round, who, groupId, reason] of cases) {
    const r = await openRound(ctx, who, { groupId, round });
    assert.deepEqual(r, { ok: false, reason }, JSON.stringify(round));
  }
  const n = await f.handle.db
    .selectFrom("plan_rounds")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  assert.equal(Number(n.n), 0);
});

test("a round is solved by the sweep, answered, re-solved with the accepted part fixed, and closes", async () => {
  const opened = await openRound(ctx, ana, {
    groupId: fed.id,
    round: { title: "Bread, week 10", deadline: inDays(3) },
  });
  assert.ok(opened.ok, JSON.stringify(opened));
  assert.equal((await findRound(f.handle.db, opened.value.id))?.status, "open");

  assert.deepEqual(await sweepPlanRounds(ctx), { overdue: 0, solved: 1, agreements: 0 });
  const round = await findRound(f.handle.db, opened.value.id);
  assert.equal(round?.status, "accepting");
  assert.equal(round?.revision, 1);
  assert.match(round?.solver_version ?? "", /^HiGHS \d+\.\d+\.\d+ ipm$/);
  const first = await commitmentsOfRound(f.handle.db, { id: opened.value.id, revision: 1 });
  // The two nearest suppliers serve C; the far one does not.
  assert.deepEqual(byParties(first), ["b.example→c.example 5", "coop.example→c.example 10"]);
  const fromB = first.find((c) => c.provider_uri === B);
  const fromH = first.find((c) => c.provider_uri === H);
  assert.ok(fromB && fromH);
  // The explanation: B's link costs more per unit than H's, and the price where the bread
  // arrives is B's (the marginal supplier): a unit more for C would come from B.
  assert.ok(fromB.unit_cost > fromH.unit_cost);
  assert.ok(Math.abs(fromB.destination_price - fromB.marginal_cost) < 1e-6);
  assert.ok(fromH.supply_price > 0, "H's bread is scarce: one more unit would save money");
  assert.equal(fromH.request_uri, cNeed);
  const told = await f.handle.db
    .selectFrom("notifications")
    .selectAll()
    .where("type", "=", "plan_round")
    .execute();
  assert.deepEqual(
    told.map((n) => n.account_id),
    [ana.id],
  );

  // Re-running the stored revision gives the same plan.
  const stored = await f.handle.db
    .selectFrom("plan_revisions")
    .selectAll()
    .where("round_id", "=", opened.value.id)
    .executeTakeFirstOrThrow();
  const again = await planAllocation(JSON.parse(stored.input));
  const before = JSON.parse(stored.output ?? "null");
  assert.deepEqual(again.flows, before.flows);
  assert.equal(again.objective, before.objective);

  // Answers: bad ones change nothing.
  assert.deepEqual(
    await answerPart(ctx, bo, { roundId: opened.value.id, answer: { answer: "accept" } }),
    { ok: false, reason: "forbidden" },
  );
  assert.deepEqual(
    await answerPart(ctx, ana, { roundId: opened.value.id, answer: { answer: "maybe" } }),
    { ok: false, reason: "invalid" },
  );
  assert.deepEqual(
    await receiveAnswer(ctx, {
      roundUri: opened.value.uri,
      revision: 1,
      coopUri: D,
      rejected: [],
      note: "",
    }),
    { ok: false, reason: "no-part" },
  );
  assert.deepEqual(
    await receiveAnswer(ctx, {
      roundUri: opened.value.uri,
      revision: 1,
      coopUri: B,
      rejected: [fromH.uri],
      note: "",
    }),
    { ok: false, reason: "unknown-commitment" },
  );
  assert.ok(
    (await answerPart(ctx, ana, { roundId: opened.value.id, answer: { answer: "accept" } })).ok,
  );
  assert.deepEqual(
    await answerPart(ctx, ana, { roundId: opened.value.id, answer: { answer: "accept" } }),
    { ok: false, reason: "already-answered" },
  );
  const rejected = await receiveAnswer(ctx, {
    roundUri: opened.value.uri,
    revision: 1,
    coopUri: B,
    rejected: [fromB.uri],
    note: "oven broken",
  });
  assert.deepEqual(rejected, { ok: true, value: { answer: "rejected" } });
  assert.equal(
    (await findRound(f.handle.db, opened.value.id))?.status,
    "accepting",
    "C has not answered",
  );
  const cAccepts = { roundUri: opened.value.uri, revision: 1, coopUri: C, rejected: [], note: "" };
  assert.ok((await receiveAnswer(ctx, cAccepts)).ok);
  assert.equal((await findRound(f.handle.db, opened.value.id))?.status, "re-solving");

  // The re-solve: H→C stays (both accepted), B→C is not proposed again, D's bread fills the gap.
  assert.equal((await sweepPlanRounds(ctx)).solved, 1);
  const second = await findRound(f.handle.db, opened.value.id);
  assert.equal(second?.status, "accepting");
  assert.equal(second?.revision, 2);
  const now = await commitmentsOfRound(f.handle.db, { id: opened.value.id, revision: 2 });
  assert.deepEqual(byParties(now.filter((c) => c.revision === 2)), ["d.example→c.example 5"]);
  const input2 = JSON.parse(
    (
      await f.handle.db
        .selectFrom("plan_revisions")
        .select("input")
        .where("round_id", "=", opened.value.id)
        .where("revision", "=", 2)
        .executeTakeFirstOrThrow()
    ).input,
  );
  assert.deepEqual(
    input2.needs.map((n: { quantity: number }) => n.quantity),
    [5],
    "H's 10 kg are fixed",
  );
  assert.equal(
    input2.links.some((l: { from: string }) => l.from === B),
    false,
    "B's rejected link is left out",
  );
  assert.deepEqual(
    await answerPart(ctx, ana, { roundId: opened.value.id, answer: { answer: "accept" } }),
    { ok: false, reason: "no-part" },
  );
  assert.deepEqual(await receiveAnswer(ctx, cAccepts), { ok: false, reason: "stale-revision" });
  for (const coop of [C, D])
    assert.ok(
      (
        await receiveAnswer(ctx, {
          roundUri: opened.value.uri,
          revision: 2,
          coopUri: coop,
          rejected: [],
          note: "",
        })
      ).ok,
    );
  const closed = await findRound(f.handle.db, opened.value.id);
  assert.equal(closed?.status, "closed");
  const events = await f.events("plan-rounds.round.closed");
  assert.deepEqual(events, [{ roundId: opened.value.id, revision: 2 }]);

  // H is the provider of an agreed commitment: when C's Offer(Agreement) arrives, the sweep accepts it.
  const offer = await f.handle.db
    .selectFrom("econ_proposals")
    .select("uri")
    .where("agent_uri", "=", H)
    .executeTakeFirstOrThrow();
  const received = await receiveOffer(ctx, {
    offerActivityUri: "https://c.example/economy/agreements/1/offer",
    agreementUri: "https://c.example/economy/agreements/1",
    responderUri: C,
    satisfies: `${offer.uri}#primary`,
    unit: "kilogram",
    quantity: 10_000,
    reciprocalQuantity: null,
    note: "Plan round: Bread, week 10",
  });
  assert.ok(received.ok, JSON.stringify(received));
  assert.equal((await sweepPlanRounds(ctx)).agreements, 1);
  const agreement = await f.handle.db
    .selectFrom("econ_agreements")
    .selectAll()
    .where("id", "=", received.value.id)
    .executeTakeFirstOrThrow();
  assert.equal(agreement.status, "accepted");
  const linked = await f.handle.db
    .selectFrom("plan_commitments")
    .select("agreement_uri")
    .where("provider_uri", "=", H)
    .executeTakeFirstOrThrow();
  assert.equal(linked.agreement_uri, agreement.uri);
  assert.equal((await sweepPlanRounds(ctx)).agreements, 0, "once");

  // The member's data: the answer is exported, and kept without them when they are deleted.
  const contributor = planRoundsContributor(ORIGIN);
  const exported = (await contributor.export(f.handle.db, ana.id)) as {
    opened: unknown[];
    answers: unknown[];
  };
  assert.equal(exported.opened.length, 1);
  assert.equal(exported.answers.length, 1);
  await f.handle.db
    .transaction()
    .execute((trx) => contributor.erase(trx, ana.id, f.clock.now().toISOString()));
  const after = (await contributor.export(f.handle.db, ana.id)) as {
    opened: unknown[];
    answers: unknown[];
  };
  assert.deepEqual(after, { opened: [], answers: [], weights: [], hours: [] });
});

test("an impossible minimum: the round is infeasible and names the need", async () => {
  await f.handle.db
    .updateTable("econ_proposals")
    .set({ minimum: 40_000, quantity: 40_000, available: 40_000 })
    .where("uri", "=", cNeed)
    .execute();
  const opened = await openRound(ctx, ana, {
    groupId: fed.id,
    round: { title: "Too much", deadline: inDays(3) },
  });
  assert.ok(opened.ok);
  await sweepPlanRounds(ctx);
  const round = await findRound(f.handle.db, opened.value.id);
  assert.equal(round?.status, "infeasible");
  const diagnosis = JSON.parse(round?.diagnosis ?? "[]");
  assert.equal(diagnosis.length, 1);
  assert.equal(diagnosis[0].coop, C);
  assert.equal(diagnosis[0].minimum, 40);
  assert.ok(
    Math.abs(diagnosis[0].delivered - 20) < 1e-4,
    "at most the 20 kg B and D have left (H's went to the agreement)",
  );
  await f.handle.db
    .updateTable("econ_proposals")
    .set({ minimum: 0, quantity: 15_000, available: 15_000 })
    .where("uri", "=", cNeed)
    .execute();
});

test("weights come from a passed decision of the group; unanswered parts are rejected at the deadline", async () => {
  const proposed = await proposeWeights(f.ctx, ana, {
    groupId: fed.id,
    proposal: { weights: { food: 3 }, closesAt: inDays(2), reason: "Food first" },
  });
  assert.ok(proposed.ok, JSON.stringify(proposed));
  assert.deepEqual(
    await proposeWeights(f.ctx, ana, {
      groupId: fed.id,
      proposal: { weights: { food: -1 }, closesAt: inDays(2) },
    }),
    { ok: false, reason: "invalid" },
  );
  assert.deepEqual((await groupWeights(f.handle.db, fed.id)).weights, {});
  const decisionId = proposed.value.decisionId;
  const voter = { uri: memberUri(ORIGIN, ana.username), accountId: ana.id };
  // In a federation the co-ops vote, through their delegates: ana speaks for H.
  assert.ok(
    (await receiveDelegate(f.ctx, { uri: H }, { group: fed, delegateUri: voter.uri, add: true }))
      .ok,
  );
  const vote = await castVote(f.ctx, voter, { decisionId, choice: { position: "agree" } });
  assert.ok(vote.ok, JSON.stringify(vote));
  const closed = await closeDecision(f.ctx, ana, { decisionId });
  assert.ok(closed.ok && closed.value.tally.outcome.passed === true, JSON.stringify(closed));
  assert.deepEqual(await groupWeights(f.handle.db, fed.id), {
    weights: { food: 3 },
    decisionId: proposed.value.decisionId,
  });

  const opened = await openRound(ctx, ana, {
    groupId: fed.id,
    round: { title: "Weighted", deadline: inDays(1) },
  });
  assert.ok(opened.ok);
  await sweepPlanRounds(ctx);
  const input = JSON.parse(
    (
      await f.handle.db
        .selectFrom("plan_revisions")
        .select("input")
        .where("round_id", "=", opened.value.id)
        .executeTakeFirstOrThrow()
    ).input,
  );
  assert.deepEqual(
    input.needs.map((n: { priority: number }) => n.priority),
    [300],
  );
  assert.equal((await findRound(f.handle.db, opened.value.id))?.status, "accepting");
  f.clock.advance(2 * 86_400_000);
  assert.equal(await closeOverdue(ctx), 1);
  const round = await findRound(f.handle.db, opened.value.id);
  assert.equal(round?.status, "re-solving", "nobody answered: every commitment counts as rejected");
  assert.deepEqual(
    await answerPart(ctx, ana, { roundId: opened.value.id, answer: { answer: "accept" } }),
    { ok: false, reason: "not-accepting" },
  );
});
