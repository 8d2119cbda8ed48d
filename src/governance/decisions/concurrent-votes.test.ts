/**
 * Votes cast at the same instant (group commit, vote-batch.ts), on SQLite or
 * PostgreSQL (TEST_DATABASE_URL): 50 voters land exactly once, named and
 * secret; in a batch every vote keeps its own answer (refused ones write
 * nothing, a voter's second vote is a change or refused); a close racing the
 * votes leaves every accepted vote in the stored tally and nothing after it.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type DecisionsFixture, decisionsFixture } from "../../../test/support/decisions.ts";
import type { LocalMember } from "../../groups/context.ts";
import type { Group } from "../../groups/groups.ts";
import { closeDecision } from "./closing.ts";
import { amendDecision, createDecision, findDecision } from "./decisions.ts";
import { decisionView } from "./reads.ts";
import { ballotByReceipt, secretBallots } from "./secret-ballot.ts";
import type { SingleTally } from "./types.ts";
import { castVote } from "./votes.ts";

const VOTERS = 50;
let f: DecisionsFixture;
let ada: LocalMember;
let voters: LocalMember[];
let out: LocalMember;
let group: Group;
before(async () => {
  f = await decisionsFixture();
  ada = await f.member("ada", "admin");
  out = await f.member("out");
  voters = [];
  for (let i = 0; i < VOTERS; i++) voters.push(await f.member(`v${i}`));
  group = await f.groupWith("crowd", ada, voters);
});
after(() => f.handle.close());

const options = Array.from({ length: 5 }, (_, i) => ({ label: `Option ${i}` }));

async function propose(over: Parameters<DecisionsFixture["proposal"]>[0] = {}) {
  const made = await createDecision(f.ctx, ada, {
    group,
    proposal: f.proposal({ rule: "single", options, ...over }),
  });
  assert.ok(made.ok, JSON.stringify(made));
  return made.value.id;
}

const voteAll = (decisionId: string) =>
  Promise.all(
    voters.map((m, i) => castVote(f.ctx, f.voter(m), { decisionId, choice: { option: i % 5 } })),
  );

test("50 named votes at the same instant all land, exactly once each", async () => {
  const id = await propose();
  const results = await voteAll(id);
  assert.deepEqual(
    results.map((r) => r.ok && r.value.changed),
    voters.map(() => false),
  );
  const rows = await f.handle.db
    .selectFrom("decision_votes")
    .select(["voter_uri", "choice"])
    .where("decision_id", "=", id)
    .orderBy("voter_uri")
    .execute();
  assert.deepEqual(
    rows,
    voters
      .map((m, i) => ({ voter_uri: f.voter(m).uri, choice: JSON.stringify({ option: i % 5 }) }))
      .sort((a, b) => (a.voter_uri < b.voter_uri ? -1 : 1)),
  );
  assert.equal((await findDecision(f.ctx.db, id))?.voters_count, VOTERS);
  // The same 50 again, at once: each is a second vote, refused where changes are off...
  const fixed = await propose({ voteChanges: false });
  assert.ok((await voteAll(fixed)).every((r) => r.ok));
  const refused = await voteAll(fixed);
  assert.ok(refused.every((r) => !r.ok && r.reason === "already-voted"));
  assert.equal((await findDecision(f.ctx.db, fixed))?.voters_count, VOTERS);
  // ...and a change where they are on.
  const twice = await Promise.all(
    voters.map((m) => castVote(f.ctx, f.voter(m), { decisionId: id, choice: { option: 4 } })),
  );
  assert.ok(
    twice.every((r) => r.ok && r.value.changed),
    "changes allowed: all changed",
  );
  assert.equal((await findDecision(f.ctx.db, id))?.voters_count, VOTERS, "changes add no voter");
});

test("50 secret votes at the same instant all land once, each with its own receipt", async () => {
  const id = await propose({ ballot: "secret", resultsVisibility: "after-close" });
  const results = await voteAll(id);
  const receipts = results.map((r) => (r.ok ? r.value.receipt : null));
  assert.ok(receipts.every((r) => typeof r === "string"));
  assert.equal(new Set(receipts).size, VOTERS);
  assert.equal(
    (
      await f.handle.db
        .selectFrom("decision_voters")
        .where("decision_id", "=", id)
        .select("voter_uri")
        .execute()
    ).length,
    VOTERS,
  );
  const ballots = await secretBallots(f.ctx.db, id);
  assert.equal(ballots.length, VOTERS);
  // Each receipt reads back its own voter's choice.
  for (const [i, receipt] of receipts.entries())
    assert.deepEqual(await ballotByReceipt(f.ctx.db, id, receipt as string), { option: i % 5 });
  assert.equal((await findDecision(f.ctx.db, id))?.voters_count, VOTERS);
});

test("in one batch each vote gets its own answer; refused ones write nothing", async () => {
  const id = await propose({ rule: "consent", options: [], voteChanges: false });
  const [a, b, c, d] = voters as [LocalMember, LocalMember, LocalMember, LocalMember];
  const results = await Promise.all([
    castVote(f.ctx, f.voter(a), { decisionId: id, choice: { position: "agree" } }),
    castVote(f.ctx, f.voter(out), { decisionId: id, choice: { position: "agree" } }),
    castVote(f.ctx, f.voter(b), { decisionId: id, choice: { position: "block" } }),
    castVote(f.ctx, f.voter(c), { decisionId: id, choice: { position: "abstain" } }),
    castVote(f.ctx, f.voter(c), { decisionId: id, choice: { position: "agree" } }),
    castVote(f.ctx, f.voter(d), { decisionId: id, choice: "nonsense" }),
  ]);
  assert.deepEqual(
    results.map((r) => (r.ok ? "ok" : r.reason)),
    ["ok", "not-eligible", "reason-required", "ok", "already-voted", "not-an-object"],
  );
  const rows = await f.handle.db
    .selectFrom("decision_votes")
    .select(["voter_uri", "choice"])
    .where("decision_id", "=", id)
    .orderBy("voter_uri")
    .execute();
  assert.deepEqual(rows, [
    { voter_uri: f.voter(a).uri, choice: JSON.stringify({ position: "agree" }) },
    { voter_uri: f.voter(c).uri, choice: JSON.stringify({ position: "abstain" }) },
  ]);
  assert.equal((await findDecision(f.ctx.db, id))?.voters_count, 2);

  // Where changes are allowed, a voter's later vote in the same batch replaces the earlier.
  const open = await propose();
  const changed = await Promise.all([
    castVote(f.ctx, f.voter(a), { decisionId: open, choice: { option: 1 } }),
    castVote(f.ctx, f.voter(a), { decisionId: open, choice: { option: 2 } }),
    castVote(f.ctx, f.voter(a), { decisionId: open, choice: { option: 3 } }),
  ]);
  assert.deepEqual(
    changed.map((r) => r.ok && r.value.changed),
    [false, true, true],
  );
  const stored = await f.handle.db
    .selectFrom("decision_votes")
    .select("choice")
    .where("decision_id", "=", open)
    .execute();
  assert.deepEqual(stored, [{ choice: JSON.stringify({ option: 3 }) }]);

  // A batch where every vote is refused writes nothing at all (no counter, no event).
  const before = await Promise.all(
    ["decision_votes", "outbox_events"].map((t) => f.rows(t as "decision_votes")),
  );
  const refused = await Promise.all([
    castVote(f.ctx, f.voter(out), { decisionId: open, choice: { option: 1 } }),
    castVote(f.ctx, f.voter(b), { decisionId: open, choice: { option: 9 } }),
  ]);
  assert.deepEqual(
    refused.map((r) => !r.ok && r.reason),
    ["not-eligible", "option-out-of-range"],
  );
  assert.deepEqual(
    await Promise.all(
      ["decision_votes", "outbox_events"].map((t) => f.rows(t as "decision_votes")),
    ),
    before,
  );
});

test("a close racing 50 votes: every accepted vote is in the stored tally, none after the close", async () => {
  const id = await propose();
  const vote = (m: LocalMember) =>
    castVote(f.ctx, f.voter(m), { decisionId: id, choice: { option: 0 } });
  // Half vote (their batch commits), then more votes, the close and the rest in the same instant:
  // whichever commits first, a vote either counts or is refused.
  const early = voters.slice(0, 25).map(vote);
  await early[0];
  const mid = voters.slice(25, 37).map(vote);
  const closing = closeDecision(f.ctx, ada, { decisionId: id });
  const late = voters.slice(37).map(vote);
  const results = await Promise.all([...early, ...mid, ...late]);
  const closed = await closing;
  assert.ok(closed.ok, JSON.stringify(closed));
  const accepted = results.filter((r) => r.ok).length;
  assert.ok(
    results.every((r) => r.ok || r.reason === "closed"),
    "a vote either counts or is refused as closed",
  );
  const tally = closed.value.tally as SingleTally;
  assert.equal(tally.ballots, accepted, "the tally holds exactly the accepted votes");
  assert.ok(accepted >= 25, "the votes answered before the close count");
  const stored = await f.handle.db
    .selectFrom("decision_votes")
    .select("id")
    .where("decision_id", "=", id)
    .execute();
  assert.equal(stored.length, accepted, "no vote was written after the close");
  // After the close, votes at once are all refused.
  const after = await voteAll(id);
  assert.ok(after.every((r) => !r.ok && r.reason === "closed"));
});

test("a live count is cached by the decision's state: each vote and an amendment show at once", async () => {
  // The fixture's clock stands still: the state must still move on with each write.
  const id = await propose();
  const shown = async () => (await decisionView(f.ctx, ada, id))?.tally?.ballots;
  assert.equal(await shown(), 0);
  assert.equal(await shown(), 0, "read again: the same state");
  const [a, b] = voters as [LocalMember, LocalMember];
  assert.ok((await castVote(f.ctx, f.voter(a), { decisionId: id, choice: { option: 1 } })).ok);
  assert.equal(await shown(), 1);
  assert.ok((await castVote(f.ctx, f.voter(b), { decisionId: id, choice: { option: 1 } })).ok);
  assert.equal(await shown(), 2);
  const changed = await castVote(f.ctx, f.voter(b), { decisionId: id, choice: { option: 2 } });
  assert.ok(changed.ok);
  const view = await decisionView(f.ctx, ada, id);
  assert.ok(view);
  assert.deepEqual((view.tally as SingleTally).votes, [0, 1, 1, 0, 0]);
  const amended = await amendDecision(f.ctx, ada, {
    group,
    decisionId: id,
    proposal: f.proposal({ rule: "single", options, title: "Again, with a new question" }),
  });
  assert.ok(amended.ok);
  assert.equal(await shown(), 0, "the amendment cleared the votes");
});
