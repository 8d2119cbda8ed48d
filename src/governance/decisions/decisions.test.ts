/**
 * The decisions capability, verb by verb, on SQLite or PostgreSQL
 * (TEST_DATABASE_URL): proposing in a thread, voting (eligibility, window,
 * choice, changes), the consent flow with a block and an amendment, closing,
 * the outcome; refused input writes nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type DecisionsFixture, decisionsFixture } from "../../../test/support/decisions.ts";
import type { LocalMember } from "../../groups/context.ts";
import type { Group } from "../../groups/groups.ts";
import { parseBallotsFile, recount } from "./ballots-file.ts";
import { closeDecision, recordOutcome } from "./closing.ts";
import { amendDecision, createDecision, findDecision } from "./decisions.ts";
import { exportBallots } from "./export.ts";
import { decisionView } from "./reads.ts";
import { canSeeResults } from "./results-visibility.ts";
import type { ConsentTally } from "./types.ts";
import { castVote } from "./votes.ts";

let f: DecisionsFixture;
let ada: LocalMember;
let bea: LocalMember;
let cyd: LocalMember;
let out: LocalMember;
let group: Group;
before(async () => {
  f = await decisionsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  cyd = await f.member("cyd");
  out = await f.member("out");
  group = await f.groupWith("bikes", ada, [bea, cyd]);
});
after(() => f.handle.close());

const tables = [
  "decisions",
  "decision_votes",
  "decision_voters",
  "decision_ballots",
  "posts",
  "outbox_events",
  "notifications",
] as const;
async function nothingWritten(what: () => Promise<unknown>) {
  const counts = () => Promise.all(tables.map((t) => f.rows(t)));
  const before = await counts();
  await what();
  assert.deepEqual(await counts(), before);
}

async function propose(over: Parameters<DecisionsFixture["proposal"]>[0] = {}, by = ada) {
  const made = await createDecision(f.ctx, by, { group, proposal: f.proposal(over) });
  assert.ok(made.ok, JSON.stringify(made));
  return made.value;
}

test("createDecision writes the thread post and the decision together; outsiders and bad input write nothing", async () => {
  const made = await propose({
    rule: "single",
    options: [{ label: "Red" }, { label: "Blue", explanation: "calmer" }],
  });
  const d = await findDecision(f.ctx.db, made.id);
  assert.ok(d);
  assert.equal(d.post_id, made.postId);
  assert.equal(d.status, "open");
  assert.equal(d.group_uri, `${f.ctx.origin}/groups/bikes`);
  assert.deepEqual(JSON.parse(d.options), [
    { label: "Red", explanation: "" },
    { label: "Blue", explanation: "calmer" },
  ]);
  const post = await f.ctx.db
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", made.postId)
    .executeTakeFirstOrThrow();
  assert.equal(post.title, "Buy a cargo bike");
  assert.equal(post.group_id, group.id);
  assert.equal((await f.events("decisions.decision.created")).at(-1)?.decisionId, made.id);

  await nothingWritten(async () => {
    assert.deepEqual(await createDecision(f.ctx, out, { group, proposal: f.proposal() }), {
      ok: false,
      reason: "forbidden",
    });
    for (const bad of [
      f.proposal({ closesAt: new Date(f.clock.now().getTime() - 1000).toISOString() }),
      f.proposal({ rule: "single", options: [{ label: "only one" }] }),
      f.proposal({ rule: "single", options: [{ label: "same" }, { label: "same" }] }),
      f.proposal({ ballot: "secret", resultsVisibility: "always" }),
      { ...f.proposal(), rule: "plurality" },
      { ...f.proposal(), __proto__: { rule: "x" }, extra: 1 },
      f.proposal({ title: "" }),
      f.proposal({ closesAt: new Date(f.clock.now().getTime() + 400 * 86400_000).toISOString() }),
    ])
      assert.deepEqual(await createDecision(f.ctx, ada, { group, proposal: bad }), {
        ok: false,
        reason: "invalid",
      });
  });
});

test("castVote: eligible members vote once; outsiders, bad choices and closed windows are refused and write nothing", async () => {
  const { id } = await propose({
    rule: "single",
    options: [{ label: "Mon" }, { label: "Tue" }],
    voteChanges: false,
  });
  assert.deepEqual(await castVote(f.ctx, f.voter(bea), { decisionId: id, choice: { option: 1 } }), {
    ok: true,
    value: { countsFor: f.voter(bea).uri, changed: false, receipt: null },
  });
  await nothingWritten(async () => {
    const refuse = async (who: LocalMember, choice: unknown, reason: string, decisionId = id) =>
      assert.deepEqual(await castVote(f.ctx, f.voter(who), { decisionId, choice }), {
        ok: false,
        reason,
      });
    await refuse(bea, { option: 0 }, "already-voted");
    await refuse(out, { option: 0 }, "not-eligible");
    await refuse(cyd, { option: 2 }, "option-out-of-range");
    await refuse(cyd, { options: [0] }, "wrong-shape");
    await refuse(cyd, "0", "not-an-object");
    await refuse(cyd, { option: 0 }, "not-found", "no-such-decision");
  });
  const view = await decisionView(f.ctx, cyd, id);
  assert.equal(view?.canVote, true);
  assert.equal(view?.votes?.length, 1);
  assert.deepEqual(view?.tally && "votes" in view.tally ? view.tally.votes : null, [0, 1]);
  f.clock.advance(24 * 3600_000);
  await nothingWritten(async () => {
    assert.deepEqual(
      await castVote(f.ctx, f.voter(cyd), { decisionId: id, choice: { option: 0 } }),
      {
        ok: false,
        reason: "closed",
      },
    );
  });
});

test("a vote may change until the close when allowed; a decision not yet open refuses votes", async () => {
  const later = new Date(f.clock.now().getTime() + 3600_000).toISOString();
  const { id } = await propose({
    rule: "score",
    options: [{ label: "A" }, { label: "B" }],
    opensAt: later,
    closesAt: new Date(f.clock.now().getTime() + 7200_000).toISOString(),
  });
  assert.deepEqual(
    await castVote(f.ctx, f.voter(bea), { decisionId: id, choice: { scores: [1, 2] } }),
    {
      ok: false,
      reason: "not-open",
    },
  );
  f.clock.advance(3600_000);
  assert.ok(
    (await castVote(f.ctx, f.voter(bea), { decisionId: id, choice: { scores: [1, 2] } })).ok,
  );
  const again = await castVote(f.ctx, f.voter(bea), { decisionId: id, choice: { scores: [5, 0] } });
  assert.deepEqual(again, {
    ok: true,
    value: { countsFor: f.voter(bea).uri, changed: true, receipt: null },
  });
  const view = await decisionView(f.ctx, bea, id);
  assert.deepEqual(view?.myChoice, { scores: [5, 0] });
  assert.equal((await findDecision(f.ctx.db, id))?.voters_count, 1);
});

test("consent flow: a block stops it, the amendment clears the votes, consent passes, the outcome is posted and notified", async () => {
  const { id, postId } = await propose({ rule: "consent" });
  assert.ok(
    (await castVote(f.ctx, f.voter(bea), { decisionId: id, choice: { position: "agree" } })).ok,
  );
  await nothingWritten(async () => {
    assert.deepEqual(
      await castVote(f.ctx, f.voter(cyd), { decisionId: id, choice: { position: "block" } }),
      { ok: false, reason: "reason-required" },
    );
  });
  assert.ok(
    (
      await castVote(f.ctx, f.voter(cyd), {
        decisionId: id,
        choice: { position: "block", reason: "We have no place to park it." },
      })
    ).ok,
  );
  const blocked = (await decisionView(f.ctx, ada, id))?.tally as ConsentTally;
  assert.equal(blocked.blocked, true);
  assert.equal(blocked.outcome.passed, false);
  assert.equal(
    (await decisionView(f.ctx, ada, id))?.votes?.find((v) => v.reason)?.reason,
    "We have no place to park it.",
  );

  // Only the proposer or a moderator amends; bad input changes nothing.
  await nothingWritten(async () => {
    assert.deepEqual(
      await amendDecision(f.ctx, bea, { group, decisionId: id, proposal: f.proposal() }),
      { ok: false, reason: "forbidden" },
    );
    assert.deepEqual(
      await amendDecision(f.ctx, ada, { group, decisionId: id, proposal: { title: "" } }),
      { ok: false, reason: "invalid" },
    );
  });
  const amended = await amendDecision(f.ctx, ada, {
    group,
    decisionId: id,
    proposal: f.proposal({
      title: "Buy a cargo bike and park it in the yard",
      body: "For deliveries; parked in the yard behind the shop.",
    }),
  });
  assert.deepEqual(amended, { ok: true, value: { id, round: 1 } });
  // The thread's title follows the amended question, and the change goes out as an Update.
  const root = await f.ctx.db
    .selectFrom("posts")
    .select("title")
    .where("id", "=", postId)
    .executeTakeFirstOrThrow();
  assert.equal(root.title, "Buy a cargo bike and park it in the yard");
  const updates = await f.ctx.db
    .selectFrom("outbox_events")
    .select("payload")
    .where("type", "=", "social.post.updated")
    .execute();
  assert.ok(updates.some((u) => JSON.parse(u.payload).postId === postId));
  assert.equal(
    (await decisionView(f.ctx, ada, id))?.votes?.length,
    0,
    "votes of the old text are cleared",
  );
  const replies = await f.ctx.db
    .selectFrom("posts")
    .select("content_html")
    .where("in_reply_to_id", "=", postId)
    .execute();
  assert.equal(replies.length, 1, "the amendment is posted in the thread");

  for (const m of [bea, cyd])
    assert.ok(
      (await castVote(f.ctx, f.voter(m), { decisionId: id, choice: { position: "agree" } })).ok,
    );
  assert.deepEqual(await recordOutcome(f.ctx, ada, { decisionId: id, outcome: { outcome: "x" } }), {
    ok: false,
    reason: "not-closed",
  });
  assert.deepEqual(await closeDecision(f.ctx, bea, { decisionId: id }), {
    ok: false,
    reason: "forbidden",
  });
  const closed = await closeDecision(f.ctx, ada, { decisionId: id });
  assert.ok(closed.ok);
  assert.equal((closed.value.tally as ConsentTally).outcome.passed, true);
  assert.equal((closed.value.tally as ConsentTally).eligibleWeight, 3);
  assert.deepEqual(await closeDecision(f.ctx, ada, { decisionId: id }), {
    ok: false,
    reason: "closed",
  });
  // The audit file recounts to the stored tally.
  const file = await exportBallots(f.ctx, bea, id);
  assert.ok(file.ok);
  const parsed = parseBallotsFile(file.value);
  assert.deepEqual(
    parsed.ballots.map((b) => b.voter).sort(),
    [f.voter(bea).uri, f.voter(cyd).uri].sort(),
  );
  assert.deepEqual(recount(parsed), closed.value.tally);
  assert.deepEqual(await exportBallots(f.ctx, out, "nope"), { ok: false, reason: "not-found" });

  await nothingWritten(async () => {
    assert.deepEqual(
      await recordOutcome(f.ctx, ada, { decisionId: id, outcome: { outcome: "", reviewAt: null } }),
      { ok: false, reason: "invalid" },
    );
    assert.deepEqual(
      await recordOutcome(f.ctx, bea, { decisionId: id, outcome: { outcome: "We buy it." } }),
      { ok: false, reason: "forbidden" },
    );
  });
  const outcome = await recordOutcome(f.ctx, ada, {
    decisionId: id,
    outcome: { outcome: "We buy it; Bea picks it up.", reviewAt: "2026-09-01" },
  });
  assert.ok(outcome.ok);
  const d = await findDecision(f.ctx.db, id);
  assert.equal(d?.outcome, "We buy it; Bea picks it up.");
  assert.equal(d?.review_at, "2026-09-01T00:00:00.000Z");
  const told = await f.ctx.db
    .selectFrom("notifications")
    .select("account_id")
    .where("type", "=", "decision_outcome")
    .where("post_id", "=", postId)
    .execute();
  assert.deepEqual(told.map((n) => n.account_id).sort(), [ada.id, bea.id, cyd.id].sort());
  assert.deepEqual(
    await recordOutcome(f.ctx, ada, { decisionId: id, outcome: { outcome: "again" } }),
    {
      ok: false,
      reason: "outcome-recorded",
    },
  );
  assert.deepEqual(
    await amendDecision(f.ctx, ada, { group, decisionId: id, proposal: f.proposal() }),
    { ok: false, reason: "outcome-recorded" },
  );
});

test("results visibility: always, after one's vote, after the close", () => {
  for (const [visibility, closed, hasVoted, seen] of [
    ["always", false, false, true],
    ["after-vote", false, false, false],
    ["after-vote", false, true, true],
    ["after-close", false, true, false],
    ["after-close", true, false, true],
  ] as const)
    assert.equal(
      canSeeResults({ visibility, closed, hasVoted }),
      seen,
      `${visibility} ${closed} ${hasVoted}`,
    );
});

test("a hidden result stays hidden from the viewer until they vote", async () => {
  const { id } = await propose({
    rule: "single",
    options: [{ label: "A" }, { label: "B" }],
    resultsVisibility: "after-vote",
  });
  assert.ok((await castVote(f.ctx, f.voter(bea), { decisionId: id, choice: { option: 0 } })).ok);
  assert.equal((await decisionView(f.ctx, cyd, id))?.tally, null);
  assert.notEqual((await decisionView(f.ctx, bea, id))?.tally, null);
});

test("one voter voting 20 times at once counts once (row lock on PostgreSQL)", async () => {
  const { id } = await propose({
    rule: "single",
    options: [{ label: "A" }, { label: "B" }],
    voteChanges: false,
  });
  const results = await Promise.all(
    Array.from({ length: 20 }, () =>
      castVote(f.ctx, f.voter(cyd), { decisionId: id, choice: { option: 1 } }),
    ),
  );
  assert.equal(results.filter((r) => r.ok).length, 1);
  assert.equal((await findDecision(f.ctx.db, id))?.voters_count, 1);
});

test("a decision that lets outsiders vote counts anyone who can see it, each for themself; only a poll-shaped, open ballot may", async () => {
  const { id } = await propose({
    rule: "multiple",
    options: [{ label: "Oats" }, { label: "Rye" }],
    minChoices: 1,
    maxChoices: 2,
    outsiders: true,
  });
  // A member of this node outside the group, and someone on a Mastodon server.
  const mastodon = { uri: "https://mastodon.example/users/zoe", accountId: null };
  assert.ok((await castVote(f.ctx, f.voter(out), { decisionId: id, choice: { options: [0] } })).ok);
  const cast = await castVote(f.ctx, mastodon, { decisionId: id, choice: { options: [0, 1] } });
  assert.deepEqual(cast, {
    ok: true,
    value: { countsFor: mastodon.uri, changed: false, receipt: null },
  });
  // An outsider votes for themself only, never for a co-op.
  await nothingWritten(async () => {
    const forOther = await castVote(f.ctx, mastodon, {
      decisionId: id,
      choice: { options: [1] },
      countsFor: "https://mastodon.example/users/coop",
    });
    assert.equal(forOther.ok, false);
  });
  const view = await decisionView(f.ctx, out, id);
  assert.equal(view?.decision.voters_count, 2);
  assert.equal(view?.hasVoted, true, "the page knows the outsider voted");
  assert.deepEqual(
    view?.votes?.map((v) => v.voterUri).sort(),
    [f.voter(out).uri, mastodon.uri].sort(),
  );

  // Without the setting, the same outsider is refused.
  const closed = await propose({ rule: "single", options: [{ label: "A" }, { label: "B" }] });
  await nothingWritten(async () => {
    const refused = await castVote(f.ctx, mastodon, {
      decisionId: closed.id,
      choice: { option: 0 },
    });
    assert.deepEqual(refused, { ok: false, reason: "not-eligible" });
  });

  // Consent, a secret ballot or a quorum with outsiders: refused, nothing written.
  await nothingWritten(async () => {
    for (const over of [
      { rule: "consent" as const, outsiders: true },
      {
        rule: "single" as const,
        options: [{ label: "A" }, { label: "B" }],
        ballot: "secret" as const,
        resultsVisibility: "after-close" as const,
        outsiders: true,
      },
      {
        rule: "single" as const,
        options: [{ label: "A" }, { label: "B" }],
        quorum: 0.5,
        outsiders: true,
      },
    ]) {
      const made = await createDecision(f.ctx, ada, { group, proposal: f.proposal(over) });
      assert.deepEqual(made, { ok: false, reason: "invalid" }, JSON.stringify(over));
    }
  });
});
