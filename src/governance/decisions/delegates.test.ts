/**
 * A decision in a federation of co-ops voting by delegates: each co-op's vote
 * is cast by one of its delegates (here, or on another node) and counts once
 * for the co-op; a second delegate of the same co-op changes it; people who
 * are not delegates cannot vote. SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type DecisionsFixture,
  decisionsFixture,
  ORIGIN,
} from "../../../test/support/decisions.ts";
import { joinWithOurCoop, receiveDelegate } from "../../groups/federations.ts";
import { receiveJoin } from "../../groups/memberships.ts";
import { closeDecision } from "./closing.ts";
import { createDecision } from "./decisions.ts";
import { decisionsWaitingFor } from "./reads.ts";
import type { IrvTally } from "./types.ts";
import { castVote } from "./votes.ts";

let f: DecisionsFixture;
before(async () => {
  f = await decisionsFixture();
});
after(() => f.handle.close());

test("two co-ops' delegates decide a ranked question in a federation; one vote per co-op", async () => {
  const ada = await f.member("ada", "admin");
  const bea = await f.member("bea");
  const cyd = await f.member("cyd");
  const fed = await f.group(ada, { name: "fednet", kind: "federation" });
  assert.ok((await joinWithOurCoop(f.ctx, ada, { group: fed })).ok);
  const ours = `${ORIGIN}/users/coop`;
  for (const d of ["bea", "cyd"])
    assert.ok(
      (
        await receiveDelegate(
          f.ctx,
          { uri: ours },
          { group: fed, delegateUri: `${ORIGIN}/users/${d}`, add: true },
        )
      ).ok,
    );
  const other = await f.remote("https://other.example/users/coop", "Organization");
  assert.ok(
    (await receiveJoin(f.ctx, other, { group: fed, activityUri: "https://other.example/f/1" })).ok,
  );
  const rosa = "https://other.example/users/rosa";
  assert.ok((await receiveDelegate(f.ctx, other, { group: fed, delegateUri: rosa, add: true })).ok);

  const made = await createDecision(f.ctx, ada, {
    group: fed,
    proposal: f.proposal({
      rule: "irv",
      options: [{ label: "Shared warehouse" }, { label: "Joint van" }, { label: "Both later" }],
    }),
  });
  assert.ok(made.ok, JSON.stringify(made));
  const id = made.value.id;
  assert.deepEqual(
    (await decisionsWaitingFor(f.ctx, bea)).map((d) => d.id),
    [id],
  );
  assert.deepEqual(await decisionsWaitingFor(f.ctx, ada), [], "not a delegate");

  const bea1 = await castVote(f.ctx, f.voter(bea), { decisionId: id, choice: { ranking: [1, 0] } });
  assert.deepEqual(bea1, { ok: true, value: { countsFor: ours, changed: false, receipt: null } });
  assert.deepEqual(await decisionsWaitingFor(f.ctx, cyd), [], "their co-op has voted");
  const cyd1 = await castVote(f.ctx, f.voter(cyd), { decisionId: id, choice: { ranking: [0, 1] } });
  assert.deepEqual(cyd1, { ok: true, value: { countsFor: ours, changed: true, receipt: null } });
  assert.deepEqual(
    await castVote(f.ctx, f.voter(ada), { decisionId: id, choice: { ranking: [2] } }),
    { ok: false, reason: "not-eligible" },
  );
  assert.ok(
    (
      await castVote(
        f.ctx,
        { uri: rosa, accountId: null },
        { decisionId: id, choice: { ranking: [0, 2] } },
      )
    ).ok,
  );
  const closed = await closeDecision(f.ctx, ada, { decisionId: id });
  assert.ok(closed.ok);
  const tally = closed.value.tally as IrvTally;
  assert.equal(tally.ballots, 2, "one ballot per co-op");
  assert.equal(tally.eligibleWeight, 2);
  assert.deepEqual(tally.outcome.winners, [0]);
});
