/**
 * A federation decision weighted by members: each co-op's delegate casts the
 * co-op's active members (this node's co-op counted here, another node's as
 * its delegate's ballot reports it; 1 until then). Only a federation voting by
 * delegates may choose it, never with a secret ballot. SQLite, or PostgreSQL
 * with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type DecisionsFixture,
  decisionsFixture,
  ORIGIN,
} from "../../../test/support/decisions.ts";
import type { LocalMember } from "../../groups/context.ts";
import { joinWithOurCoop, receiveDelegate } from "../../groups/federations.ts";
import type { Group } from "../../groups/groups.ts";
import { receiveJoin } from "../../groups/memberships.ts";
import { closeDecision, tallyOf } from "./closing.ts";
import { createDecision, findDecision } from "./decisions.ts";
import type { SingleTally } from "./types.ts";
import { castVote } from "./votes.ts";

let f: DecisionsFixture;
let ada: LocalMember;
let bea: LocalMember;
let fed: Group;
const ours = `${ORIGIN}/users/coop`;
const other = "https://other.example/users/coop";
const third = "https://third.example/users/coop";
const rosa = { uri: "https://other.example/users/rosa", accountId: null };
const tom = { uri: "https://third.example/users/tom", accountId: null };

before(async () => {
  f = await decisionsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  await f.member("cyd"); // this node's co-op: three active members
  fed = await f.group(ada, { name: "fednet", kind: "federation" });
  assert.ok((await joinWithOurCoop(f.ctx, ada, { group: fed })).ok);
  assert.ok(
    (
      await receiveDelegate(
        f.ctx,
        { uri: ours },
        { group: fed, delegateUri: f.voter(bea).uri, add: true },
      )
    ).ok,
  );
  for (const [coop, delegate, n] of [
    [other, rosa.uri, 1],
    [third, tom.uri, 2],
  ] as const) {
    const actor = await f.remote(coop, "Organization");
    const joined = await receiveJoin(f.ctx, actor, {
      group: fed,
      activityUri: `${coop}/follows/${n}`,
    });
    assert.ok(joined.ok);
    assert.ok(
      (await receiveDelegate(f.ctx, actor, { group: fed, delegateUri: delegate, add: true })).ok,
    );
  }
});
after(() => f.handle.close());

async function propose(over: Parameters<DecisionsFixture["proposal"]>[0] = {}, group = fed) {
  return createDecision(f.ctx, ada, {
    group,
    proposal: f.proposal({
      rule: "single",
      options: [{ label: "Warehouse" }, { label: "Van" }],
      ...over,
    }),
  });
}

test("weighted by members: each co-op's vote weighs its active members", async () => {
  const made = await propose({ weighting: "members" });
  assert.ok(made.ok, JSON.stringify(made));
  const id = made.value.id;
  assert.equal((await findDecision(f.ctx.db, id))?.weighting, "members");
  const d0 = await findDecision(f.ctx.db, id);
  // Before any report: this node's co-op 3, the two others 1 each.
  assert.equal((await tallyOf(f.ctx, d0 as NonNullable<typeof d0>))?.eligibleWeight, 5);

  assert.ok((await castVote(f.ctx, f.voter(bea), { decisionId: id, choice: { option: 0 } })).ok);
  // The other co-op's node says it has 40 active members; the third's says nothing.
  const fromOther = await castVote(f.ctx, rosa, {
    decisionId: id,
    choice: { option: 1 },
    coopMembers: 40,
  });
  assert.deepEqual(fromOther, {
    ok: true,
    value: { countsFor: other, changed: false, receipt: null },
  });
  assert.ok((await castVote(f.ctx, tom, { decisionId: id, choice: { option: 0 } })).ok);

  const weights = await f.handle.db
    .selectFrom("decision_votes")
    .select(["voter_uri", "weight"])
    .where("decision_id", "=", id)
    .orderBy("voter_uri")
    .execute();
  assert.deepEqual(weights, [
    { voter_uri: ours, weight: 3 },
    { voter_uri: other, weight: 40 },
    { voter_uri: third, weight: 1 },
  ]);
  const closed = await closeDecision(f.ctx, ada, { decisionId: id });
  assert.ok(closed.ok);
  const tally = closed.value.tally as SingleTally;
  assert.deepEqual(tally.votes, [4, 40]);
  assert.equal(tally.eligibleWeight, 44);
  assert.deepEqual(tally.outcome.winners, [1], "the larger co-op's choice wins");
  assert.equal((await findDecision(f.ctx.db, id))?.eligible_weight, 44);
});

test("one per co-op by default: the same votes weigh 1 each, and a report is not kept", async () => {
  const made = await propose();
  assert.ok(made.ok);
  const id = made.value.id;
  assert.ok((await castVote(f.ctx, f.voter(bea), { decisionId: id, choice: { option: 0 } })).ok);
  assert.ok(
    (await castVote(f.ctx, tom, { decisionId: id, choice: { option: 1 }, coopMembers: 900 })).ok,
  );
  const closed = await closeDecision(f.ctx, ada, { decisionId: id });
  assert.ok(closed.ok);
  assert.deepEqual((closed.value.tally as SingleTally).votes, [1, 1]);
  assert.equal(closed.value.tally.eligibleWeight, 3);
  const kept = await f.handle.db
    .selectFrom("decision_coop_sizes")
    .select("coop_uri")
    .where("coop_uri", "=", third)
    .execute();
  assert.deepEqual(kept, [], "a per-co-op decision keeps no size");
});

test("a bad size report is ignored, and nothing but a co-op's vote reports one", async () => {
  const made = await propose({ weighting: "members" });
  assert.ok(made.ok);
  const id = made.value.id;
  const before = await f.handle.db
    .selectFrom("decision_coop_sizes")
    .selectAll()
    .orderBy("coop_uri")
    .execute();
  for (const coopMembers of [0, -5, 1.5, Number.NaN])
    assert.ok(
      (await castVote(f.ctx, tom, { decisionId: id, choice: { option: 0 }, coopMembers })).ok,
    );
  // A huge report is capped at the engine's largest weight.
  assert.ok(
    (await castVote(f.ctx, tom, { decisionId: id, choice: { option: 0 }, coopMembers: 1e12 })).ok,
  );
  const after = await f.handle.db
    .selectFrom("decision_coop_sizes")
    .selectAll()
    .orderBy("coop_uri")
    .execute();
  assert.deepEqual(
    after.map((r) => [r.coop_uri, r.members]),
    [
      ...before.filter((r) => r.coop_uri !== third).map((r) => [r.coop_uri, r.members]),
      [third, 1_000_000],
    ].sort(),
  );
  // This node's own co-op is counted, never reported.
  assert.ok(
    (
      await castVote(f.ctx, f.voter(bea), {
        decisionId: id,
        choice: { option: 0 },
        coopMembers: 99,
      })
    ).ok,
  );
  const mine = await f.handle.db
    .selectFrom("decision_votes")
    .select("weight")
    .where("decision_id", "=", id)
    .where("voter_uri", "=", ours)
    .executeTakeFirstOrThrow();
  assert.equal(mine.weight, 3);
});

test("only a federation voting by delegates weighs by members, and never a secret ballot", async () => {
  const wg = await f.group(ada, { name: "bikes" });
  assert.deepEqual(await propose({ weighting: "members" }, wg), { ok: false, reason: "invalid" });
  assert.deepEqual(
    await propose({ weighting: "members", ballot: "secret", resultsVisibility: "after-close" }),
    { ok: false, reason: "invalid" },
  );
});
