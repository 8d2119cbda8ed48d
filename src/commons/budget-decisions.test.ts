/**
 * A dataset's budget set by a decision of its group (consent): the new budget
 * applies when the decision closes having passed, in the closing transaction,
 * to the dataset and the current period's ledger; a blocked one changes
 * nothing; bad proposals write nothing. And co-ops contributing records: only a
 * node admin gives rows where the unit is the co-op, logged as the co-op's.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import {
  type CommonsFixture,
  commonsFixture,
  ORIGIN,
  PURPOSE,
} from "../../test/support/commons.ts";
import { closeDecision, onDecisionClosed } from "../governance/decisions/closing.ts";
import { castVote } from "../governance/decisions/votes.ts";
import type { LocalMember } from "../groups/context.ts";
import { coopUri, memberUri } from "../kernel/uris.ts";
import { applyBudgetDecision, budgetProposalsOf, proposeBudget } from "./budget-decisions.ts";
import { consentLog, contribute, withdrawContributions } from "./contributions.ts";
import { findDataset } from "./datasets.ts";
import { ledgerNow, queryDataset } from "./queries.ts";

let f: CommonsFixture;
let ada: LocalMember;
let bea: LocalMember;
let cyd: LocalMember;
const ctx = () => ({ ...f.cx, domain: new URL(ORIGIN).host });
const closesAt = () => new Date(f.clock.now().getTime() + 3600_000).toISOString();
const voter = (m: LocalMember) => ({ uri: memberUri(ORIGIN, m.username), accountId: m.id });

before(async () => {
  f = await commonsFixture();
  onDecisionClosed(applyBudgetDecision);
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  cyd = await f.member("cyd", "admin");
});

test("a passed budget decision raises the budget of the current period; the question it blocked is then answered", async () => {
  const datasetId = await f.dataset(ada, { budgetRho: 1, defaultRho: 0.6 });
  assert.ok(
    (
      await contribute(f.cx, bea, {
        datasetId,
        purpose: PURPOSE,
        rows: [{ hours: "3", sector: "care" }],
      })
    ).ok,
  );
  assert.ok((await queryDataset(f.cx, ada, { datasetId, query: { mechanism: "count" } })).ok);
  const refused = await queryDataset(f.cx, ada, {
    datasetId,
    query: { mechanism: "count", by: "sector" },
  });
  assert.deepEqual(refused, { ok: false, reason: "over-budget" });

  const proposed = await proposeBudget(ctx(), bea, {
    datasetId,
    proposal: { budgetRho: 2, closesAt: closesAt(), reason: "We need the sector breakdown." },
  });
  assert.ok(proposed.ok, JSON.stringify(proposed));
  const decisionId = proposed.value.decisionId;
  // Proposed is not decided: the budget stays until the decision passes.
  assert.equal((await findDataset(f.cx.db, datasetId))?.budget_rho, 1);
  for (const m of [ada, bea])
    assert.ok((await castVote(ctx(), voter(m), { decisionId, choice: { position: "agree" } })).ok);
  const closed = await closeDecision(ctx(), ada, { decisionId });
  assert.ok(closed.ok && closed.value.tally.outcome.passed === true);

  assert.equal((await findDataset(f.cx.db, datasetId))?.budget_rho, 2);
  const ledger = await ledgerNow(
    f.cx.db,
    (await findDataset(f.cx.db, datasetId)) as never,
    f.clock.now(),
  );
  assert.equal(ledger.budget, 2);
  assert.ok(Math.abs(ledger.remaining - 1.4) < 0.01, `remaining ${ledger.remaining}`);
  const answered = await queryDataset(f.cx, ada, {
    datasetId,
    query: { mechanism: "count", by: "sector" },
  });
  assert.ok(answered.ok, JSON.stringify(answered));
  assert.deepEqual(
    (await budgetProposalsOf(f.cx.db, datasetId)).map((p) => [p.budget_rho, p.status]),
    [[2, "applied"]],
  );
  assert.equal((await f.events("commons.dataset.budget-changed")).length, 1);
});

test("a blocked budget decision changes nothing", async () => {
  const datasetId = await f.dataset(ada, { budgetRho: 1, defaultRho: 0.2, title: "Blocked" });
  const proposed = await proposeBudget(ctx(), bea, {
    datasetId,
    proposal: { budgetRho: 50, closesAt: closesAt() },
  });
  assert.ok(proposed.ok);
  const { decisionId } = proposed.value;
  assert.ok((await castVote(ctx(), voter(bea), { decisionId, choice: { position: "agree" } })).ok);
  assert.ok(
    (
      await castVote(ctx(), voter(ada), {
        decisionId,
        choice: { position: "block", reason: "Too much" } as never,
      })
    ).ok,
  );
  const closed = await closeDecision(ctx(), ada, { decisionId });
  assert.ok(closed.ok && closed.value.tally.outcome.passed === false);
  assert.equal((await findDataset(f.cx.db, datasetId))?.budget_rho, 1);
  assert.deepEqual(
    (await budgetProposalsOf(f.cx.db, datasetId)).map((p) => p.status),
    ["rejected"],
  );
});

test("a bad budget proposal is refused and writes nothing", async () => {
  const datasetId = await f.dataset(ada, { title: "Bad proposals" });
  const before = await f.count("outbox_events");
  for (const proposal of [
    { budgetRho: 0, closesAt: closesAt() },
    { budgetRho: 101, closesAt: closesAt() },
    { budgetRho: 2 },
    { budgetRho: 2, closesAt: "tomorrow" },
    JSON.parse(`{"budgetRho":2,"closesAt":"${closesAt()}","__proto__":{"x":1}}`),
  ])
    assert.deepEqual(await proposeBudget(ctx(), bea, { datasetId, proposal }), {
      ok: false,
      reason: "invalid",
    });
  assert.deepEqual(
    await proposeBudget(ctx(), bea, {
      datasetId,
      proposal: { budgetRho: 1, closesAt: closesAt() },
    }),
    {
      ok: false,
      reason: "same-budget",
    },
  );
  assert.deepEqual(
    await proposeBudget(ctx(), bea, {
      datasetId: "nope",
      proposal: { budgetRho: 2, closesAt: closesAt() },
    }),
    { ok: false, reason: "not-found" },
  );
  assert.equal(await f.count("outbox_events"), before);
  assert.equal((await budgetProposalsOf(f.cx.db, datasetId)).length, 0);
});

test("co-ops contribute records: only a node admin, for the co-op, logged as the co-op's; another admin withdraws them", async () => {
  const datasetId = await f.dataset(ada, { unit: "coop", title: "Co-op indicators" });
  const rows = [
    { hours: "120.5", sector: "food" },
    { hours: "80", sector: "repair" },
  ];
  assert.deepEqual(await contribute(f.cx, bea, { datasetId, purpose: PURPOSE, rows }), {
    ok: false,
    reason: "forbidden",
  });
  const given = await contribute(f.cx, ada, { datasetId, purpose: PURPOSE, rows });
  assert.ok(given.ok);
  const stored = await f.cx.db
    .selectFrom("commons_rows")
    .select("unit_key")
    .where("dataset_id", "=", datasetId)
    .execute();
  assert.deepEqual(
    stored.map((r) => r.unit_key),
    [coopUri(ORIGIN), coopUri(ORIGIN)],
  );
  const [consent] = await consentLog(f.cx.db, ada.id, datasetId);
  assert.equal(consent?.coop_uri, coopUri(ORIGIN));
  assert.equal(consent?.purpose, PURPOSE);
  // A member cannot withdraw the co-op's rows; another admin can.
  assert.deepEqual(await withdrawContributions(f.cx, bea, datasetId), {
    ok: false,
    reason: "nothing-to-withdraw",
  });
  const gone = await withdrawContributions(f.cx, cyd, datasetId);
  assert.ok(gone.ok && gone.value.rows === 2);
  const [withdrawal] = await consentLog(f.cx.db, cyd.id, datasetId);
  assert.equal(withdrawal?.action, "withdraw");
  assert.equal(withdrawal?.coop_uri, coopUri(ORIGIN));
});
