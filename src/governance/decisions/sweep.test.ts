/**
 * The sweep (opening notices, reminders to those who have not voted, closing
 * by time: each once, even across restarts), "Decisions waiting for me", the
 * moderation of reasons and the member's export and deletion. SQLite, or
 * PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type DecisionsFixture, decisionsFixture } from "../../../test/support/decisions.ts";
import type { LocalMember } from "../../groups/context.ts";
import type { Group } from "../../groups/groups.ts";
import { moderationLog } from "../../groups/moderation-log.ts";
import { setThreadHidden } from "../../groups/threads.ts";
import { closeDecision } from "./closing.ts";
import { decisionsContributor } from "./data.ts";
import { createDecision, findDecision } from "./decisions.ts";
import { setReasonHidden } from "./moderation.ts";
import { decisionsWaitingFor, decisionView } from "./reads.ts";
import { type ReminderMail, sweepDecisions } from "./sweep.ts";
import { castVote } from "./votes.ts";

let f: DecisionsFixture;
let ada: LocalMember;
let bea: LocalMember;
let cyd: LocalMember;
let dan: LocalMember;
let group: Group;
before(async () => {
  f = await decisionsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  cyd = await f.member("cyd");
  dan = await f.member("dan");
  group = await f.groupWith("garden", ada, [bea, cyd]);
});
after(() => f.handle.close());

const HOUR = 3600_000;
const notices = (type: string, postId: string) =>
  f.ctx.db
    .selectFrom("notifications")
    .select("account_id")
    .where("type", "=", type as "decision_opened")
    .where("post_id", "=", postId)
    .execute()
    .then((rows) => rows.map((r) => r.account_id).sort());

test("the sweep notifies the opening once, reminds those who have not voted once, and closes on time", async () => {
  const made = await createDecision(f.ctx, ada, {
    group,
    proposal: f.proposal({
      rule: "consent",
      opensAt: new Date(f.clock.now().getTime() + HOUR).toISOString(),
      closesAt: new Date(f.clock.now().getTime() + 10 * HOUR).toISOString(),
      reminderLeadSeconds: 2 * 3600,
    }),
  });
  assert.ok(made.ok);
  const { id, postId } = made.value;
  const mails: ReminderMail[] = [];
  const mail = async (m: ReminderMail) => {
    mails.push(m);
  };
  assert.deepEqual(await sweepDecisions(f.ctx, mail), { closed: 0, opened: 0, reminded: 0 });
  assert.deepEqual(await notices("decision_opened", postId), [], "not open yet");

  f.clock.advance(HOUR);
  assert.deepEqual(await sweepDecisions(f.ctx, mail), { closed: 0, opened: 1, reminded: 0 });
  assert.deepEqual(await sweepDecisions(f.ctx, mail), { closed: 0, opened: 0, reminded: 0 });
  // A restarted worker (a new context on the same database) sends nothing again.
  assert.deepEqual(await sweepDecisions({ ...f.ctx }, mail), { closed: 0, opened: 0, reminded: 0 });
  assert.deepEqual(await notices("decision_opened", postId), [ada.id, bea.id, cyd.id].sort());
  assert.deepEqual(
    (await decisionsWaitingFor(f.ctx, bea)).map((d) => d.id),
    [id],
  );
  assert.deepEqual(await decisionsWaitingFor(f.ctx, dan), [], "not a member: nothing waits");

  assert.ok(
    (await castVote(f.ctx, f.voter(bea), { decisionId: id, choice: { position: "agree" } })).ok,
  );
  assert.deepEqual(await decisionsWaitingFor(f.ctx, bea), [], "voted: no longer waiting");
  f.clock.advance(6 * HOUR); // 3 hours before the close: not yet due (lead: 2 hours)
  assert.equal((await sweepDecisions(f.ctx, mail)).reminded, 0);
  f.clock.advance(HOUR + 1);
  assert.equal((await sweepDecisions(f.ctx, mail)).reminded, 1);
  assert.equal((await sweepDecisions(f.ctx, mail)).reminded, 0);
  assert.deepEqual(await notices("decision_reminder", postId), [ada.id, cyd.id].sort());
  assert.deepEqual(mails.map((m) => m.email).sort(), ["ada@example.test", "cyd@example.test"]);

  f.clock.advance(2 * HOUR);
  assert.equal((await sweepDecisions(f.ctx, mail)).closed, 1);
  assert.equal((await sweepDecisions(f.ctx, mail)).closed, 0);
  const d = await findDecision(f.ctx.db, id);
  assert.equal(d?.status, "closed");
  assert.equal(d?.closed_by_uri, null, "closed by time");
  assert.equal(JSON.parse(d?.tally ?? "{}").outcome.passed, true);
  assert.equal((await f.events("decisions.decision.closed")).at(-1)?.decisionId, id);
});

test("a moderator hides a vote's reason (logged); the vote still counts; others may not", async () => {
  const made = await createDecision(f.ctx, bea, { group, proposal: f.proposal() });
  assert.ok(made.ok);
  const id = made.value.id;
  assert.ok(
    (
      await castVote(f.ctx, f.voter(cyd), {
        decisionId: id,
        choice: { position: "disagree", reason: "rude words" },
      })
    ).ok,
  );
  const voteId = (await decisionView(f.ctx, ada, id))?.votes?.[0]?.voteId as string;
  assert.deepEqual(await setReasonHidden(f.ctx, bea, { voteId, hidden: true }), {
    ok: false,
    reason: "forbidden",
  });
  assert.deepEqual(await setReasonHidden(f.ctx, dan, { voteId, hidden: true }), {
    ok: false,
    reason: "not-found",
  });
  assert.deepEqual(await setReasonHidden(f.ctx, ada, { voteId, hidden: true, note: "insult" }), {
    ok: true,
    value: null,
  });
  const vote = (await decisionView(f.ctx, bea, id))?.votes?.[0];
  assert.equal(vote?.reason, "");
  assert.equal(vote?.reasonHidden, true);
  assert.equal((await decisionView(f.ctx, bea, id))?.tally?.ballots, 1);
  assert.equal((await moderationLog(f.ctx.db, group.id))[0]?.action, "hide");
});

test("export lists one's votes and secret participation (no secret choice); deletion withdraws open votes and anonymises closed ones", async () => {
  const contributor = decisionsContributor(f.ctx.origin);
  const open = await createDecision(f.ctx, ada, {
    group,
    proposal: f.proposal({ rule: "single", options: [{ label: "A" }, { label: "B" }] }),
  });
  const closing = await createDecision(f.ctx, ada, {
    group,
    proposal: f.proposal({ rule: "single", options: [{ label: "A" }, { label: "B" }] }),
  });
  const secret = await createDecision(f.ctx, ada, {
    group,
    proposal: f.proposal({
      rule: "single",
      options: [{ label: "A" }, { label: "B" }],
      ballot: "secret",
      resultsVisibility: "after-close",
    }),
  });
  assert.ok(open.ok && closing.ok && secret.ok);
  for (const d of [open.value.id, closing.value.id])
    assert.ok((await castVote(f.ctx, f.voter(cyd), { decisionId: d, choice: { option: 1 } })).ok);
  const cast = await castVote(f.ctx, f.voter(cyd), {
    decisionId: secret.value.id,
    choice: { option: 0 },
  });
  assert.ok(cast.ok);
  const exported = (await contributor.export(f.ctx.db, cyd.id)) as {
    votes: { decision: string; choice: unknown }[];
    secretBallotsTakenPartIn: { decision: string }[];
  };
  assert.ok(exported.votes.some((v) => JSON.stringify(v.choice) === '{"option":1}'));
  assert.equal(exported.secretBallotsTakenPartIn.length, 1);
  assert.ok(!JSON.stringify(exported.secretBallotsTakenPartIn).includes("option"));

  const closed = await closeDecision(f.ctx, ada, {
    decisionId: closing.value.id,
  });
  assert.ok(closed.ok);
  await f.ctx.db
    .transaction()
    .execute((trx) => contributor.erase(trx, cyd.id, f.clock.now().toISOString()));
  const left = await f.ctx.db
    .selectFrom("decision_votes")
    .selectAll()
    .where("decision_id", "in", [open.value.id, closing.value.id])
    .execute();
  assert.equal(left.length, 1, "the open decision's vote is withdrawn");
  assert.equal(left[0]?.decision_id, closing.value.id);
  assert.match(left[0]?.voter_uri ?? "", /^deleted:/);
  assert.equal(left[0]?.account_id, null);
  assert.equal(left[0]?.choice, '{"option":1}', "the closed count can still be recounted");
  const participation = await f.ctx.db
    .selectFrom("decision_voters")
    .selectAll()
    .where("decision_id", "=", secret.value.id)
    .execute();
  assert.equal(participation.length, 0);
  assert.equal(
    (
      await f.ctx.db
        .selectFrom("decision_ballots")
        .selectAll()
        .where("decision_id", "=", secret.value.id)
        .execute()
    ).length,
    1,
    "a secret ballot cannot be found without its receipt: it stays",
  );
});

test("a proposal hidden by a group moderator stops voting and leaves every list; shown again, it is back", async () => {
  const made = await createDecision(f.ctx, bea, { group, proposal: f.proposal() });
  assert.ok(made.ok);
  const { id, postId } = made.value;
  assert.ok((await decisionsWaitingFor(f.ctx, cyd)).some((d) => d.id === id));
  assert.ok(
    (await setThreadHidden(f.ctx, group, postId, ada, { hidden: true, reason: "spam" })).ok,
  );
  assert.deepEqual(
    await castVote(f.ctx, f.voter(cyd), { decisionId: id, choice: { position: "agree" } }),
    { ok: false, reason: "not-found" },
  );
  assert.ok(!(await decisionsWaitingFor(f.ctx, cyd)).some((d) => d.id === id));
  assert.equal(await decisionView(f.ctx, cyd, id), null);
  assert.ok((await setThreadHidden(f.ctx, group, postId, ada, { hidden: false })).ok);
  assert.ok(
    (await castVote(f.ctx, f.voter(cyd), { decisionId: id, choice: { position: "agree" } })).ok,
  );
});
