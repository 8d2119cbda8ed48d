/**
 * Decisions hosted elsewhere, on a fresh database with a fixed clock: the copy
 * is kept and refreshed (an older description changes nothing; a decision
 * hosted here cannot be overwritten; a new round drops the ballots sent), and a
 * member's ballot is refused with a named problem, writing nothing, when the
 * decision is unknown or closed, the member is not in the group, the choice is
 * wrong, or they already voted where changes are not allowed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { groupsFixture } from "../../../test/support/groups.ts";
import { type RemoteDecisionInput, receiveRemoteDecision, sendBallot } from "./elsewhere.ts";
import { decisionFederationContributor } from "./federation-data.ts";

const HOST = "https://host.example";
const GROUP = `${HOST}/groups/garden`;

async function setUp() {
  const f = await groupsFixture();
  const ben = await f.member("ben");
  const db = f.handle.db;
  const now = f.clock.now().toISOString();
  // The thread, as the Group's Announce left it here.
  const postId = "0190a000-0000-7000-8000-0000000000aa";
  const remote = await f.remote(`${HOST}/users/ana`);
  await db
    .insertInto("posts")
    .values({
      id: postId,
      uri: `${HOST}/posts/1`,
      local: 0,
      thread_id: postId,
      url: null,
      in_reply_to_id: null,
      in_reply_to_uri: null,
      reblog_of_id: null,
      language: null,
      edited_at: null,
      deleted_at: null,
      author_account_id: null,
      author_remote_id: (remote as { remoteId: string }).remoteId,
      author_uri: `${HOST}/users/ana`,
      content_html: "<p>Where?</p>",
      visibility: "public",
      audience_uri: GROUP,
      created_at: now,
    } as never)
    .execute();
  const input: RemoteDecisionInput = {
    uri: `${HOST}/decisions/1`,
    groupUri: GROUP,
    threadUri: `${HOST}/posts/1`,
    createdByUri: `${HOST}/users/ana`,
    title: "Where?",
    body: "",
    rule: "irv",
    settings: { rule: "irv", options: ["Park", "Hall"] },
    options: [
      { label: "Park", explanation: "" },
      { label: "Hall", explanation: "" },
    ],
    opensAt: now,
    closesAt: new Date(f.clock.now().getTime() + 86_400_000).toISOString(),
    closedAt: null,
    ballot: "named",
    resultsVisibility: "always",
    voteChanges: false,
    weighting: "per-coop",
    votersCount: 0,
    round: 0,
    tally: null,
    outcome: null,
    reviewAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const s = { ...f.ctx, domain: "coop.example" };
  return { f, ben, db, input, postId, s };
}

const sentBallots = (f: Awaited<ReturnType<typeof setUp>>) =>
  f.db.selectFrom("decision_sent_ballots").selectAll().execute();

test("the copy is kept, refreshed, never older, never over a decision hosted here", async () => {
  const t = await setUp();
  const kept = await receiveRemoteDecision(t.s, t.input, { postId: t.postId });
  assert.ok(kept.ok);
  const later = new Date(Date.parse(t.input.updatedAt) + 1000).toISOString();
  assert.ok(
    (
      await receiveRemoteDecision(
        t.s,
        { ...t.input, votersCount: 3, updatedAt: later },
        { postId: t.postId },
      )
    ).ok,
  );
  assert.deepEqual(
    await receiveRemoteDecision(t.s, { ...t.input, votersCount: 1 }, { postId: t.postId }),
    { ok: false, reason: "stale" },
  );
  assert.deepEqual(
    await receiveRemoteDecision(
      t.s,
      { ...t.input, groupUri: `${HOST}/groups/other`, updatedAt: later },
      { postId: t.postId },
    ),
    { ok: false, reason: "moved" },
  );
  const row = await t.db
    .selectFrom("decisions")
    .selectAll()
    .where("id", "=", kept.value.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.voters_count, 3);
  assert.equal(row.local, 0);
  await t.db.updateTable("decisions").set({ local: 1 }).where("id", "=", row.id).execute();
  assert.deepEqual(
    await receiveRemoteDecision(t.s, { ...t.input, updatedAt: later }, { postId: t.postId }),
    { ok: false, reason: "local" },
  );
  await t.f.handle.close?.();
});

test("a ballot elsewhere: refused with a named problem and nothing written, or kept with its event", async () => {
  const t = await setUp();
  const kept = await receiveRemoteDecision(t.s, t.input, { postId: t.postId });
  assert.ok(kept.ok);
  const decisionId = kept.value.id;
  const events = () => t.f.events("decisions.ballot.sent" as never);
  assert.deepEqual(await sendBallot(t.s, t.ben, { decisionId: "nope", choice: { ranking: [0] } }), {
    ok: false,
    reason: "not-found",
  });
  // Not a member of the group (no accepted follow of its Group).
  assert.deepEqual(await sendBallot(t.s, t.ben, { decisionId, choice: { ranking: [0] } }), {
    ok: false,
    reason: "not-a-member",
  });
  // Not a delegate of our co-op either.
  assert.deepEqual(
    await sendBallot(t.s, t.ben, { decisionId, choice: { ranking: [0] }, forCoop: true }),
    { ok: false, reason: "not-a-delegate" },
  );
  await t.db
    .insertInto("follows")
    .values({
      id: "0190a000-0000-7000-8000-0000000000bb",
      follower_uri: `${t.s.origin}/users/ben`,
      followee_uri: GROUP,
      follower_account_id: t.ben.id,
      follower_remote_id: null,
      followee_account_id: null,
      followee_remote_id: null,
      status: "accepted",
      activity_uri: `${t.s.origin}/follows/1`,
      created_at: t.input.createdAt,
      accepted_at: t.input.createdAt,
    })
    .execute();
  assert.deepEqual(await sendBallot(t.s, t.ben, { decisionId, choice: { ranking: [0, 0] } }), {
    ok: false,
    reason: "invalid-choice",
  });
  assert.deepEqual(await sentBallots(t), []);
  assert.equal((await events()).length, 0);
  assert.ok((await sendBallot(t.s, t.ben, { decisionId, choice: { ranking: [1, 0] } })).ok);
  assert.deepEqual(await sendBallot(t.s, t.ben, { decisionId, choice: { ranking: [0] } }), {
    ok: false,
    reason: "already-voted",
  });
  assert.equal((await sentBallots(t)).length, 1);
  assert.equal((await events()).length, 1);
  // The host amended it (a new round): the ballot sent is dropped, the member votes again.
  const later = new Date(Date.parse(t.input.updatedAt) + 1000).toISOString();
  assert.ok(
    (
      await receiveRemoteDecision(
        t.s,
        { ...t.input, round: 1, updatedAt: later },
        { postId: t.postId },
      )
    ).ok,
  );
  assert.deepEqual(await sentBallots(t), []);
  assert.ok((await sendBallot(t.s, t.ben, { decisionId, choice: { ranking: [0] } })).ok);
  await t.db
    .transaction()
    .execute((trx) => decisionFederationContributor.erase(trx, t.ben.id, t.input.createdAt));
  assert.deepEqual(await sentBallots(t), []);
  // Closed by the host: refused.
  const closedAt = new Date(Date.parse(later) + 1000).toISOString();
  assert.ok(
    (
      await receiveRemoteDecision(
        t.s,
        { ...t.input, round: 1, closedAt, updatedAt: closedAt },
        { postId: t.postId },
      )
    ).ok,
  );
  assert.deepEqual(await sendBallot(t.s, t.ben, { decisionId, choice: { ranking: [0] } }), {
    ok: false,
    reason: "closed",
  });
});
